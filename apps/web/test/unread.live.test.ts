import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUnreadStore } from '../src/features/unread/unread-store.js';
import type { HarmonyClient } from '../src/lib/supabase.js';
import type { Message } from '../src/lib/types.js';
import { createServersStore } from '../src/stores/servers.js';
import { profileIdOf, signedInClient, startTestStack, type TestStack } from './live.js';

let t: TestStack;
let ada: HarmonyClient;
let bob: HarmonyClient;
let channelId: string;
let bobProfile: string;

beforeAll(async () => {
  t = await startTestStack();
  ada = await signedInClient(t, 'ada_unread');
  bob = await signedInClient(t, 'bob_unread');
  const servers = createServersStore(ada);
  const serverId = await servers.getState().createServer('Unread server');
  await servers.getState().loadServer(serverId);
  channelId = servers.getState().details[serverId]?.channels.find((c) => c.type === 'text')?.id as string;
  await createServersStore(bob)
    .getState()
    .joinByInvite(await servers.getState().createInvite(serverId));
  bobProfile = await profileIdOf(bob);
});
afterAll(() => t.stop());

const send = async (content: string) =>
  (await ada.from('messages').insert({ channel_id: channelId, content }).select().single()).data as Message;

describe('unread store (real stack)', () => {
  it('counts live messages as get_unread_state does, and clears on this device at once', async () => {
    const unread = createUnreadStore(bob);
    await unread.getState().load();
    const start = unread.getState().byChannel[channelId];
    expect(start).toBeDefined();
    const reader = { profileId: bobProfile, roleIds: [] };
    unread.getState().count(await send('one'), reader);
    unread.getState().count(await send(`two <@${bobProfile}>`), reader);
    const live = unread.getState().byChannel[channelId];
    const fresh = createUnreadStore(bob);
    await fresh.getState().load();
    expect(live).toEqual(fresh.getState().byChannel[channelId]);
    expect(live).toMatchObject({ unread: (start?.unread ?? 0) + 2, mentions: (start?.mentions ?? 0) + 1 });

    const marking = unread.getState().markRead(channelId);
    expect(unread.getState().byChannel[channelId]).toMatchObject({ unread: 0, mentions: 0 });
    await marking;
    await fresh.getState().load();
    expect(fresh.getState().byChannel[channelId]).toMatchObject({ unread: 0, mentions: 0 });
  });

  it('takes the server’s counts when the marker moved on another device, and ignores its own', async () => {
    const here = createUnreadStore(bob);
    const phone = createUnreadStore(bob);
    await send('three');
    await Promise.all([here.getState().load(), phone.getState().load()]);
    expect(here.getState().byChannel[channelId]?.unread).toBeGreaterThan(0);
    const marker = here.getState().byChannel[channelId]?.lastMessageSeq as number;
    await phone.getState().markRead(channelId, marker);
    here.getState().readElsewhere(channelId, marker);
    await expect.poll(() => here.getState().byChannel[channelId]?.unread).toBe(0);
    const loads = here.getState().loads;
    here.getState().readElsewhere(channelId, marker);
    expect(here.getState().loads).toBe(loads);
  });
});
