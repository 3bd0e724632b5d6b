import { hasPermission, Permissions } from '@harmony/shared';
import { useAuth, useServers, useSocial, useUi } from '../../app/stores.js';
import { formatCountdown, useTimeoutLeft } from '../moderation/timeout.js';

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

export type ChannelAccess = 'checking' | 'visible' | 'hidden';

/**
 * Whether the signed-in user may see a channel now. Server channels: the server's channel list
 * (RLS already left out hidden ones); DMs: the user's conversations. 'checking' until loaded.
 */
export function useChannelAccess(channelId: string): ChannelAccess {
  const serverId = useUi((s) => s.activeServerId);
  const inServer = useServers((s): ChannelAccess => {
    if (!serverId) return 'checking';
    const detail = s.details[serverId];
    if (detail) return detail.channels.some((c) => c.id === channelId) ? 'visible' : 'hidden';
    return s.loaded && !s.servers.some((x) => x.id === serverId) ? 'hidden' : 'checking';
  });
  const inDms = useSocial((s): ChannelAccess => {
    if (s.dms.some((d) => d.id === channelId)) return 'visible';
    return s.loaded ? 'hidden' : 'checking';
  });
  return serverId ? inServer : inDms;
}

/** Why the user cannot send in a channel they see, as a sentence; null when they can (or it is not known yet). */
export function useSendBlockedReason(channelId: string, channelLabel: string): string | null {
  const serverId = useUi((s) => s.activeServerId);
  const profileId = useAuth((s) => s.profile?.id);
  const timedOutUntil = useServers((s) =>
    serverId ? s.details[serverId]?.members.find((m) => m.profile_id === profileId)?.timed_out_until : null,
  );
  // Ticks while the timeout runs: the permissions below are recomputed, and sending comes back at its end.
  const timeoutLeft = useTimeoutLeft(timedOutUntil);
  const known = useServers((s) => !serverId || Boolean(s.details[serverId]));
  const canSend = useChannelPermission(channelId, 'SEND_MESSAGES');
  if (!known || canSend) return null;
  if (timeoutLeft)
    return `You are timed out. You can send messages again in ${formatCountdown(timeoutLeft)}.`;
  return `You do not have permission to send messages in ${channelLabel}.`;
}
