import { ALL_PERMISSIONS, type PermissionName, Permissions, permissionNames } from '@harmony/shared';
import { describe, expect, it } from 'vitest';
import {
  canChangeOverwriteBit,
  canManageRole,
  canToggleRoleBit,
  colorToHex,
  hexToColor,
  maskToNumber,
  outranks,
  overwriteFromStates,
  overwriteGroups,
  overwriteState,
  PERMISSION_GROUPS,
  permissionLabel,
  roleChanges,
  setOverwriteState,
  sortRoles,
  toggleBit,
  topPosition,
} from '../src/lib/permission-editor.js';

const P = Permissions;

describe('permission groups', () => {
  it('list every known permission exactly once', () => {
    const grouped = PERMISSION_GROUPS.flatMap((g) => [...g.names] as PermissionName[]);
    expect(new Set(grouped).size).toBe(grouped.length);
    expect([...grouped].sort()).toEqual([...permissionNames(ALL_PERMISSIONS)].sort());
    expect(PERMISSION_GROUPS.map((g) => g.id)).toEqual([
      'general',
      'membership',
      'text',
      'voice',
      'dangerous',
    ]);
  });

  it('leave server-only permissions out of channel overwrites', () => {
    const names = overwriteGroups().flatMap((g) => [...g.names] as PermissionName[]);
    expect(names).toContain('VIEW_CHANNEL');
    expect(names).toContain('SEND_MESSAGES');
    expect(names).toContain('CONNECT');
    expect(names).not.toContain('ADMINISTRATOR');
    expect(names).not.toContain('BAN_MEMBERS');
    expect(names).not.toContain('MANAGE_GUILD');
    expect(overwriteGroups().map((g) => g.id)).not.toContain('dangerous');
  });

  it('have readable labels', () => {
    expect(permissionLabel('MANAGE_MESSAGES')).toBe('Manage messages');
    expect(permissionLabel('MANAGE_GUILD')).toBe('Manage server');
    expect(permissionLabel('MODERATE_MEMBERS')).toBe('Time out members');
  });
});

describe('role permission toggles', () => {
  it('set and clear single bits', () => {
    const mask = toggleBit(0n, P.SEND_MESSAGES, true);
    expect(mask).toBe(P.SEND_MESSAGES);
    expect(toggleBit(mask | P.ATTACH_FILES, P.SEND_MESSAGES, false)).toBe(P.ATTACH_FILES);
  });

  it('only add bits the user holds, unless they hold everything; removing is always allowed', () => {
    const mine = P.MANAGE_ROLES | P.SEND_MESSAGES;
    expect(canToggleRoleBit(P.SEND_MESSAGES, false, mine)).toBe(true);
    expect(canToggleRoleBit(P.BAN_MEMBERS, false, mine)).toBe(false);
    expect(canToggleRoleBit(P.BAN_MEMBERS, true, mine)).toBe(true);
    expect(canToggleRoleBit(P.ADMINISTRATOR, false, ALL_PERMISSIONS)).toBe(true);
  });

  it('serialise masks as exact JSON numbers', () => {
    expect(maskToNumber(P.BYPASS_SLOWMODE | P.VIEW_CHANNEL)).toBe(2 ** 52 + 2 ** 10);
    expect(maskToNumber(ALL_PERMISSIONS)).toBe(Number(ALL_PERMISSIONS));
    expect(BigInt(maskToNumber(ALL_PERMISSIONS))).toBe(ALL_PERMISSIONS);
  });

  it('send only what changed to update_role, never renaming @everyone', () => {
    const original = {
      name: 'Mods',
      permissions: P.KICK_MEMBERS,
      color: 0,
      hoist: false,
      mentionable: false,
    };
    expect(roleChanges({ ...original, isEveryone: false }, original)).toEqual({});
    expect(
      roleChanges(
        { ...original, isEveryone: false },
        { ...original, name: ' Moderators ', permissions: P.KICK_MEMBERS | P.BAN_MEMBERS, hoist: true },
      ),
    ).toEqual({ p_name: 'Moderators', p_permissions: Number(P.KICK_MEMBERS | P.BAN_MEMBERS), p_hoist: true });
    expect(
      roleChanges({ ...original, isEveryone: true }, { ...original, name: 'x', color: 0xff0000 }),
    ).toEqual({
      p_color: 0xff0000,
    });
  });

  it('convert colours both ways', () => {
    expect(colorToHex(0)).toBe('#000000');
    expect(colorToHex(0x5865f2)).toBe('#5865f2');
    expect(hexToColor('#5865F2')).toBe(0x5865f2);
    expect(hexToColor('nonsense')).toBe(0);
  });
});

