import { ALL_PERMISSIONS } from '@harmony/shared';
import { useServers } from '../../app/stores.js';
import { useServerAccess } from '../../components/settings/use-server-access.js';
import { outranks, topPosition } from '../../lib/permission-editor.js';
import { useServerPermission } from '../access/use-permissions.js';

/**
 * What the signed-in user may do to one member, as the database decides it (require_moderatable,
 * outranks, timeout_member): nobody acts on themselves or the owner, only on members ranked
 * below them, and administrators cannot be timed out. The UI offers only these.
 */
export function useMemberActions(serverId: string, profileId: string) {
  const { me, server, detail, can, myTop, isOwner } = useServerAccess(serverId);
  const targetPerms = useServers((s) => s.serverPermissions(serverId, profileId));
  const member = detail?.members.find((m) => m.profile_id === profileId);
  const self = me === profileId;
  const targetOwner = server?.owner_id === profileId;
  const targetTop = topPosition(detail?.roles ?? [], member?.roleIds ?? [], targetOwner);
  const above = !self && outranks({ top: myTop, isOwner }, { top: targetTop, isOwner: targetOwner });
  const moderatable = Boolean(member) && above && !targetOwner;
  return {
    member,
    self,
    targetOwner,
    /** Why moderation is not offered, when the user holds a moderation permission. */
    rankNote:
      !self &&
      member &&
      !moderatable &&
      (can('KICK_MEMBERS') || can('BAN_MEMBERS') || can('MODERATE_MEMBERS'))
        ? targetOwner
          ? 'The server owner cannot be moderated.'
          : 'You can only moderate members whose highest role is below yours.'
        : null,
    roles: Boolean(member) && can('MANAGE_ROLES') && (above || (self && isOwner)),
    nickname: self ? can('CHANGE_NICKNAME') : above && can('MANAGE_NICKNAMES'),
    timeout: moderatable && can('MODERATE_MEMBERS') && targetPerms !== ALL_PERMISSIONS,
    kick: moderatable && can('KICK_MEMBERS'),
    ban: moderatable && can('BAN_MEMBERS'),
    report: !self && Boolean(member),
    myTop,
  };
}

/** Whether server settings hold the reports queue or the audit log for the user. */
export function useModerationSettings(serverId: string | null): boolean {
  return [
    useServerPermission(serverId, 'MANAGE_MESSAGES'),
    useServerPermission(serverId, 'KICK_MEMBERS'),
    useServerPermission(serverId, 'BAN_MEMBERS'),
    useServerPermission(serverId, 'MODERATE_MEMBERS'),
    useServerPermission(serverId, 'VIEW_AUDIT_LOG'),
  ].some(Boolean);
}
