import { type PermissionName, Permissions } from '@harmony/shared';

/** What a bot's invite link offers to ask for (the common ones; the server admin sees each). */
export const BOT_PERMISSION_CHOICES: PermissionName[] = [
  'VIEW_CHANNEL',
  'SEND_MESSAGES',
  'READ_MESSAGE_HISTORY',
  'EMBED_LINKS',
  'ADD_REACTIONS',
  'MANAGE_MESSAGES',
  'KICK_MEMBERS',
  'BAN_MEMBERS',
  'MODERATE_MEMBERS',
  'MANAGE_WEBHOOKS',
];

export const DEFAULT_BOT_PERMISSIONS =
  Permissions.VIEW_CHANNEL | Permissions.SEND_MESSAGES | Permissions.READ_MESSAGE_HISTORY;

/** The named permissions in a mask, in Permissions' order. */
export function permissionNames(mask: bigint): PermissionName[] {
  return (Object.keys(Permissions) as PermissionName[]).filter(
    (name) => Permissions[name] !== 0n && (mask & Permissions[name]) === Permissions[name],
  );
}
