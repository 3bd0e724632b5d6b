import { hasPermission, Permissions } from '@harmony/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HarmonyClient } from '../src/lib/supabase.js';
import { createAuthStore } from '../src/stores/auth.js';
import { createMessagesStore } from '../src/stores/messages.js';
import { createServersStore } from '../src/stores/servers.js';
import { profileIdOf, signedInClient, startTestStack, type TestStack, until } from './live.js';

let t: TestStack;
let ada: HarmonyClient;
let bob: HarmonyClient;
let serverId: string;
let channelId: string;
let adaProfile: string;
let bobProfile: string;

beforeAll(async () => {
  t = await startTestStack();
  ada = await signedInClient(t, 'ada_live');
  bob = await signedInClient(t, 'bob_live');
  const servers = createServersStore(ada);
  serverId = await servers.getState().createServer('Live server');
  await servers.getState().loadServer(serverId);
  channelId = servers.getState().details[serverId]?.channels.find((c) => c.type === 'text')?.id as string;
  const code = await servers.getState().createInvite(serverId);
  await createServersStore(bob).getState().joinByInvite(code);
  adaProfile = await profileIdOf(ada);
  bobProfile = await profileIdOf(bob);
});
afterAll(() => t.stop());

describe('auth store', () => {
  it('signs in, loads the profile, and reports wrong passwords without signing in', async () => {
    const client = (await import('@supabase/supabase-js')).createClient(t.url, t.stack.keys.anon, {
      auth: { persistSession: false, autoRefreshToken: false },
    }) as unknown as HarmonyClient;
    const auth = createAuthStore(client);
    await auth.getState().init();
    expect(auth.getState().status).toBe('signedOut');
    await auth.getState().signIn('ada_live@example.test', 'wrong password');
    expect(auth.getState()).toMatchObject({
      status: 'signedOut',
      error: 'The email or password is not correct.',
    });
    await auth.getState().signIn('ada_live@example.test', 'a-long-enough-password');
    expect(auth.getState().status).toBe('signedIn');
    expect(auth.getState().profile?.username).toBe('ada_live');
  });
});

describe('servers store', () => {
  it('lists only the servers the user is in, once each', async () => {
    const store = createServersStore(bob);
    await store.getState().loadServers();
    expect(store.getState().servers.map((s) => s.name)).toEqual(['Live server']);
  });

  it('computes the same channel permissions as the database', async () => {
    const store = createServersStore(ada);
    await store.getState().loadServers();
    // Bob loses SEND_MESSAGES in the channel through a member overwrite.
    const { error } = await ada.rpc('set_channel_overwrite', {
      p_channel_id: channelId,
      p_target_type: 'member',
      p_target_id: bobProfile,
      p_allow: 0,
      p_deny: Number(Permissions.SEND_MESSAGES),
    });
    expect(error).toBeNull();
    await store.getState().loadServer(serverId);
    for (const profileId of [adaProfile, bobProfile]) {
      const { data } = await ada.rpc('channel_permissions', {
        p_channel_id: channelId,
        p_profile_id: profileId,
      });
      expect(store.getState().channelPermissions(channelId, profileId)).toBe(BigInt(data as number));
    }
    expect(
      hasPermission(store.getState().channelPermissions(channelId, bobProfile), Permissions.SEND_MESSAGES),
    ).toBe(false);
    await ada.rpc('delete_channel_overwrite', {
      p_channel_id: channelId,
      p_target_type: 'member',
      p_target_id: bobProfile,
    });
  });
});

