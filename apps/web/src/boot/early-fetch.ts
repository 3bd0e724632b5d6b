/**
 * A reload on a channel asks for that channel's newest messages and the person's profile as
 * soon as this small module runs, before the app's own scripts have been evaluated: on this
 * machine that is ~60 ms earlier than the stores could ask. The stores take each answer once;
 * anything unusual (no stored session, one about to expire, an error answer) leaves them to ask
 * through supabase-js as usual, which also reports errors.
 *
 * Kept free of imports that belong to the app chunk: it is its own chunk (with lib/route.ts, which
 * it shares with the app), evaluated first.
 */

import { channelOfHash } from '../lib/route.js';

/** Messages per page: the newest page the channel view shows first. */
export const MESSAGE_PAGE = 50;
/** A token this close to expiry is left to supabase-js, which refreshes it first. */
const EXPIRY_MARGIN_MS = 120_000;

/** supabase-js's default key for the stored session: sb-<first label of the host>-auth-token. */
export function authStorageKey(url: string): string {
  return `sb-${new URL(url).hostname.split('.')[0]}-auth-token`;
}

interface StoredSession {
  access_token: string;
  expires_at: number;
  user: { id: string };
}

function readSession(storage: Pick<Storage, 'getItem'>, key: string, now: number): StoredSession | null {
  try {
    const session = JSON.parse(storage.getItem(key) ?? 'null') as Partial<StoredSession> | null;
    if (!session?.access_token || !session.user?.id || typeof session.expires_at !== 'number') return null;
    return session.expires_at * 1000 - now > EXPIRY_MARGIN_MS ? (session as StoredSession) : null;
  } catch {
    return null;
  }
}

export interface EarlyFetches {
  channelId: string;
  userId: string;
  messages: Promise<unknown[] | null>;
  profile: Promise<Record<string, unknown> | null>;
}

/** Answers that are not a clean 200 with JSON become null: the store then asks again itself. */
async function jsonOrNull<T>(request: Promise<Response>): Promise<T | null> {
  try {
    const response = await request;
    return response.ok ? ((await response.json()) as T) : null;
  } catch {
    return null;
  }
}

export function startEarlyFetches(options: {
  url: string;
  anonKey: string;
  storage: Pick<Storage, 'getItem'>;
  hash: string;
  now?: number;
}): EarlyFetches | null {
  const channelId = channelOfHash(options.hash);
  const session =
    channelId && readSession(options.storage, authStorageKey(options.url), options.now ?? Date.now());
  if (!channelId || !session) return null;
  const headers = { apikey: options.anonKey, Authorization: `Bearer ${session.access_token}` };
  const rest = `${options.url}/rest/v1`;
  return {
    channelId,
    userId: session.user.id,
    // The same calls the stores make: rpc get_messages (newest page) and the profile row.
    messages: jsonOrNull(
      fetch(`${rest}/rpc/get_messages`, {
        method: 'POST',
        headers: { ...headers, 'Content-Type': 'application/json' },
        body: JSON.stringify({ p_channel_id: channelId, p_limit: MESSAGE_PAGE }),
      }),
    ),
    profile: jsonOrNull(
      fetch(`${rest}/profiles?select=*&user_id=eq.${encodeURIComponent(session.user.id)}`, {
        headers: { ...headers, Accept: 'application/vnd.pgrst.object+json' },
      }),
    ),
  };
}

let started = false;
let earlyMessages: { channelId: string; page: Promise<unknown[] | null> } | null = null;
let earlyProfile: { userId: string; row: Promise<Record<string, unknown> | null> } | null = null;

/** Starts this page's early fetches (once, from the entry point). */
export function startPageEarlyFetches(url: string | undefined, anonKey: string | undefined): void {
  if (!url || !anonKey || started || typeof window === 'undefined') return;
  started = true;
  let fetches: EarlyFetches | null = null;
  try {
    fetches = startEarlyFetches({ url, anonKey, storage: window.localStorage, hash: window.location.hash });
  } catch {
    return; // storage blocked: the stores fetch as usual
  }
  if (!fetches) return;
  earlyMessages = { channelId: fetches.channelId, page: fetches.messages };
  earlyProfile = { userId: fetches.userId, row: fetches.profile };
}

/** The early newest page of a channel, once; null when there is none to take. */
export function takeEarlyMessages(channelId: string): Promise<unknown[] | null> | null {
  const page = earlyMessages?.channelId === channelId ? earlyMessages.page : null;
  if (page) earlyMessages = null;
  return page;
}

/** The early profile row of a user, once; null when there is none to take. */
export function takeEarlyProfile(userId: string): Promise<Record<string, unknown> | null> | null {
  const row = earlyProfile?.userId === userId ? earlyProfile.row : null;
  if (row) earlyProfile = null;
  return row;
}
