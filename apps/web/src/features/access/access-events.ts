import type { RealtimeChannel } from '@supabase/supabase-js';
import { onDatabaseEvents } from '../realtime/broadcast.js';

/**
 * How the client learns that who may see or do what changed: events the database broadcasts
 * (docs-source/realtime.md). Every change, made in this app or anywhere else, sends them, and
 * `access_update` reaches members who just lost sight of a channel without naming it.
 */

/** Server-topic events after which a member's channels and permissions in the server are read again. */
const SERVER_EVENTS = [
  'server_update',
  'server_delete',
  'role_create',
  'role_update',
  'role_delete',
  'category_create',
  'category_update',
  'category_delete',
  'channel_create',
  'channel_update',
  'channel_delete',
  'member_create',
  'member_update',
  'member_delete',
  'member_role_create',
  'member_role_delete',
  'access_update',
  // One event for a whole reorder (set_channel_layout, reorder_roles).
  'layout_update',
  'role_order_update',
] as const;

/** Calls `changed` when anything deciding access or structure in the server may have changed. */
export function onServerAccessChange(channel: RealtimeChannel, changed: () => void): void {
  onDatabaseEvents(channel, SERVER_EVENTS, changed);
}

/** A restricted channel's own changes (renamed, deleted) arrive on its topic only. */
export function onRestrictedChannelChange(
  channel: RealtimeChannel,
  changed: (serverId: string) => void,
): void {
  onDatabaseEvents<{ server_id: string | null }>(channel, ['channel_update', 'channel_delete'], (change) => {
    const serverId = change.record?.server_id ?? change.old_record?.server_id;
    if (serverId) changed(serverId);
  });
}

/** A membership of the user's that ended, and whether by a ban. */
export interface MembershipRemoval {
  serverId: string;
  banned: boolean;
}

export interface OwnAccessHandlers {
  /** The user joined or left a server, or was kicked or banned from one (on any device). */
  membershipChanged(removal?: MembershipRemoval): void;
  /** Something deciding the user's access in a server changed (a role given or taken). */
  serverChanged(serverId: string): void;
}

/** The user's own memberships and roles, on their personal topic. */
export function onOwnAccessChange(channel: RealtimeChannel, handlers: OwnAccessHandlers): void {
  onDatabaseEvents(channel, ['member_create', 'member_update'], () => handlers.membershipChanged());
  // A removal carries `banned` (docs-source/realtime.md), so the notice can say which it was.
  onDatabaseEvents<{ server_id: string; banned?: boolean }>(channel, ['member_delete'], ({ old_record }) =>
    handlers.membershipChanged(
      old_record?.server_id
        ? { serverId: old_record.server_id, banned: Boolean(old_record.banned) }
        : undefined,
    ),
  );
  onDatabaseEvents<{ server_id: string }>(channel, ['member_role_create', 'member_role_delete'], (change) => {
    const serverId = change.record?.server_id ?? change.old_record?.server_id;
    if (serverId) handlers.serverChanged(serverId);
  });
}
