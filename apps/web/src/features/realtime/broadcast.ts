import type { RealtimeChannel } from '@supabase/supabase-js';

/**
 * What every Broadcast from Database event carries (docs-source/realtime.md, "Payloads"): the
 * shape of `realtime.broadcast_changes`, which the triggers' `realtime.send` payloads copy.
 */
export interface BroadcastChange<R = Record<string, unknown>> {
  operation: 'INSERT' | 'UPDATE' | 'DELETE';
  table: string;
  record: R | null;
  old_record: Partial<R> | null;
}

/** Calls `handle` for each of the events sent by the database to the channel's topic. */
export function onDatabaseEvents<R = Record<string, unknown>>(
  channel: RealtimeChannel,
  events: readonly string[],
  handle: (change: BroadcastChange<R>, event: string) => void,
): RealtimeChannel {
  for (const event of events)
    channel.on('broadcast', { event }, ({ payload }) => handle(payload as BroadcastChange<R>, event));
  return channel;
}
