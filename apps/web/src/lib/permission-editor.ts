import { ALL_PERMISSIONS, type PermissionName, Permissions, parsePermissions } from '@harmony/shared';

/** How the settings screens group the permission toggles (every known permission is in exactly one). */
export const PERMISSION_GROUPS = [
  {
    id: 'general',
    label: 'General',
    names: [
      'VIEW_CHANNEL',
      'MANAGE_CHANNELS',
      'MANAGE_ROLES',
      'MANAGE_GUILD',
      'MANAGE_GUILD_EXPRESSIONS',
      'CREATE_GUILD_EXPRESSIONS',
      'MANAGE_WEBHOOKS',
      'VIEW_AUDIT_LOG',
      'VIEW_GUILD_INSIGHTS',
      'VIEW_CREATOR_MONETIZATION_ANALYTICS',
      'MANAGE_EVENTS',
      'CREATE_EVENTS',
    ],
  },
  {
    id: 'membership',
    label: 'Membership',
    names: [
      'CREATE_INSTANT_INVITE',
      'CHANGE_NICKNAME',
      'MANAGE_NICKNAMES',
      'KICK_MEMBERS',
      'BAN_MEMBERS',
      'MODERATE_MEMBERS',
    ],
  },
  {
    id: 'text',
    label: 'Text',
    names: [
      'SEND_MESSAGES',
      'SEND_MESSAGES_IN_THREADS',
      'CREATE_PUBLIC_THREADS',
      'CREATE_PRIVATE_THREADS',
      'EMBED_LINKS',
      'ATTACH_FILES',
      'ADD_REACTIONS',
      'USE_EXTERNAL_EMOJIS',
      'USE_EXTERNAL_STICKERS',
      'MENTION_EVERYONE',
      'MANAGE_MESSAGES',
      'PIN_MESSAGES',
      'MANAGE_THREADS',
      'READ_MESSAGE_HISTORY',
      'SEND_TTS_MESSAGES',
      'SEND_VOICE_MESSAGES',
      'SEND_POLLS',
      'BYPASS_SLOWMODE',
      'USE_APPLICATION_COMMANDS',
      'USE_EXTERNAL_APPS',
    ],
  },
  {
    id: 'voice',
    label: 'Voice',
    names: [
      'CONNECT',
      'SPEAK',
      'STREAM',
      'USE_VAD',
      'PRIORITY_SPEAKER',
      'REQUEST_TO_SPEAK',
      'MUTE_MEMBERS',
      'DEAFEN_MEMBERS',
      'MOVE_MEMBERS',
      'USE_EMBEDDED_ACTIVITIES',
      'USE_SOUNDBOARD',
      'USE_EXTERNAL_SOUNDS',
      'SET_VOICE_CHANNEL_STATUS',
    ],
  },
  { id: 'dangerous', label: 'Dangerous', names: ['ADMINISTRATOR'] },
] as const satisfies readonly { id: string; label: string; names: readonly PermissionName[] }[];

export type PermissionGroupId = (typeof PERMISSION_GROUPS)[number]['id'];

/**
 * Permissions of features Harmony does not have yet, or whose bit nothing checks yet
 * (private threads, stickers, polls, events, stage and soundboard, …). Roles may hold them,
 * but they do nothing, so the roles editor shows them apart as coming later.
 */
export const COMING_LATER: ReadonlySet<PermissionName> = new Set<PermissionName>([
  'CREATE_GUILD_EXPRESSIONS',
  'VIEW_GUILD_INSIGHTS',
  'VIEW_CREATOR_MONETIZATION_ANALYTICS',
  'MANAGE_EVENTS',
  'CREATE_EVENTS',
  'CREATE_PRIVATE_THREADS',
  'USE_EXTERNAL_STICKERS',
  'SEND_TTS_MESSAGES',
  'SEND_VOICE_MESSAGES',
  'SEND_POLLS',
  'USE_APPLICATION_COMMANDS',
  'USE_EXTERNAL_APPS',
  'PRIORITY_SPEAKER',
  'REQUEST_TO_SPEAK',
  'USE_EMBEDDED_ACTIVITIES',
  'USE_SOUNDBOARD',
  'USE_EXTERNAL_SOUNDS',
  'SET_VOICE_CHANNEL_STATUS',
]);

