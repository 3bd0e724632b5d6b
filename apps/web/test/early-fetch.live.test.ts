import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authStorageKey, startEarlyFetches } from '../src/boot/early-fetch.js';
import { channelOfHash } from '../src/lib/route.js';
import type { HarmonyClient } from '../src/lib/supabase.js';
import { createServersStore } from '../src/stores/servers.js';
import { signedInClient, startTestStack, type TestStack } from './live.js';

let t: TestStack;
let ada: HarmonyClient;
let eve: HarmonyClient;
let serverId: string;
let channelId: string;

beforeAll(async () => {
  t = await startTestStack();
  ada = await signedInClient(t, 'ada_early');
  eve = await signedInClient(t, 'eve_early');
  const servers = createServersStore(ada);
  serverId = await servers.getState().createServer('Early server');
  await servers.getState().loadServer(serverId);
  channelId = servers.getState().details[serverId]?.channels.find((c) => c.type === 'text')?.id as string;
  for (const content of ['first', 'second', 'third'])
    await ada.from('messages').insert({ channel_id: channelId, content });
});
afterAll(() => t.stop());

/** localStorage as the browser holds it after sign-in: supabase-js's session JSON under its key. */
async function storageOf(client: HarmonyClient, patch: Record<string, unknown> = {}) {
  const { data } = await client.auth.getSession();
  const stored = JSON.stringify({ ...data.session, ...patch });
  const key = authStorageKey(t.url);
  return { getItem: (name: string) => (name === key ? stored : null) };
}

const early = async (client: HarmonyClient, hash: string, patch?: Record<string, unknown>) =>
  startEarlyFetches({
    url: t.url,
    anonKey: t.stack.keys.anon,
    storage: await storageOf(client, patch),
    hash,
  });

describe('early fetches of a reload (real stack)', () => {
  it('answers what the stores would fetch: the newest page and the profile row', async () => {
    const fetches = await early(ada, `#/channels/${serverId}/${channelId}`);
    expect(fetches?.channelId).toBe(channelId);
    const viaClient = await ada.rpc('get_messages', { p_channel_id: channelId, p_limit: 50 });
    expect(await fetches?.messages).toEqual(viaClient.data);
    const { data: user } = await ada.auth.getUser();
    const profile = await ada
      .from('profiles')
      .select('*')
      .eq('user_id', user.user?.id ?? '')
      .single();
    expect(await fetches?.profile).toEqual(profile.data);
  });

  it('starts nothing without a channel in the URL, a stored session, or time left on the token', async () => {
    expect(await early(ada, '#/')).toBeNull();
    expect(await early(ada, `#/channels/${serverId}`)).toBeNull();
    expect(
      await early(ada, `#/channels/${serverId}/${channelId}`, { expires_at: Date.now() / 1000 + 30 }),
    ).toBeNull();
    const empty = { getItem: () => null };
    expect(
      startEarlyFetches({ url: t.url, anonKey: t.stack.keys.anon, storage: empty, hash: '#/' }),
    ).toBeNull();
    const garbage = { getItem: () => '{not json' };
    const hash = `#/channels/${serverId}/${channelId}`;
    expect(startEarlyFetches({ url: t.url, anonKey: t.stack.keys.anon, storage: garbage, hash })).toBeNull();
  });

  it('yields null, not an error page, when the database refuses: the store then asks itself', async () => {
    // Eve is not a member: get_messages refuses her, and the store's own call reports why.
    const fetches = await early(eve, `#/channels/${serverId}/${channelId}`);
    expect(fetches).not.toBeNull();
    expect(await fetches?.messages).toBeNull();
    const forged = await early(ada, `#/channels/${serverId}/${channelId}`, { access_token: 'not-a-jwt' });
    expect(await forged?.messages).toBeNull();
    expect(await forged?.profile).toBeNull();
  });

  it('reads the channel of server and DM routes as lib/route.ts does', () => {
    expect(channelOfHash('#/channels/s1/c1')).toBe('c1');
    expect(channelOfHash('#/channels/@me/d1')).toBe('d1');
    expect(channelOfHash('#channels/s1/c1')).toBe('c1');
    expect(channelOfHash('#/invite/abc')).toBeNull();
    expect(channelOfHash('')).toBeNull();
  });
});
