import { hasPermission, Permissions, parsePermissions } from '@harmony/shared';
import type { ServerDetail } from '../../stores/servers.js';

/**
 * Whether every member of the server sees a channel, by the rule the database uses to put its
 * events on the server topic (docs-source/realtime.md, "Channels nobody may learn about"): the
 * @everyone role holds ADMINISTRATOR, or VIEW_CHANNEL after the channel's @everyone overwrite
 * while no overwrite on the channel denies VIEW_CHANNEL. Any other channel is restricted: its
 * new messages arrive only on its own topic.
 */
export function isOpenChannel(serverId: string, detail: ServerDetail, channelId: string): boolean {
  const everyone = parsePermissions(detail.roles.find((r) => r.id === serverId)?.permissions ?? 0);
  if (hasPermission(everyone, Permissions.ADMINISTRATOR)) return true;
  const overwrites = detail.overwrites.filter((o) => o.channel_id === channelId);
  if (overwrites.some((o) => hasPermission(parsePermissions(o.deny), Permissions.VIEW_CHANNEL))) return false;
  const own = overwrites.find((o) => o.target_type === 'role' && o.target_id === serverId);
  const allowed = own ? (everyone & ~parsePermissions(own.deny)) | parsePermissions(own.allow) : everyone;
  return hasPermission(allowed, Permissions.VIEW_CHANNEL);
}