describe('tri-state overwrites', () => {
  it('read allow, deny and inherit from the masks', () => {
    const allow = P.SEND_MESSAGES;
    const deny = P.ATTACH_FILES;
    expect(overwriteState(allow, deny, P.SEND_MESSAGES)).toBe('allow');
    expect(overwriteState(allow, deny, P.ATTACH_FILES)).toBe('deny');
    expect(overwriteState(allow, deny, P.VIEW_CHANNEL)).toBe('inherit');
  });

  it('move a bit between allow, deny and neither, never both', () => {
    let o = { allow: 0n, deny: 0n };
    o = setOverwriteState(o, P.SEND_MESSAGES, 'allow');
    expect(o).toEqual({ allow: P.SEND_MESSAGES, deny: 0n });
    o = setOverwriteState(o, P.SEND_MESSAGES, 'deny');
    expect(o).toEqual({ allow: 0n, deny: P.SEND_MESSAGES });
    o = setOverwriteState(o, P.VIEW_CHANNEL, 'allow');
    o = setOverwriteState(o, P.SEND_MESSAGES, 'inherit');
    expect(o).toEqual({ allow: P.VIEW_CHANNEL, deny: 0n });
    expect(o.allow & o.deny).toBe(0n);
  });

  it('build allow/deny from per-permission choices', () => {
    expect(
      overwriteFromStates({
        VIEW_CHANNEL: 'allow',
        SEND_MESSAGES: 'deny',
        ATTACH_FILES: 'inherit',
        CONNECT: 'deny',
      }),
    ).toEqual({ allow: P.VIEW_CHANNEL, deny: P.SEND_MESSAGES | P.CONNECT });
  });

  it('only let the user change bits they hold in the channel', () => {
    const mine = P.MANAGE_ROLES | P.VIEW_CHANNEL;
    expect(canChangeOverwriteBit(P.VIEW_CHANNEL, mine)).toBe(true);
    expect(canChangeOverwriteBit(P.SEND_MESSAGES, mine)).toBe(false);
    expect(canChangeOverwriteBit(P.SEND_MESSAGES, ALL_PERMISSIONS)).toBe(true);
  });
});

describe('role hierarchy', () => {
  const roles = [
    { id: 's', server_id: 's', position: 0 },
    { id: 'mod', server_id: 's', position: 2 },
    { id: 'helper', server_id: 's', position: 1 },
    { id: 'admin', server_id: 's', position: 3 },
  ];

  it('finds the top position; owners outrank everything', () => {
    expect(topPosition(roles, ['helper', 'mod'], false)).toBe(2);
    expect(topPosition(roles, [], false)).toBe(0);
    expect(topPosition(roles, [], true)).toBe(Number.POSITIVE_INFINITY);
  });

  it('lets members manage only roles strictly below their top role', () => {
    expect(canManageRole(1, 2)).toBe(true);
    expect(canManageRole(2, 2)).toBe(false);
    expect(canManageRole(3, Number.POSITIVE_INFINITY)).toBe(true);
    // @everyone (position 0) needs any role above it.
    expect(canManageRole(0, 0)).toBe(false);
  });

  it('mirrors outranks(): the owner always, nobody over the owner, else a higher top role', () => {
    expect(outranks({ top: 1, isOwner: true }, { top: 5, isOwner: false })).toBe(true);
    expect(outranks({ top: 9, isOwner: false }, { top: 0, isOwner: true })).toBe(false);
    expect(outranks({ top: 3, isOwner: false }, { top: 2, isOwner: false })).toBe(true);
    expect(outranks({ top: 2, isOwner: false }, { top: 2, isOwner: false })).toBe(false);
  });

  it('orders roles highest first with @everyone last', () => {
    expect(sortRoles(roles).map((r) => r.id)).toEqual(['admin', 'mod', 'helper', 's']);
  });
});
