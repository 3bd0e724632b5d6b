import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  ALL_PERMISSIONS,
  type ChannelPermissionInput,
  computeChannelPermissions,
  DEFAULT_EVERYONE_PERMISSIONS,
  hasPermission,
  type Overwrite,
  Permissions,
  parsePermissions,
  permissionNames,
  permissionsService,
  serializePermissions,
  threadPermissions,
} from '../src/index.js';

interface RawOverwrite {
  allow: string;
  deny: string;
}
interface RawCase {
  name: string;
  input: {
    isOwner: boolean;
    everyone: string;
    roles: string[];
    everyoneOverwrite: RawOverwrite | null;
    roleOverwrites: RawOverwrite[];
    memberOverwrite: RawOverwrite | null;
    timedOut: boolean;
  };
  expected: string;
}

const { cases } = JSON.parse(
  readFileSync(new URL('../test-vectors/permissions.json', import.meta.url), 'utf8'),
) as { cases: RawCase[] };

const ow = (o: RawOverwrite | null): Overwrite | null =>
  o && { allow: parsePermissions(o.allow), deny: parsePermissions(o.deny) };

function toInput(raw: RawCase['input']): ChannelPermissionInput {
  return {
    isOwner: raw.isOwner,
    everyone: parsePermissions(raw.everyone),
    roles: raw.roles.map(parsePermissions),
    everyoneOverwrite: ow(raw.everyoneOverwrite),
    roleOverwrites: raw.roleOverwrites.map((o) => ow(o) as Overwrite),
    memberOverwrite: ow(raw.memberOverwrite),
    timedOut: raw.timedOut,
  };
}

describe('permission test vectors', () => {
  it('has at least 45 uniquely named cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(45);
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const got = computeChannelPermissions(toInput(c.input));
    // Compare names first so a failure says which flags differ.
    expect(permissionNames(got)).toEqual(permissionNames(BigInt(c.expected)));
    expect(serializePermissions(got)).toBe(c.expected);
  });
});

describe('permission bits', () => {
  it.each([
    ['CREATE_INSTANT_INVITE', 0n],
    ['KICK_MEMBERS', 1n],
    ['ADMINISTRATOR', 3n],
    ['MANAGE_GUILD', 5n],
    ['VIEW_CHANNEL', 10n],
    ['SEND_MESSAGES', 11n],
    ['READ_MESSAGE_HISTORY', 16n],
    ['CONNECT', 20n],
    ['MANAGE_ROLES', 28n],
    ['REQUEST_TO_SPEAK', 32n],
    ['MODERATE_MEMBERS', 40n],
    ['SEND_VOICE_MESSAGES', 46n],
    ['SET_VOICE_CHANNEL_STATUS', 48n],
    ['PIN_MESSAGES', 51n],
    ['BYPASS_SLOWMODE', 52n],
  ] as const)('%s is bit %i', (name, bit) => {
    expect(Permissions[name]).toBe(1n << bit);
  });

  it('ALL has 52 bits set, skips bit 47 and stays below 2^53', () => {
    expect(Object.keys(Permissions)).toHaveLength(52);
    expect(ALL_PERMISSIONS.toString(2).replaceAll('0', '')).toHaveLength(52);
    expect(ALL_PERMISSIONS & (1n << 47n)).toBe(0n);
    expect(ALL_PERMISSIONS).toBe((1n << 53n) - 1n - (1n << 47n));
    expect(Object.isFrozen(Permissions)).toBe(true);
  });

  it('@everyone defaults are the 18 listed flags and nothing moderating', () => {
    expect(permissionNames(DEFAULT_EVERYONE_PERMISSIONS)).toHaveLength(18);
    expect(hasPermission(DEFAULT_EVERYONE_PERMISSIONS, Permissions.ADMINISTRATOR)).toBe(false);
    expect(hasPermission(DEFAULT_EVERYONE_PERMISSIONS, Permissions.MANAGE_MESSAGES)).toBe(false);
    expect(DEFAULT_EVERYONE_PERMISSIONS).toBe(633632334401089n);
  });

  it('hasPermission requires every bit of a combined flag', () => {
    const both = Permissions.VIEW_CHANNEL | Permissions.SEND_MESSAGES;
    expect(hasPermission(Permissions.VIEW_CHANNEL, both)).toBe(false);
    expect(hasPermission(both, both)).toBe(true);
  });

  it('parses numbers, strings and bigints', () => {
    expect(parsePermissions(1024)).toBe(1024n);
    expect(parsePermissions('8866461766385663')).toBe(ALL_PERMISSIONS);
    expect(parsePermissions(Number(ALL_PERMISSIONS))).toBe(ALL_PERMISSIONS);
    expect(parsePermissions(0n)).toBe(0n);
    expect(parsePermissions('9223372036854775807')).toBe((1n << 63n) - 1n);
  });

  it.each<[string | number | bigint, RegExp]>([
    [-1, /negative/],
    ['-8', /negative/],
    [-1n, /negative/],
    ['9223372036854775808', /int64/],
    [1n << 64n, /int64/],
    [1.5, /safe integer/],
    [Number.NaN, /safe integer/],
    [2 ** 60, /safe integer/],
    ['', /decimal integer/],
    ['1e3', /decimal integer/],
    ['0x10', /decimal integer/],
    [' 8', /decimal integer/],
    ['abc', /decimal integer/],
    [null as unknown as string, /decimal integer/],
  ])('rejects %s', (value, message) => {
    expect(() => parsePermissions(value)).toThrow(message);
  });

  it('names round-trip through a mask and its string form', () => {
    for (const name of Object.keys(Permissions) as (keyof typeof Permissions)[]) {
      expect(permissionNames(Permissions[name])).toEqual([name]);
    }
    const names = permissionNames(ALL_PERMISSIONS);
    expect(names).toHaveLength(52);
    const mask = names.reduce((acc, n) => acc | Permissions[n], 0n);
    expect(parsePermissions(serializePermissions(mask))).toBe(ALL_PERMISSIONS);
    expect(permissionNames(0n)).toEqual([]);
  });

  it('permissionsService groups the public functions', () => {
    expect(permissionsService.compute).toBe(computeChannelPermissions);
    expect(permissionsService.has).toBe(hasPermission);
    expect(permissionsService.names).toBe(permissionNames);
    expect(permissionsService.parse).toBe(parsePermissions);
  });
});

describe('threadPermissions', () => {
  it('posting in a thread follows SEND_MESSAGES_IN_THREADS, not the parent’s SEND_MESSAGES', () => {
    const read = Permissions.VIEW_CHANNEL | Permissions.READ_MESSAGE_HISTORY;
    expect(threadPermissions(read | Permissions.SEND_MESSAGES)).toBe(read);
    expect(threadPermissions(read | Permissions.SEND_MESSAGES_IN_THREADS)).toBe(
      read | Permissions.SEND_MESSAGES_IN_THREADS | Permissions.SEND_MESSAGES,
    );
    expect(threadPermissions(0n)).toBe(0n);
  });
});
