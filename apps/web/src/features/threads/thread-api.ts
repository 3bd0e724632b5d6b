import type { Database } from '@harmony/shared';
import type { HarmonyClient } from '../../lib/supabase.js';
import { unwrap } from '../../lib/unwrap.js';

type Args<F extends keyof Database['public']['Functions']> = Database['public']['Functions'][F]['Args'];

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

/** list_threads returns jsonb: an array of thread summaries. */
const listThreads = async (client: HarmonyClient, args: Args<'list_threads'>) =>
  (await unwrap(client.rpc('list_threads', args))) as unknown as Thread[];

export const threadApi = {
  listForChannel: (client: HarmonyClient, channelId: string) =>
    listThreads(client, { p_channel_id: channelId }),
  listJoined: (client: HarmonyClient, serverId: string) =>
    listThreads(client, { p_server_id: serverId, p_archived: false }),
};
