import { hasPermission, Permissions } from '@harmony/shared';
import { useAuth, useServers } from '../app/stores.js';

export type PermissionName = keyof typeof Permissions;

/** Whether the signed-in user has a permission in a channel (mirrors the database; RLS decides). */
export function useChannelPermission(channelId: string | null, name: PermissionName): boolean {
  const profileId = useAuth((s) => s.profile?.id);
  return useServers((s) => {
    if (!channelId || !profileId) return false;
    return hasPermission(s.channelPermissions(channelId, profileId), Permissions[name]);
  });
}

export function useServerPermission(serverId: string | null, name: PermissionName): boolean {
  const profileId = useAuth((s) => s.profile?.id);
  return useServers((s) => {
    if (!serverId || !profileId) return false;
    return hasPermission(s.serverPermissions(serverId, profileId), Permissions[name]);
  });
}
