import { describe, expect, it } from 'vitest';
import type { HarmonyClient } from '../src/lib/supabase.js';
import { createSearchStore, queryProblem, searchArgs, snippet } from '../src/stores/search.js';

describe('search helpers', () => {
  it('narrows to the channel when there is one, else to the server', () => {
    expect(searchArgs(' hello ', { serverId: 's', channelId: null })).toEqual({
      p_query: 'hello',
      p_server_id: 's',
      p_channel_id: undefined,
      p_limit: 25,
    });
    expect(searchArgs('x', { serverId: 's', channelId: 'c' })).toMatchObject({
      p_server_id: undefined,
      p_channel_id: 'c',
    });
    expect(searchArgs('x', { serverId: null, channelId: 'dm' })).toMatchObject({ p_channel_id: 'dm' });
  });

  it('refuses empty and over-long queries before asking the server', () => {
    expect(queryProblem('   ')).toMatch(/Type something/);
    expect(queryProblem('a'.repeat(201))).toMatch(/200/);
    expect(queryProblem('fine')).toBeNull();
  });

  it('cuts a snippet around the match, case-insensitively', () => {
    expect(snippet('Hello World, how are you', 'world')).toEqual({
      before: 'Hello ',
      match: 'World',
      after: ', how are you',
    });
    const long = `${'a '.repeat(100)}needle${' b'.repeat(100)}`;
    const s = snippet(long, 'needle', 10);
    expect(s.match).toBe('needle');
    expect(s.before.startsWith('…')).toBe(true);
    expect(s.after.endsWith('…')).toBe(true);
    expect(s.before.length).toBeLessThanOrEqual(11);
  });

  it('falls back to a word of the query, or the start of the text', () => {
    expect(snippet('the quick brown fox', 'brown cat').match).toBe('brown');
    expect(snippet('nothing here', 'zzz')).toEqual({ before: 'nothing here', match: '', after: '' });
  });
});

describe('search store', () => {
  it('keeps only the answer of the latest search and reports errors', async () => {
    const answers: Record<string, { data: unknown; error: { message: string } | null }> = {
      slow: { data: [{ id: 'slow' }], error: null },
      fast: { data: [{ id: 'fast' }], error: null },
      bad: { data: null, error: { message: 'search queries are at most 200 characters' } },
    };
    const client = {
      rpc: async (_fn: string, args: { p_query: string }) => {
        if (args.p_query === 'slow') await new Promise((r) => setTimeout(r, 20));
        return answers[args.p_query];
      },
    } as unknown as HarmonyClient;
    const store = createSearchStore(client);
    const scope = { serverId: 's', channelId: null };
    await Promise.all([store.getState().search('slow', scope), store.getState().search('fast', scope)]);
    expect(store.getState().results.map((m) => m.id)).toEqual(['fast']);
    expect(store.getState().status).toBe('done');

    await store.getState().search('bad', scope);
    expect(store.getState()).toMatchObject({ status: 'error', results: [] });
    expect(store.getState().error).toMatch(/200 characters/);

    await store.getState().search('  ', scope);
    expect(store.getState().status).toBe('error');
  });
});
