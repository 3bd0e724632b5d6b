import { useServerAccess } from '../../components/settings/use-server-access.js';
import { hierarchy, type RoleAccess } from './role-order.js';

/** What the signed-in user may do with a server's roles (mirrors require_manageable_role). */
export function useRoleAccess(serverId: string): RoleAccess {
  const { detail, me, isOwner, myTop, can } = useServerAccess(serverId);
  const mine = detail?.members.find((m) => m.profile_id === me)?.roleIds ?? [];
  const myTopRole = hierarchy(detail?.roles ?? []).find((r) => mine.includes(r.id)) ?? null;
  return { canManageRoles: can('MANAGE_ROLES'), isOwner, myTop, myTopRole };
}
