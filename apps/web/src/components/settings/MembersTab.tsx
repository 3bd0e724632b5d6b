import { useState } from 'react';
import { stores } from '../../app/stores.js';
import { isManaged } from '../../features/roles/role-order.js';
import { canManageRole, colorToHex, outranks, sortRoles, topPosition } from '../../lib/permission-editor.js';
import type { MemberWithProfile } from '../../stores/servers.js';
import { ActionMessage, useAction } from './action.js';
import { useServerAccess } from './use-server-access.js';

const memberName = (m: MemberWithProfile) => m.nickname ?? m.profile.display_name ?? m.profile.username;

export function MembersTab({ serverId }: { serverId: string }) {
  const { detail } = useServerAccess(serverId);
  const [filter, setFilter] = useState('');
  const q = filter.trim().toLowerCase();
  const members = (detail?.members ?? [])
    .filter(
      (m) => !q || memberName(m).toLowerCase().includes(q) || m.profile.username.toLowerCase().includes(q),
    )
    .sort((a, b) => memberName(a).localeCompare(memberName(b)));

  return (
    <section aria-label="Member roles" className="settings-section">
      <label>
        Find a member
        <input type="search" value={filter} onChange={(e) => setFilter(e.target.value)} />
      </label>
      <ul className="member-roles">
        {members.map((m) => (
          <MemberRoles key={m.profile_id} serverId={serverId} member={m} />
        ))}
      </ul>
      {members.length === 0 && <p className="hint">No member matches.</p>}
    </section>
  );
}

function MemberRoles({ serverId, member }: { serverId: string; member: MemberWithProfile }) {
  const { detail, server, can, myTop, isOwner } = useServerAccess(serverId);
  const action = useAction();
  const roles = sortRoles(detail?.roles ?? []).filter((r) => r.id !== serverId);
  const targetOwner = server?.owner_id === member.profile_id;
  const targetTop = topPosition(detail?.roles ?? [], member.roleIds, targetOwner);
  const mayChange =
    can('MANAGE_ROLES') && outranks({ top: myTop, isOwner }, { top: targetTop, isOwner: targetOwner });
  const toggle = (roleId: string, on: boolean) => {
    const s = stores.serverSettings.getState();
    void action.run(() =>
      on
        ? s.assignRole(serverId, member.profile_id, roleId)
        : s.removeRole(serverId, member.profile_id, roleId),
    );
  };
  return (
    <li>
      <details>
        <summary>
          {memberName(member)} <small>@{member.profile.username}</small>
          {member.roleIds.length > 0 && (
            <small className="hint">
              {' '}
              · {member.roleIds.length} role{member.roleIds.length === 1 ? '' : 's'}
            </small>
          )}
        </summary>
        {!mayChange && (
          <p className="hint">You can only change roles of members whose highest role is below yours.</p>
        )}
        <fieldset className="member-role-list">
          <legend className="sr-only">Roles of {memberName(member)}</legend>
          {roles.map((role) => (
            <label key={role.id} className="toggle">
              <input
                type="checkbox"
                checked={member.roleIds.includes(role.id)}
                disabled={
                  !mayChange || !canManageRole(role.position, myTop) || isManaged(role) || action.busy
                }
                onChange={(e) => toggle(role.id, e.target.checked)}
              />
              <span
                className="role-swatch"
                style={{ background: colorToHex(role.color) }}
                aria-hidden="true"
              />
              <span>{role.name}</span>
            </label>
          ))}
          {roles.length === 0 && <p className="hint">This server has no roles besides @everyone.</p>}
        </fieldset>
        <ActionMessage error={action.error} />
      </details>
    </li>
  );
}
