import { hasPermission, Permissions } from '@harmony/shared';
import { useMemo } from 'react';
import { useAuth, useServers } from '../../app/stores.js';
import type { PermissionName } from '../../features/access/use-permissions.js';
import { topPosition } from '../../lib/permission-editor.js';

/** What the signed-in user may do in a server: their permissions, ownership and rank. */
export function useServerAccess(serverId: string) {
  const me = useAuth((s) => s.profile?.id ?? null);
  const server = useServers((s) => s.servers.find((x) => x.id === serverId));
  const detail = useServers((s) => s.details[serverId]);
  const perms = useServers((s) => (me ? s.serverPermissions(serverId, me) : 0n));
  const isOwner = Boolean(me && server?.owner_id === me);
  const myRoleIds = detail?.members.find((m) => m.profile_id === me)?.roleIds;
  const myTop = useMemo(
    () => topPosition(detail?.roles ?? [], myRoleIds ?? [], isOwner),
    [detail?.roles, myRoleIds, isOwner],
  );
  const can = (name: PermissionName) => hasPermission(perms, Permissions[name]);
  return { me, server, detail, perms, isOwner, myTop, can };
}
