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

/** Discord's auto-archive choices, in minutes. */
export const AUTO_ARCHIVE_CHOICES = [
  { minutes: 60, label: '1 hour' },
  { minutes: 1440, label: '24 hours' },
  { minutes: 4320, label: '3 days' },
  { minutes: 10080, label: '1 week' },
] as const;

/** Archived now: explicitly, or by the clock (auto-archive is computed, never written). */
export function isArchived(thread: Thread, now = Date.now()): boolean {
  return thread.archived || Date.parse(thread.archive_at) <= now;
}

// The thread RPCs come with migration 20261206185000_threads.sql; the generated database types
// learn them when they are regenerated, so they are called through this narrow signature.
type Rpc = (fn: string, args: Record<string, unknown>) => PromiseLike<{ data: unknown; error: unknown }>;
const rpc = (client: HarmonyClient): Rpc => client.rpc.bind(client) as unknown as Rpc;

async function call<T>(client: HarmonyClient, fn: string, args: Record<string, unknown>): Promise<T> {
  const { data, error } = await rpc(client)(fn, args);
  if (error) throw error;
  return data as T;
}

export const threadApi = {
  listForChannel: (client: HarmonyClient, channelId: string) =>
    call<Thread[]>(client, 'list_threads', { p_channel_id: channelId }),
  listJoined: (client: HarmonyClient, serverId: string) =>
    call<Thread[]>(client, 'list_threads', { p_server_id: serverId, p_archived: false }),
  create: (
    client: HarmonyClient,
    input: { channelId: string; name: string; messageId: string | null; autoArchiveMinutes: number },
  ) =>
    call<string>(client, 'create_thread', {
      p_channel_id: input.channelId,
      p_name: input.name,
      p_message_id: input.messageId,
      p_auto_archive_minutes: input.autoArchiveMinutes,
    }),
  update: (
    client: HarmonyClient,
    threadId: string,
    change: { name?: string; archived?: boolean; locked?: boolean },
  ) =>
    call<null>(client, 'update_thread', {
      p_thread_id: threadId,
      p_name: change.name ?? null,
      p_archived: change.archived ?? null,
      p_locked: change.locked ?? null,
    }),
  join: (client: HarmonyClient, threadId: string) =>
    call<null>(client, 'join_thread', { p_thread_id: threadId }),
  leave: (client: HarmonyClient, threadId: string) =>
    call<null>(client, 'leave_thread', { p_thread_id: threadId }),
  participants: (client: HarmonyClient, threadId: string) =>
    call<{ profile_id: string; joined_at: string }[]>(client, 'thread_participants', {
      p_thread_id: threadId,
    }),
};