describe('messages store', () => {
  it('sends optimistically and keeps one copy when the server echo and the insert both arrive', async () => {
    const store = createMessagesStore(ada);
    await store.getState().loadLatest(channelId);
    await store.getState().send(channelId, 'hello from the store');
    const state = store.getState().channels[channelId];
    expect(state?.pending).toEqual([]);
    const sent = state?.items.filter((m) => m.content === 'hello from the store') ?? [];
    expect(sent).toHaveLength(1);
    store.getState().receive(sent[0] as never);
    expect(
      store.getState().channels[channelId]?.items.filter((m) => m.content === 'hello from the store'),
    ).toHaveLength(1);
  });

  it('keeps a refused message as failed with the reason; a retry fails the same way; it can be discarded', async () => {
    const store = createMessagesStore(ada);
    await store.getState().send(channelId, 'x'.repeat(4001));
    const failed = store.getState().channels[channelId]?.pending[0];
    expect(failed).toMatchObject({ status: 'failed' });
    expect(failed?.error).toBeTruthy();
    await store.getState().retry(channelId, failed?.nonce as string);
    expect(store.getState().channels[channelId]?.pending).toMatchObject([
      { nonce: failed?.nonce, status: 'failed' },
    ]);
    store.getState().discard(channelId, failed?.nonce as string);
    expect(store.getState().channels[channelId]?.pending).toEqual([]);
  });

  it('pages back through history and catches up exactly on what it missed', async () => {
    const store = createMessagesStore(ada);
    for (let i = 0; i < 60; i++)
      await bob.from('messages').insert({ channel_id: channelId, content: `bulk ${i}` });
    await store.getState().loadLatest(channelId);
    const first = store.getState().channels[channelId]?.items ?? [];
    expect(first).toHaveLength(50);
    await store.getState().loadOlder(channelId);
    const all = store.getState().channels[channelId]?.items ?? [];
    expect(all.map((m) => m.seq)).toEqual(Array.from({ length: all.length }, (_, i) => i + 1));
    expect(store.getState().channels[channelId]?.hasOlder).toBe(false);

    for (let i = 0; i < 3; i++)
      await bob.from('messages').insert({ channel_id: channelId, content: `missed ${i}` });
    expect(await store.getState().catchUp(channelId)).toBe(3);
    expect(await store.getState().catchUp(channelId)).toBe(0);
    const items = store.getState().channels[channelId]?.items ?? [];
    expect(items.slice(-3).map((m) => m.content)).toEqual(['missed 0', 'missed 1', 'missed 2']);
    expect(new Set(items.map((m) => m.id)).size).toBe(items.length);
  });

  it('catches up to the newest page when asked before any page (a resync racing the first load)', async () => {
    const store = createMessagesStore(ada);
    // A subscription going live before the view's first load: no walk from the channel's start.
    const [, fetched] = await Promise.all([
      store.getState().loadLatest(channelId),
      store.getState().catchUp(channelId),
    ]);
    expect(fetched).toBe(0);
    const early = createMessagesStore(ada);
    await early.getState().catchUp(channelId);
    const items = early.getState().channels[channelId]?.items ?? [];
    expect(items).toHaveLength(50);
    expect(items.at(-1)?.seq).toBe(store.getState().channels[channelId]?.items.at(-1)?.seq);
  });

  it('fills the gap before a live message whose predecessors were missed, exactly once', async () => {
    const store = createMessagesStore(ada);
    await store.getState().loadLatest(channelId);
    const missed = [];
    for (let i = 0; i < 3; i++) {
      const { data } = await bob
        .from('messages')
        .insert({ channel_id: channelId, content: `gap ${i}` })
        .select()
        .single();
      missed.push(data);
    }
    // Only the last one arrives live (the others were sent while reconnecting).
    store.getState().receive(missed[2] as never);
    await until(() => (store.getState().channels[channelId]?.items ?? []).some((m) => m.content === 'gap 0'));
    const items = store.getState().channels[channelId]?.items ?? [];
    expect(items.slice(-3).map((m) => m.content)).toEqual(['gap 0', 'gap 1', 'gap 2']);
    expect(items.map((m) => m.seq)).toEqual(
      Array.from({ length: items.length }, (_, i) => (items[0]?.seq ?? 0) + i),
    );
  });

  it('jumps to an old message: loads around it, then everything newer, and marks it focused', async () => {
    const { data: target } = await bob
      .from('messages')
      .select('id, seq')
      .eq('channel_id', channelId)
      .eq('content', 'bulk 5')
      .single();
    const store = createMessagesStore(ada);
    await store.getState().loadLatest(channelId);
    await store.getState().jumpTo(channelId, target?.id as string);
    const items = store.getState().channels[channelId]?.items ?? [];
    expect(items.some((m) => m.id === target?.id)).toBe(true);
    // Contiguous from the window's start to the newest message: no hole between them.
    expect(items.map((m) => m.seq)).toEqual(
      Array.from({ length: items.length }, (_, i) => (items[0]?.seq ?? 0) + i),
    );
    expect(store.getState().focused).toEqual({ channelId, messageId: target?.id });
    store.getState().clearFocus();
    expect(store.getState().focused).toBeNull();
  });
});
