import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUnreadTopicsSync } from '../src/features/realtime/unread-topics.js';
import { createUnreadStore } from '../src/features/unread/unread-store.js';
import {
  type ConnectionState,
  type PresenceInfo,
  RealtimeConnectionManager,
  type RealtimeHandlers,
} from '../src/lib/realtime.js';
import type { HarmonyClient } from '../src/lib/supabase.js';
import type { Message, ProfileChange } from '../src/lib/types.js';
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
    unread: [] as Message[],
    reactions: [] as string[],
    serverChanges: [] as string[],
    memberships: 0,
    notifications: [] as string[],
    notificationsRead: [] as string[],
    notificationsRemoved: [] as string[],
    profiles: [] as ProfileChange[],
  };
  const handlers: RealtimeHandlers = {
    message: (m) => events.messages.push(m),
    unreadMessage: (m) => events.unread.push(m),
    readState: () => undefined,
    friendsChanged: () => undefined,
    reaction: (r, removed) => events.reactions.push(`${removed ? '-' : '+'}${r.emoji}`),
    thread: () => undefined,
    interaction: () => undefined,
    notification: (n) => events.notifications.push(n.id),
    notificationsRead: (ids, readAt) =>
      events.notificationsRead.push(...ids.map((id) => `${id}:${Boolean(readAt)}`)),
    notificationsRemoved: (ids) => events.notificationsRemoved.push(...ids),
    serverChanged: (id) => events.serverChanges.push(id),
    membershipChanged: () => {
      events.memberships += 1;
    },
    remoteFollowsChanged: () => undefined,
    dmsChanged: () => undefined,
    reportsChanged: () => undefined,
    call: () => undefined,
    profile: (change) => events.profiles.push(change),
    serverDeleted: (id) => events.serverChanges.push(`deleted:${id}`),
    notificationSettingsChanged: () => undefined,
    presence: (_server, online) => events.presence.push(Object.keys(online)),
    typing: (_channel, _who, name) => events.typing.push(name),
    resync: (ids) => events.resyncs.push(ids),
    reconnected: () => undefined,
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

  it("hears of a co-member's new name on the server topic, and of its own on its user topic", async () => {
    const bobEvents = recorder();
    const adaEvents = recorder();
    const bobId = await profileIdOf(bob);
    const bobManager = new RealtimeConnectionManager(bob, bobId, bobEvents.handlers);
    const adaManager = new RealtimeConnectionManager(ada, await profileIdOf(ada), adaEvents.handlers);
    try {
      bobManager.start();
      adaManager.start();
      adaManager.watchServer(serverId);
      await until(() => adaEvents.events.states.includes('connected'));
      await until(() => bobEvents.events.states.includes('connected'));
      await until(() => adaEvents.events.presence.length > 0);
      const { error } = await bob.from('profiles').update({ display_name: 'Bob Renamed' }).eq('id', bobId);
      expect(error).toBeNull();
      const seen = await until(() => adaEvents.events.profiles.find((p) => p.display_name === 'Bob Renamed'));
      expect(seen.id).toBe(bobId);
      expect(seen).not.toHaveProperty('status');
      // Bob's other devices hear of it on his own topic.
      await until(() => bobEvents.events.profiles.find((p) => p.display_name === 'Bob Renamed'));
    } finally {
      await Promise.all([bobManager.stop(), adaManager.stop()]);
    }
  });

  it('shares who is in which voice channel, muted, deafened or streaming, with members not in voice', async () => {
    const { data: voice } = await ada
      .from('channels')
      .select('id')
      .eq('server_id', serverId)
      .eq('type', 'voice')
      .limit(1)
      .single();
    const voiceChannelId = voice?.id as string;
    const adaId = await profileIdOf(ada);
    const seen: Record<string, PresenceInfo>[] = [];
    const bobManager = new RealtimeConnectionManager(bob, await profileIdOf(bob), {
      ...recorder().handlers,
      presence: (_server, online) => seen.push(online),
    });
    const adaManager = new RealtimeConnectionManager(ada, adaId, recorder().handlers);
    try {
      bobManager.start();
      adaManager.start();
      bobManager.watchServer(serverId);
      adaManager.watchServer(serverId);
      const flags = { muted: true, deafened: false, streaming: true, camera: false };
      await until(() => seen.some((online) => online[adaId]));
      await adaManager.setPresence({ voiceChannelId, voiceFlags: flags });
      const inVoice = await until(() =>
        seen.map((online) => online[adaId]).find((p) => p?.voiceChannelId === voiceChannelId),
      );
      expect(inVoice?.voiceFlags).toEqual(flags);
      // Leaving voice: still online, in no channel.
      await adaManager.setPresence({ voiceChannelId: null, voiceFlags: null });
      await until(() => seen.at(-1)?.[adaId]?.voiceChannelId === null);
      expect(seen.at(-1)?.[adaId]).toMatchObject({ status: 'online', voiceFlags: null });
    } finally {
      await Promise.all([bobManager.stop(), adaManager.stop()]);
    }
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

  it('counts open channels from the server topic and restricted ones from their own, each once', async () => {
    const { data: nobodysRole } = await ada.rpc('create_role', {
      p_server_id: serverId,
      p_name: 'nobody',
      p_permissions: 0,
      p_color: 0,
    });
    const { data: quiet } = await ada.rpc('create_channel', {
      p_server_id: serverId,
      p_name: 'quiet',
      p_type: 'text',
    });
    // A deny for a role nobody holds: Bob still sees it, but it is restricted.
    await ada.rpc('set_channel_overwrite', {
      p_channel_id: quiet as string,
      p_target_type: 'role',
      p_target_id: nobodysRole as string,
      p_allow: 0,
      p_deny: 1024,
    });
    const bobEvents = recorder();
    const manager = new RealtimeConnectionManager(bob, await profileIdOf(bob), bobEvents.handlers);
    try {
      manager.start();
      manager.watchServer(serverId);
      manager.setUnreadChannels(serverId, [channelId, quiet as string], [quiet as string]);
      await until(() => bobEvents.events.states.includes('connected'));
      await until(
        // The user topic, the own presence topic, the server topic and the restricted channel's.
        () => bob.getChannels().every((c) => c.state === 'joined') && bob.getChannels().length === 4,
      );
      await ada.from('messages').insert({ channel_id: channelId, content: 'open news' });
      await ada.from('messages').insert({ channel_id: quiet as string, content: 'quiet news' });
      await until(() => bobEvents.events.unread.length >= 2);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(bobEvents.events.unread.map((m) => m.channel_id).sort()).toEqual(
        [channelId, quiet as string].sort(),
      );
      // Not on screen: the restricted channel's messages count, and are not shown.
      expect(bobEvents.events.messages).toEqual([]);
    } finally {
      await manager.stop();
    }
  });

  it('shows reactions and edits on screen, and hears of a deny made anywhere; leaves the hidden topic', async () => {
    const bobId = await profileIdOf(bob);
    const bobEvents = recorder();
    const manager = new RealtimeConnectionManager(bob, bobId, bobEvents.handlers);
    try {
      manager.start();
      manager.watchServer(serverId);
      manager.setVisibleChannels(serverId, [channelId]);
      manager.watchChannel(channelId);
      await until(() => bobEvents.events.resyncs.some((ids) => ids.includes(channelId)));
      await until(
        // The user topic, the own presence topic, the server topic and the open channel's.
        () => bob.getChannels().length === 4 && bob.getChannels().every((c) => c.state === 'joined'),
      );
      const { data: sent } = await ada
        .from('messages')
        .insert({ channel_id: channelId, content: 'react to me' })
        .select()
        .single();
      const id = (sent as Message).id;
      await ada.from('message_reactions').insert({ message_id: id, emoji: '👍' });
      await ada.from('messages').update({ content: 'edited' }).eq('id', id);
      await until(() => bobEvents.events.reactions.includes('+👍'));
      await until(() => bobEvents.events.messages.find((m) => m.id === id && m.content === 'edited'));

      // Ada denies Bob the channel straight through the API: his client hears of it on the server topic.
      await ada.rpc('set_channel_overwrite', {
        p_channel_id: channelId,
        p_target_type: 'member',
        p_target_id: bobId,
        p_allow: 0,
        p_deny: 1024,
      });
      await until(() => bobEvents.events.serverChanges.includes(serverId));
      manager.setVisibleChannels(serverId, []);
      await until(() => !bob.getChannels().some((c) => c.topic === `realtime:channel:${channelId}`));

      // Seen again: the topic is joined again and what was sent meanwhile is fetched.
      await ada.rpc('delete_channel_overwrite', {
        p_channel_id: channelId,
        p_target_type: 'member',
        p_target_id: bobId,
      });
      const resyncs = bobEvents.events.resyncs.length;
      manager.setVisibleChannels(serverId, [channelId]);
      await until(() => bobEvents.events.resyncs.slice(resyncs).some((ids) => ids.includes(channelId)));
    } finally {
      await manager.stop();
    }
  });

  it('joins the topics of restricted channels it reads, not of open ones, for servers never opened', async () => {
    const { data: backroom } = await ada.rpc('create_channel', {
      p_server_id: serverId,
      p_name: 'backroom',
      p_type: 'text',
    });
    // Denied to a member override on someone else (Ada, the owner, sees it anyway): restricted for Bob.
    await ada.rpc('set_channel_overwrite', {
      p_channel_id: backroom as string,
      p_target_type: 'member',
      p_target_id: await profileIdOf(ada),
      p_allow: 0,
      p_deny: 1024,
    });
    const bobEvents = recorder();
    const manager = new RealtimeConnectionManager(bob, await profileIdOf(bob), bobEvents.handlers);
    const servers = createServersStore(bob);
    const unread = createUnreadStore(bob);
    const sync = createUnreadTopicsSync({ client: bob, servers, unread, realtime: () => manager });
    try {
      manager.start();
      await Promise.all([servers.getState().loadServers(), unread.getState().load()]);
      expect(servers.getState().details[serverId]).toBeUndefined();
      await sync();
      const topics = () => bob.getChannels().map((c) => c.topic);
      await until(() => topics().includes(`realtime:channel:${backroom}`));
      expect(topics()).not.toContain(`realtime:channel:${channelId}`);
    } finally {
      await manager.stop();
    }
  });

  it('follows notifications created, read on another device and removed with their message', async () => {
    const bobId = await profileIdOf(bob);
    const bobEvents = recorder();
    const manager = new RealtimeConnectionManager(bob, bobId, bobEvents.handlers);
    try {
      manager.start();
      await until(() => bobEvents.events.states.includes('connected'));
      const { data: sent } = await ada
        .from('messages')
        .insert({ channel_id: channelId, content: `ping <@${bobId}>` })
        .select()
        .single();
      const notificationId = await until(() => bobEvents.events.notifications[0]);
      // Another device of Bob's marks it read.
      await bob.rpc('mark_notifications_read', { p_ids: [notificationId] });
      await until(() => bobEvents.events.notificationsRead.includes(`${notificationId}:true`));
      await ada.rpc('delete_message', { p_message_id: (sent as Message).id });
      await until(() => bobEvents.events.notificationsRemoved.includes(notificationId));
    } finally {
      await manager.stop();
    }
  });

  it('re-reads access on its own role changes and memberships from the user topic', async () => {
    const bobId = await profileIdOf(bob);
    const bobEvents = recorder();
    const manager = new RealtimeConnectionManager(bob, bobId, bobEvents.handlers);
    try {
      manager.start();
      await until(() => bobEvents.events.states.includes('connected'));
      const { data: roleId } = await ada.rpc('create_role', {
        p_server_id: serverId,
        p_name: 'crew',
        p_permissions: 0,
        p_color: 0,
      });
      await ada.rpc('assign_role', {
        p_server_id: serverId,
        p_profile_id: bobId,
        p_role_id: roleId as string,
      });
      await until(() => bobEvents.events.serverChanges.includes(serverId));
      await ada.rpc('kick_member', { p_server_id: serverId, p_profile_id: bobId });
      await until(() => bobEvents.events.memberships > 0);
    } finally {
      await manager.stop();
    }
  });

  it('shares presence with friends who are in no server with the user, and with nobody else', async () => {
    const dee = await signedInClient(t, 'dee_rt');
    const eve = await signedInClient(t, 'eve_rt');
    const adaId = await profileIdOf(ada);
    const asked = await ada.rpc('send_friend_request', { p_username: 'dee_rt' });
    expect(asked.error).toBeNull();
    const { data: requests } = await dee.from('friend_requests').select('id');
    const accepted = await dee.rpc('accept_friend_request', { p_request_id: requests?.[0]?.id as string });
    expect(accepted.error).toBeNull();

    const seen: Record<string, Record<string, PresenceInfo>> = {};
    const deeManager = new RealtimeConnectionManager(dee, await profileIdOf(dee), {
      ...recorder().handlers,
      presence: (topic, online) => {
        seen[topic] = online;
      },
    });
    const adaManager = new RealtimeConnectionManager(ada, adaId, recorder().handlers);
    // Eve, no friend of Ada's, asks for Ada's presence topic directly.
    const statuses: string[] = [];
    const eveOnline: string[] = [];
    const eavesdrop = eve.channel(`presence:${adaId}`, {
      config: { private: true, presence: { key: 'eve' } },
    });
    eavesdrop.on('presence', { event: 'sync' }, () =>
      eveOnline.push(...Object.keys(eavesdrop.presenceState())),
    );
    try {
      adaManager.start();
      deeManager.start();
      deeManager.watchFriends([adaId]);
      const online = await until(() => seen[`presence:${adaId}`]?.[adaId]);
      // Only the status: where Ada is in voice stays with her servers' members.
      expect(online).toEqual({ profileId: adaId, status: 'online', voiceChannelId: null, voiceFlags: null });

      eavesdrop.subscribe((status) => statuses.push(status));
      await until(() => statuses.includes('CHANNEL_ERROR'));
      expect(statuses).not.toContain('SUBSCRIBED');
      expect(eveOnline).toEqual([]);

      // Ada leaves: Dee sees her go.
      await adaManager.stop();
      await until(() => seen[`presence:${adaId}`] && !seen[`presence:${adaId}`]?.[adaId]);
    } finally {
      await Promise.all([deeManager.stop(), adaManager.stop(), eve.removeChannel(eavesdrop)]);
    }
  });
});
