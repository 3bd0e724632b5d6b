import type { Role } from '../../lib/types.js';

/**
 * The role hierarchy as the roles editor orders it, and the rules reorder_roles and
 * require_manageable_role apply: below the owner, a member manages and moves only roles under
 * their own highest role, and nothing may move to or above it.
 */

export interface RankedRole {
  id: string;
  server_id: string;
  name: string;
  position: number;
}

/** Every role but @everyone, highest first (the order reorder_roles takes). */
export function hierarchy<R extends RankedRole>(roles: readonly R[]): R[] {
  return roles
    .filter((r) => r.id !== r.server_id)
    .sort((a, b) => b.position - a.position || a.id.localeCompare(b.id));
}

/** How many roles at the top of `hierarchy()` the user may not move (at or above their highest role). */
export function lockedCount(ordered: readonly RankedRole[], myTop: number): number {
  return ordered.filter((r) => r.position >= myTop).length;
}

/**
 * The new order after moving the role at `from` to `to`, or null when the move is not allowed:
 * a locked role, or a place among the locked roles.
 */
export function moveRole(
  ordered: readonly RankedRole[],
  myTop: number,
  from: number,
  to: number,
): string[] | null {
  const locked = lockedCount(ordered, myTop);
  if (from < locked || to < locked || from === to) return null;
  const ids = ordered.map((r) => r.id);
  const [moved] = ids.splice(from, 1);
  if (!moved) return null;
  ids.splice(to, 0, moved);
  return ids;
}

/**
 * A bot's role (roles.managed, made by install_bot): nobody renames, re-permissions, deletes,
 * gives or takes it by hand; it goes away with the bot.
 */
export function isManaged(role: Pick<Role, 'managed'>): boolean {
  return role.managed;
}

export interface RoleAccess {
  canManageRoles: boolean;
  isOwner: boolean;
  /** Position of the user's highest role (Infinity for the owner). */
  myTop: number;
  /** The user's highest role, if they have one above @everyone. */
  myTopRole: RankedRole | null;
}

/** Why the user cannot edit or move this role, as a sentence; null when they can. */
export function roleLockReason(role: RankedRole, access: RoleAccess): string | null {
  if (access.isOwner) return null;
  if (!access.canManageRoles) return 'You need the Manage Roles permission to edit roles.';
  if (role.position < access.myTop) return null;
  if (!access.myTopRole) return 'You need a role above @everyone to edit roles.';
  if (role.id === access.myTopRole.id)
    return `${role.name} is your highest role. You can only edit roles below it; ask someone above you or the owner.`;
  return `${role.name} is above your highest role, ${access.myTopRole.name}. You can only edit roles below ${access.myTopRole.name}.`;
}
