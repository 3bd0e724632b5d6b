import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ConnectionState,
  RealtimeConnectionManager,
  type RealtimeHandlers,
} from '../src/lib/realtime.js';
import type { HarmonyClient } from '../src/lib/supabase.js';
import type { Message } from '../src/lib/types.js';
import { createServersStore } from '../src/stores/servers.js';
import { profileIdOf, signedInClient, startTestStack, type TestStack, until } from './live.js';

let t: TestStack;
let ada: HarmonyClient;
let bob: HarmonyClient;
let serverId: string;
let channelId: string;

function recorder() {
  const events = {
    messages: [] as Message[],
    typing: [] as string[],
    resyncs: [] as string[][],
    states: [] as ConnectionState[],
    presence: [] as string[][],
  };
  const handlers: RealtimeHandlers = {
    message: (m) => events.messages.push(m),
    unreadMessage: () => undefined,
    readState: () => undefined,
    friendsChanged: () => undefined,
    reaction: () => undefined,
    notification: () => undefined,
    serverChanged: () => undefined,
    membershipChanged: () => undefined,
    overwriteChanged: () => undefined,
    presence: (_server, online) => events.presence.push(Object.keys(online)),
    typing: (_channel, _who, name) => events.typing.push(name),
    resync: (ids) => events.resyncs.push(ids),
    state: (state) => events.states.push(state),
  };
  return { events, handlers };
}

beforeAll(async () => {
  t = await startTestStack();
  ada = await signedInClient(t, 'ada_rt');
  bob = await signedInClient(t, 'bob_rt');
  const servers = createServersStore(ada);
  serverId = await servers.getState().createServer('Realtime server');
  await servers.getState().loadServer(serverId);
  channelId = servers.getState().details[serverId]?.channels.find((c) => c.type === 'text')?.id as string;
  await createServersStore(bob)
    .getState()
    .joinByInvite(await servers.getState().createInvite(serverId));
});
afterAll(() => t.stop());

describe('RealtimeConnectionManager (real stack)', () => {
  it('connects, delivers new messages and typing, shares presence, and asks for a catch-up once live', async () => {
    const bobEvents = recorder();
    const adaEvents = recorder();
    const bobManager = new RealtimeConnectionManager(bob, await profileIdOf(bob), bobEvents.handlers);
    const adaManager = new RealtimeConnectionManager(ada, await profileIdOf(ada), adaEvents.handlers);
    try {
      bobManager.start();
      adaManager.start();
      bobManager.watchServer(serverId);
      adaManager.watchServer(serverId);
      bobManager.watchChannel(channelId);
      adaManager.watchChannel(channelId);
      await until(() => bobEvents.events.states.includes('connected'));
      // The first SUBSCRIBED of a channel triggers a catch-up for what was sent before it.
      await until(() => bobEvents.events.resyncs.some((ids) => ids.includes(channelId)));

      await ada.from('messages').insert({ channel_id: channelId, content: 'live hello' });
      const got = await until(() => bobEvents.events.messages.find((m) => m.content === 'live hello'));
      expect(got.channel_id).toBe(channelId);

      await adaManager.sendTyping(channelId, 'Ada');
      await until(() => bobEvents.events.typing.includes('Ada'));
      await until(() => bobEvents.events.presence.some((online) => online.length === 2));
    } finally {
      await Promise.all([bobManager.stop(), adaManager.stop()]);
    }
    expect(bobManager.connectionState()).toBe('idle');
  });

  it('never delivers a message from a channel the user cannot see', async () => {
    const { data: hidden } = await ada.rpc('create_channel', {
      p_server_id: serverId,
      p_name: 'staff',
      p_type: 'text',
    });
    await ada.rpc('set_channel_overwrite', {
      p_channel_id: hidden as string,
      p_target_type: 'role',
      p_target_id: serverId,
      p_allow: 0,
      p_deny: 1024,
    });
    const bobEvents = recorder();
    const manager = new RealtimeConnectionManager(bob, await profileIdOf(bob), bobEvents.handlers);
    try {
      manager.start();
      manager.watchChannel(hidden as string);
      manager.watchChannel(channelId);
      await until(() => bobEvents.events.resyncs.some((ids) => ids.includes(channelId)));
      await ada.from('messages').insert({ channel_id: hidden as string, content: 'staff only' });
      await ada.from('messages').insert({ channel_id: channelId, content: 'for everyone' });
      await until(() => bobEvents.events.messages.find((m) => m.content === 'for everyone'));
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(bobEvents.events.messages.map((m) => m.content)).not.toContain('staff only');
    } finally {
      await manager.stop();
    }
  });
});
