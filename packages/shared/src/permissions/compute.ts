/**
 * The one permission algorithm (Discord's, features.md §4). The SQL function must give the same
 * answers; test-vectors/permissions.json is the shared contract.
 */
import {
  ALL_PERMISSIONS,
  hasPermission,
  Permissions as P,
  parsePermissions,
  permissionNames,
  serializePermissions,
} from './bits.js';

export interface Overwrite {
  allow: bigint;
  deny: bigint;
}

export interface ChannelPermissionInput {
  isOwner: boolean;
  /** @everyone role permissions. */
  everyone: bigint;
  /** Permissions of the member's other roles. */
  roles: bigint[];
  /** Channel overwrite for @everyone. */
  everyoneOverwrite?: Overwrite | null;
  /** Channel overwrites for roles the member has. */
  roleOverwrites: Overwrite[];
  /** Channel overwrite for this member. */
  memberOverwrite?: Overwrite | null;
  /** Communication disabled until a future time. */
  timedOut: boolean;
}

const TIMEOUT_KEEP = P.VIEW_CHANNEL | P.READ_MESSAGE_HISTORY;
const NEEDS_SEND =
  P.MENTION_EVERYONE |
  P.SEND_TTS_MESSAGES |
  P.ATTACH_FILES |
  P.EMBED_LINKS |
  P.SEND_POLLS |
  P.SEND_VOICE_MESSAGES;
const NEEDS_CONNECT =
  P.SPEAK |
  P.STREAM |
  P.MUTE_MEMBERS |
  P.DEAFEN_MEMBERS |
  P.MOVE_MEMBERS |
  P.USE_VAD |
  P.PRIORITY_SPEAKER |
  P.REQUEST_TO_SPEAK |
  P.USE_SOUNDBOARD |
  P.USE_EXTERNAL_SOUNDS |
  P.SET_VOICE_CHANNEL_STATUS;

/** Server-wide permissions, before any channel overwrite. */
export function computeBasePermissions(
  input: Pick<ChannelPermissionInput, 'isOwner' | 'everyone' | 'roles'>,
): bigint {
  // Owners can always do everything, whatever their roles say.
  if (input.isOwner) return ALL_PERMISSIONS;
  // Roles only add: a member has what @everyone or any of their roles has.
  const base = input.roles.reduce((acc, role) => acc | role, input.everyone);
  // ADMINISTRATOR means "everything", including flags no role lists.
  return hasPermission(base, P.ADMINISTRATOR) ? ALL_PERMISSIONS : base;
}

/** Effective permissions of a member in one channel. */
export function computeChannelPermissions(input: ChannelPermissionInput): bigint {
  let p = computeBasePermissions(input);
  // Admins and owners bypass overwrites and timeouts, so they can never lock themselves out.
  if (input.isOwner || hasPermission(p, P.ADMINISTRATOR)) return ALL_PERMISSIONS;

  // @everyone overwrite first: it is the channel's default for everybody.
  if (input.everyoneOverwrite) {
    p &= ~input.everyoneOverwrite.deny;
    p |= input.everyoneOverwrite.allow;
  }
  // Role overwrites are unioned, and allow is applied after deny, so any role's allow wins over another's deny.
  let roleDeny = 0n;
  let roleAllow = 0n;
  for (const o of input.roleOverwrites) {
    roleDeny |= o.deny;
    roleAllow |= o.allow;
  }
  p &= ~roleDeny;
  p |= roleAllow;
  // The member overwrite is the most specific, so it is applied last and beats everything.
  if (input.memberOverwrite) {
    p &= ~input.memberOverwrite.deny;
    p |= input.memberOverwrite.allow;
  }

  // A timed-out member may still read the channel, but do nothing else.
  if (input.timedOut) p &= TIMEOUT_KEEP;
  // Without VIEW_CHANNEL the channel does not exist for the member, so nothing in it counts.
  if (!hasPermission(p, P.VIEW_CHANNEL)) return 0n;
  // Attachments, embeds, mentions, TTS, polls and voice messages are all ways of sending a message.
  if (!hasPermission(p, P.SEND_MESSAGES)) p &= ~NEEDS_SEND;
  // Voice permissions only mean something once the member can join the voice channel.
  if (!hasPermission(p, P.CONNECT)) p &= ~NEEDS_CONNECT;
  return p;
}

/**
 * A thread's permissions from its parent channel's (SQL: private.thread_permissions): posting in
 * a thread takes SEND_MESSAGES_IN_THREADS, not SEND_MESSAGES; everything else is the parent's.
 */
export function threadPermissions(parent: bigint): bigint {
  const send = hasPermission(parent, P.SEND_MESSAGES_IN_THREADS) ? P.SEND_MESSAGES : 0n;
  return (parent & ~P.SEND_MESSAGES) | send;
}

/** The client's import point (the name the Harmony issue asks for). */
export const permissionsService = Object.freeze({
  compute: computeChannelPermissions,
  base: computeBasePermissions,
  has: hasPermission,
  names: permissionNames,
  parse: parsePermissions,
  serialize: serializePermissions,
});