/** The groups with the given permissions left out and the groups this empties dropped. */
function groupsWithout(excluded: ReadonlySet<PermissionName>) {
  return PERMISSION_GROUPS.map((g) => ({
    ...g,
    names: g.names.filter((n: PermissionName) => !excluded.has(n)),
  })).filter((g) => g.names.length > 0);
}

/** The groups of permissions whose features exist (COMING_LATER left out). */
export const availableGroups = () => groupsWithout(COMING_LATER);

/** Server-wide permissions that mean nothing on a single channel, so overwrites leave them out. */
const SERVER_ONLY = new Set<PermissionName>([
  'ADMINISTRATOR',
  'MANAGE_GUILD',
  'KICK_MEMBERS',
  'BAN_MEMBERS',
  'MODERATE_MEMBERS',
  'VIEW_AUDIT_LOG',
  'VIEW_GUILD_INSIGHTS',
  'VIEW_CREATOR_MONETIZATION_ANALYTICS',
  'CHANGE_NICKNAME',
  'MANAGE_NICKNAMES',
  'MANAGE_GUILD_EXPRESSIONS',
  'CREATE_GUILD_EXPRESSIONS',
]);

/** The groups for a channel overwrite: server-only permissions removed. */
export const overwriteGroups = () => groupsWithout(SERVER_ONLY);

const LABELS: Partial<Record<PermissionName, string>> = {
  VIEW_CHANNEL: 'View channels',
  MANAGE_GUILD: 'Manage server',
  MANAGE_GUILD_EXPRESSIONS: 'Manage expressions',
  CREATE_GUILD_EXPRESSIONS: 'Create expressions',
  VIEW_GUILD_INSIGHTS: 'View server insights',
  VIEW_CREATOR_MONETIZATION_ANALYTICS: 'View monetization analytics',
  CREATE_INSTANT_INVITE: 'Create invite',
  MODERATE_MEMBERS: 'Time out members',
  SEND_TTS_MESSAGES: 'Send text-to-speech messages',
  USE_VAD: 'Use voice activity',
  USE_EMBEDDED_ACTIVITIES: 'Use activities',
  ADMINISTRATOR: 'Administrator',
};

/** "MANAGE_MESSAGES" → "Manage messages", with a few names made friendlier. */
export function permissionLabel(name: PermissionName): string {
  const label = LABELS[name];
  if (label) return label;
  const words = name.toLowerCase().split('_');
  return [words[0]?.replace(/^./, (c) => c.toUpperCase()), ...words.slice(1)].join(' ');
}

/** Masks travel to PostgREST as JSON numbers; every known bit is below 2^53, so this is exact. */
export function maskToNumber(mask: bigint): number {
  return Number(parsePermissions(mask));
}

export function toggleBit(mask: bigint, bit: bigint, on: boolean): bigint {
  return on ? mask | bit : mask & ~bit;
}

/**
 * Whether the user may flip a role's permission bit. The server refuses to add bits the user
 * does not hold (unless they hold everything: owners and administrators); removing is allowed.
 */
export function canToggleRoleBit(bit: bigint, currentlyOn: boolean, mine: bigint): boolean {
  return mine === ALL_PERMISSIONS || currentlyOn || (mine & bit) === bit;
}

export type TriState = 'allow' | 'inherit' | 'deny';

export function overwriteState(allow: bigint, deny: bigint, bit: bigint): TriState {
  if ((allow & bit) === bit) return 'allow';
  if ((deny & bit) === bit) return 'deny';
  return 'inherit';
}

