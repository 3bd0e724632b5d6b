import type { RealtimeChannel } from '@supabase/supabase-js';

/**
 * How the client learns that who may see or do what changed. Every transport detail of it is
 * here, so moving to Broadcast from Database later replaces this module only.
 *
 * Today: postgres_changes on the permission-bearing tables the member may see, and a broadcast
 * `access` on the server's topic from the client that made a change. The broadcast is needed
 * because a change that hides a channel from someone (a deny override) produces no row that
 * person may still see, so postgres_changes never tells them. Changes made outside this app
 * (bots, the API) that hide a channel therefore reach the member on their next reload only,
 * until the database broadcasts them itself.
 */

/** Tables whose rows, filtered by server_id, decide a member's permissions in that server. */
const SERVER_TABLES = ['channels', 'channel_categories', 'roles', 'server_members', 'member_roles'] as const;
const ACCESS_EVENT = 'access';

/** Calls `changed` when anything deciding access in the server may have changed. */
export function onServerAccessChange(channel: RealtimeChannel, serverId: string, changed: () => void): void {
  for (const table of SERVER_TABLES) {
    channel.on(
      'postgres_changes',
      { event: '*', schema: 'public', table, filter: `server_id=eq.${serverId}` },
      changed,
    );
  }
  channel.on('broadcast', { event: ACCESS_EVENT }, changed);
}

export interface OwnAccessHandlers {
  /** The user joined or left a server, or was kicked or banned from one (on any device). */
  membershipChanged(): void;
  /**
   * A channel override the user may see changed. `revealed` is true when the row is visible
   * after the change (it may have just revealed a channel the client does not know yet).
   */
  overwriteChanged(channelId: string, revealed: boolean): void;
}

/** The user's own membership rows and the channel overrides they may see, on their personal topic. */
export function onOwnAccessChange(
  channel: RealtimeChannel,
  profileId: string,
  handlers: OwnAccessHandlers,
): void {
  channel
    .on(
      'postgres_changes',
      { event: '*', schema: 'public', table: 'server_members', filter: `profile_id=eq.${profileId}` },
      () => handlers.membershipChanged(),
    )
    .on('postgres_changes', { event: '*', schema: 'public', table: 'channel_overwrites' }, (payload) => {
      // Deletions carry the key only, and reach every subscriber (they cannot be checked by RLS).
      const revealed = payload.eventType !== 'DELETE';
      const row = (revealed ? payload.new : payload.old) as { channel_id?: string };
      if (row.channel_id) handlers.overwriteChanged(row.channel_id, revealed);
    });
}

/** Tells the server's other members to re-check their access (after this client changed it). */
export async function announceAccessChange(channel: RealtimeChannel): Promise<void> {
  await channel.send({ type: 'broadcast', event: ACCESS_EVENT, payload: {} });
}
