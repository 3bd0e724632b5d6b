import type { HarmonyClient } from '../../lib/supabase.js';
import { unwrap } from '../../lib/unwrap.js';

/** Discord's auto-archive choices, in minutes. */
export const AUTO_ARCHIVE_CHOICES = [
  { minutes: 60, label: '1 hour' },
  { minutes: 1440, label: '24 hours' },
  { minutes: 4320, label: '3 days' },
  { minutes: 10080, label: '1 week' },
] as const;

/** What the thread panel does (loaded with it). */
export const threadActions = {
  create: (
    client: HarmonyClient,
    input: { channelId: string; name: string; messageId: string | null; autoArchiveMinutes: number },
  ) =>
    unwrap(
      client.rpc('create_thread', {
        p_channel_id: input.channelId,
        p_name: input.name,
        p_message_id: input.messageId ?? undefined,
        p_auto_archive_minutes: input.autoArchiveMinutes,
      }),
    ),
  update: (
    client: HarmonyClient,
    threadId: string,
    change: { name?: string; archived?: boolean; locked?: boolean },
  ) =>
    // An argument left out keeps its SQL default (null): that field stays as it is.
    unwrap(
      client.rpc('update_thread', {
        p_thread_id: threadId,
        p_name: change.name,
        p_archived: change.archived,
        p_locked: change.locked,
      }),
    ),
  participants: (client: HarmonyClient, threadId: string) =>
    unwrap(client.rpc('thread_participants', { p_thread_id: threadId })),
};
