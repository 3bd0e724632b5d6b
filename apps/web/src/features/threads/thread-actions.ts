import type { HarmonyClient } from '../../lib/supabase.js';
import { call } from './thread-api.js';

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
  participants: (client: HarmonyClient, threadId: string) =>
    call<{ profile_id: string; joined_at: string }[]>(client, 'thread_participants', {
      p_thread_id: threadId,
    }),
};
