import { createStore } from 'zustand/vanilla';
import { describeError } from '../lib/errors.js';
import type { HarmonyClient } from '../lib/supabase.js';
import type { Message } from '../lib/types.js';

export interface SearchScope {
  serverId: string | null;
  channelId: string | null;
}

export type SearchStatus = 'idle' | 'loading' | 'done' | 'error';

export interface SearchState {
  query: string;
  scope: SearchScope;
  results: Message[];
  status: SearchStatus;
  error: string | null;
  search(query: string, scope: SearchScope): Promise<void>;
  reset(): void;
}

export const MAX_QUERY = 200;

// == pure helpers ==

/** A search_messages scope: a channel narrows further than its server; DMs have only a channel. */
export function searchArgs(query: string, scope: SearchScope, limit = 25) {
  return {
    p_query: query.trim(),
    p_server_id: scope.channelId ? undefined : (scope.serverId ?? undefined),
    p_channel_id: scope.channelId ?? undefined,
    p_limit: limit,
  };
}

/** Why a query cannot be sent, or null. */
export function queryProblem(query: string): string | null {
  const q = query.trim();
  if (!q) return 'Type something to search for.';
  if (q.length > MAX_QUERY) return `Search queries are at most ${MAX_QUERY} characters.`;
  return null;
}

export interface Snippet {
  before: string;
  match: string;
  after: string;
}

/**
 * The part of a message around the first occurrence of a query word (case-insensitive),
 * split so the match can be highlighted without building HTML. Long text is trimmed to
 * about `radius` characters on each side, with ellipses.
 */
export function snippet(content: string, query: string, radius = 60): Snippet {
  const text = content.replace(/\s+/g, ' ').trim();
  const lower = text.toLowerCase();
  const words = [query.trim(), ...query.trim().split(/\s+/)]
    .map((w) => w.replace(/^["'-]+|["']+$/g, '').toLowerCase())
    .filter((w) => w.length > 0 && w !== 'or');
  let at = -1;
  let length = 0;
  for (const word of words) {
    at = lower.indexOf(word);
    if (at >= 0) {
      length = word.length;
      break;
    }
  }
  if (at < 0) {
    const cut = text.length > radius * 2 ? `${text.slice(0, radius * 2)}…` : text;
    return { before: cut, match: '', after: '' };
  }
  const start = Math.max(0, at - radius);
  const end = Math.min(text.length, at + length + radius);
  return {
    before: (start > 0 ? '…' : '') + text.slice(start, at),
    match: text.slice(at, at + length),
    after: text.slice(at + length, end) + (end < text.length ? '…' : ''),
  };
}

// == store ==

export function createSearchStore(client: HarmonyClient) {
  let generation = 0;
  return createStore<SearchState>()((set) => ({
    query: '',
    scope: { serverId: null, channelId: null },
    results: [],
    status: 'idle',
    error: null,

    async search(query, scope) {
      const problem = queryProblem(query);
      const mine = ++generation;
      if (problem) {
        set({ query, scope, results: [], status: 'error', error: problem });
        return;
      }
      set({ query, scope, status: 'loading', error: null });
      const { data, error } = await client.rpc('search_messages', searchArgs(query, scope));
      // A newer search started meanwhile: its answer is the one to show.
      if (mine !== generation) return;
      if (error) set({ results: [], status: 'error', error: describeError(error) });
      else set({ results: (data ?? []) as Message[], status: 'done', error: null });
    },

    reset() {
      generation++;
      set({ query: '', results: [], status: 'idle', error: null });
    },
  }));
}
