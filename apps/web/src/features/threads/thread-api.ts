import type { HarmonyClient } from '../../lib/supabase.js';

/** A thread as list_threads and the thread_* events describe it (private.thread_summary in SQL). */
export interface Thread {
  id: string;
  parent_id: string;
  server_id: string;
  name: string;
  owner_id: string | null;
  starter_message_id: string | null;
  auto_archive_minutes: number;
  /** Archived explicitly or idle past its auto-archive time, when the summary was made. */
  archived: boolean;
  archived_at: string | null;
  /** When it auto-archives unless a message comes first. */
  archive_at: string;
  locked: boolean;
  message_count: number;
  member_count: number;
  last_message_at: string | null;
  last_author_id: string | null;
  created_at: string;
  /** Whether the signed-in user follows it (lists only; events leave it as it was). */
  joined?: boolean;
}

/** Archived now: explicitly, or by the clock (auto-archive is computed, never written). */
export function isArchived(thread: Thread, now = Date.now()): boolean {
  return thread.archived || Date.parse(thread.archive_at) <= now;
}

// The thread RPCs come with migration 20261206185000_threads.sql; the generated database types
// learn them when they are regenerated, so they are called through this narrow signature.
type Rpc = (fn: string, args: Record<string, unknown>) => PromiseLike<{ data: unknown; error: unknown }>;
const rpc = (client: HarmonyClient): Rpc => client.rpc.bind(client) as unknown as Rpc;

export async function call<T>(client: HarmonyClient, fn: string, args: Record<string, unknown>): Promise<T> {
  const { data, error } = await rpc(client)(fn, args);
  if (error) throw error;
  return data as T;
}

export const threadApi = {
  listForChannel: (client: HarmonyClient, channelId: string) =>
    call<Thread[]>(client, 'list_threads', { p_channel_id: channelId }),
  listJoined: (client: HarmonyClient, serverId: string) =>
    call<Thread[]>(client, 'list_threads', { p_server_id: serverId, p_archived: false }),
};
