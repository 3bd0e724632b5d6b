import { go } from '../../lib/route.js';
import { requireClient } from '../../lib/supabase.js';
import { threadsStore } from './threads-store.js';

/** Learns the thread a channel id names (a search result, a link), through its parent's list. */
export async function ensureThread(channelId: string): Promise<void> {
  if (threadsStore.getState().byId[channelId]) return;
  // parent_id is newer than the generated types: read as a plain row.
  const { data } = await requireClient()
    .from('channels')
    .select('parent_id')
    .eq('id', channelId)
    .maybeSingle();
  const parent = (data as { parent_id?: string | null } | null)?.parent_id;
  if (parent) await threadsStore.getState().loadChannel(parent);
}

/** A link to a thread (a notification, a push, a shared URL): its channel, with the thread beside it. */
export async function openThreadLink(serverId: string, channelId: string): Promise<void> {
  await ensureThread(channelId);
  const thread = threadsStore.getState().byId[channelId];
  if (!thread) return;
  go({ kind: 'channel', serverId, channelId: thread.parent_id });
  threadsStore.getState().open({ kind: 'thread', threadId: thread.id });
}