/** Sets one permission of an overwrite; a bit is never both allowed and denied. */
export function setOverwriteState(
  current: { allow: bigint; deny: bigint },
  bit: bigint,
  state: TriState,
): { allow: bigint; deny: bigint } {
  const allow = current.allow & ~bit;
  const deny = current.deny & ~bit;
  if (state === 'allow') return { allow: allow | bit, deny };
  if (state === 'deny') return { allow, deny: deny | bit };
  return { allow, deny };
}

/** An overwrite from a map of per-permission choices (what the editor's radio buttons hold). */
export function overwriteFromStates(states: Partial<Record<PermissionName, TriState>>): {
  allow: bigint;
  deny: bigint;
} {
  let result = { allow: 0n, deny: 0n };
  for (const [name, state] of Object.entries(states) as [PermissionName, TriState][]) {
    result = setOverwriteState(result, Permissions[name], state);
  }
  return result;
}

/**
 * Whether the user may change a bit of a channel overwrite: only bits they hold in the
 * channel, unless they hold everything (mirrors require_overwrite_change).
 */
export function canChangeOverwriteBit(bit: bigint, mineInChannel: bigint): boolean {
  return mineInChannel === ALL_PERMISSIONS || (mineInChannel & bit) === bit;
}

/** Position of a member's highest role; the owner outranks everything (member_top_position). */
export function topPosition(
  roles: readonly { id: string; position: number }[],
  roleIds: readonly string[],
  isOwner: boolean,
): number {
  if (isOwner) return Number.POSITIVE_INFINITY;
  return roles.filter((r) => roleIds.includes(r.id)).reduce((top, r) => Math.max(top, r.position), 0);
}

/** Roles strictly below the user's top role can be edited (require_manageable_role). */
export function canManageRole(rolePosition: number, myTop: number): boolean {
  return rolePosition < myTop;
}

/** Whether the user may change another member's roles (outranks()). */
export function outranks(
  me: { top: number; isOwner: boolean },
  target: { top: number; isOwner: boolean },
): boolean {
  if (me.isOwner) return true;
  if (target.isOwner) return false;
  return me.top > target.top;
}

/** Roles ordered for display: highest position first, @everyone last. */
export function sortRoles<T extends { position: number; id: string; server_id: string }>(
  roles: readonly T[],
): T[] {
  return [...roles].sort((a, b) => {
    if (a.id === a.server_id) return 1;
    if (b.id === b.server_id) return -1;
    return b.position - a.position;
  });
}

export function colorToHex(color: number): string {
  return `#${Math.max(0, Math.min(0xffffff, color)).toString(16).padStart(6, '0')}`;
}

export function hexToColor(hex: string): number {
  const match = /^#?([0-9a-f]{6})$/i.exec(hex.trim());
  return match?.[1] ? Number.parseInt(match[1], 16) : 0;
}

export interface RoleDraft {
  name: string;
  permissions: bigint;
  color: number;
  hoist: boolean;
  mentionable: boolean;
}

/** update_role arguments for what changed (null = leave as is); @everyone keeps its name. */
export function roleChanges(
  original: RoleDraft & { isEveryone: boolean },
  draft: RoleDraft,
): { p_name?: string; p_permissions?: number; p_color?: number; p_hoist?: boolean; p_mentionable?: boolean } {
  const changes: ReturnType<typeof roleChanges> = {};
  if (!original.isEveryone && draft.name.trim() !== original.name) changes.p_name = draft.name.trim();
  if (draft.permissions !== original.permissions) changes.p_permissions = maskToNumber(draft.permissions);
  if (draft.color !== original.color) changes.p_color = draft.color;
  if (draft.hoist !== original.hoist) changes.p_hoist = draft.hoist;
  if (draft.mentionable !== original.mentionable) changes.p_mentionable = draft.mentionable;
  return changes;
}
