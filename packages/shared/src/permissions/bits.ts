/**
 * Permission bits. Names and positions are Discord's (features.md §4), not the old Harmony layout,
 * so Discord-shaped bots and bridges interoperate. Masks are stored in a Postgres (signed) bigint;
 * every bit here is < 53, so masks stay JavaScript-safe and never touch the sign bit.
 */

const FLAG_BITS = {
  CREATE_INSTANT_INVITE: 0n,
  KICK_MEMBERS: 1n,
  BAN_MEMBERS: 2n,
  ADMINISTRATOR: 3n,
  MANAGE_CHANNELS: 4n,
  MANAGE_GUILD: 5n,
  ADD_REACTIONS: 6n,
  VIEW_AUDIT_LOG: 7n,
  PRIORITY_SPEAKER: 8n,
  STREAM: 9n,
  VIEW_CHANNEL: 10n,
  SEND_MESSAGES: 11n,
  SEND_TTS_MESSAGES: 12n,
  MANAGE_MESSAGES: 13n,
  EMBED_LINKS: 14n,
  ATTACH_FILES: 15n,
  READ_MESSAGE_HISTORY: 16n,
  MENTION_EVERYONE: 17n,
  USE_EXTERNAL_EMOJIS: 18n,
  VIEW_GUILD_INSIGHTS: 19n,
  CONNECT: 20n,
  SPEAK: 21n,
  MUTE_MEMBERS: 22n,
  DEAFEN_MEMBERS: 23n,
  MOVE_MEMBERS: 24n,
  USE_VAD: 25n,
  CHANGE_NICKNAME: 26n,
  MANAGE_NICKNAMES: 27n,
  MANAGE_ROLES: 28n,
  MANAGE_WEBHOOKS: 29n,
  MANAGE_GUILD_EXPRESSIONS: 30n,
  USE_APPLICATION_COMMANDS: 31n,
  REQUEST_TO_SPEAK: 32n,
  MANAGE_EVENTS: 33n,
  MANAGE_THREADS: 34n,
  CREATE_PUBLIC_THREADS: 35n,
  CREATE_PRIVATE_THREADS: 36n,
  USE_EXTERNAL_STICKERS: 37n,
  SEND_MESSAGES_IN_THREADS: 38n,
  USE_EMBEDDED_ACTIVITIES: 39n,
  MODERATE_MEMBERS: 40n,
  VIEW_CREATOR_MONETIZATION_ANALYTICS: 41n,
  USE_SOUNDBOARD: 42n,
  CREATE_GUILD_EXPRESSIONS: 43n,
  CREATE_EVENTS: 44n,
  USE_EXTERNAL_SOUNDS: 45n,
  SEND_VOICE_MESSAGES: 46n,
  // 47 is unassigned by Discord.
  SET_VOICE_CHANNEL_STATUS: 48n,
  SEND_POLLS: 49n,
  USE_EXTERNAL_APPS: 50n,
  PIN_MESSAGES: 51n,
  BYPASS_SLOWMODE: 52n,
} as const;

export type PermissionName = keyof typeof FLAG_BITS;

export const Permissions: Readonly<Record<PermissionName, bigint>> = Object.freeze(
  Object.fromEntries(Object.entries(FLAG_BITS).map(([name, bit]) => [name, 1n << bit])) as Record<
    PermissionName,
    bigint
  >,
);

const NAMES = Object.keys(FLAG_BITS) as PermissionName[];

export const ALL_PERMISSIONS: bigint = NAMES.reduce((acc, name) => acc | Permissions[name], 0n);

/** What a new server's @everyone role gets: chat and voice basics, nothing that moderates. */
export const DEFAULT_EVERYONE_PERMISSIONS: bigint = (
  [
    'VIEW_CHANNEL',
    'SEND_MESSAGES',
    'READ_MESSAGE_HISTORY',
    'ADD_REACTIONS',
    'EMBED_LINKS',
    'ATTACH_FILES',
    'USE_EXTERNAL_EMOJIS',
    'CREATE_INSTANT_INVITE',
    'CHANGE_NICKNAME',
    'CONNECT',
    'SPEAK',
    'STREAM',
    'USE_VAD',
    'SEND_MESSAGES_IN_THREADS',
    'CREATE_PUBLIC_THREADS',
    'SEND_VOICE_MESSAGES',
    'SEND_POLLS',
    'REQUEST_TO_SPEAK',
  ] as const
).reduce((acc, name) => acc | Permissions[name], 0n);

/** Largest value a Postgres bigint (signed int64) can hold. */
const INT64_MAX = (1n << 63n) - 1n;

/** True when every bit of `flag` is set in `mask`. */
export function hasPermission(mask: bigint, flag: bigint): boolean {
  return (mask & flag) === flag;
}

/**
 * Parses a mask as PostgREST returns it (JSON number or decimal string). Throws on anything that is not
 * a non-negative integer within int64: a bad mask must fail loudly, never widen or narrow access silently.
 */
export function parsePermissions(value: string | number | bigint): bigint {
  let mask: bigint;
  if (typeof value === 'bigint') {
    mask = value;
  } else if (typeof value === 'number') {
    // Beyond 2^53 a JSON number has already lost bits, so the mask cannot be trusted.
    if (!Number.isSafeInteger(value)) {
      throw new Error(`Invalid permission mask: ${value} is not a safe integer`);
    }
    mask = BigInt(value);
  } else if (typeof value === 'string' && /^-?\d+$/.test(value)) {
    mask = BigInt(value);
  } else {
    throw new Error(`Invalid permission mask: ${JSON.stringify(String(value))} is not a decimal integer`);
  }
  if (mask < 0n) throw new Error(`Invalid permission mask: ${mask} is negative`);
  if (mask > INT64_MAX) throw new Error(`Invalid permission mask: ${mask} exceeds the int64 range`);
  return mask;
}

/** Names of the known flags set in `mask`, in bit order (unknown bits are skipped). */
export function permissionNames(mask: bigint): PermissionName[] {
  return NAMES.filter((name) => (mask & Permissions[name]) !== 0n);
}

/** Decimal string form, as Discord's API and our test vectors use (safe for JSON and SQL). */
export function serializePermissions(mask: bigint): string {
  return parsePermissions(mask).toString();
}
