import { hasPermission, Permissions } from '@harmony/shared';
import { useAuth, useServers, useSocial } from '../app/stores.js';

export type PermissionName = keyof typeof Permissions;

/** What a participant may do in a DM (private_channel_permissions() in SQL; blocks are its to enforce). */
const DM_PERMISSIONS =
  Permissions.VIEW_CHANNEL |
  Permissions.SEND_MESSAGES |
  Permissions.READ_MESSAGE_HISTORY |
  Permissions.ADD_REACTIONS |
  Permissions.ATTACH_FILES |
  Permissions.EMBED_LINKS |
  Permissions.USE_EXTERNAL_EMOJIS |
  Permissions.PIN_MESSAGES |
  Permissions.CONNECT |
  Permissions.SPEAK |
  Permissions.STREAM |
  Permissions.USE_VAD;

/** Whether the signed-in user has a permission in a channel (mirrors the database; RLS decides). */
export function useChannelPermission(channelId: string | null, name: PermissionName): boolean {
  const profileId = useAuth((s) => s.profile?.id);
  const isDm = useSocial((s) => Boolean(channelId && s.dms.some((d) => d.id === channelId)));
  const inServer = useServers((s) => {
    if (!channelId || !profileId) return false;
    return hasPermission(s.channelPermissions(channelId, profileId), Permissions[name]);
  });
  return inServer || (isDm && hasPermission(DM_PERMISSIONS, Permissions[name]));
}

export function useServerPermission(serverId: string | null, name: PermissionName): boolean {
  const profileId = useAuth((s) => s.profile?.id);
  return useServers((s) => {
    if (!serverId || !profileId) return false;
    return hasPermission(s.serverPermissions(serverId, profileId), Permissions[name]);
  });
}
