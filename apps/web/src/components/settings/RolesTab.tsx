import { parsePermissions } from '@harmony/shared';
import { type FormEvent, useState } from 'react';
import { stores } from '../../app/stores.js';
import { RoleHierarchy } from '../../features/roles/RoleHierarchy.js';
import { isManaged, roleLockReason } from '../../features/roles/role-order.js';
import { useRoleAccess } from '../../features/roles/use-role-access.js';
import {
  colorToHex,
  hexToColor,
  type RoleDraft,
  roleChanges,
  sortRoles,
} from '../../lib/permission-editor.js';
import type { Role } from '../../lib/types.js';
import { ActionMessage, useAction } from './action.js';
import { PermissionToggles } from './PermissionToggles.js';
import { useServerAccess } from './use-server-access.js';

export function RolesTab({ serverId }: { serverId: string }) {
  const { detail, can, myTop } = useServerAccess(serverId);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [newName, setNewName] = useState('');
  const create = useAction();
  const allowed = can('MANAGE_ROLES');
  const roles = sortRoles(detail?.roles ?? []);
  const selected = roles.find((r) => r.id === selectedId) ?? roles[0];

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const name = newName.trim();
    if (!name) return;
    void create.run(async () => {
      const id = await stores.serverSettings.getState().createRole(serverId, name);
      setNewName('');
      setSelectedId(id);
    });
  };

  return (
    <section aria-label="Roles" className="settings-section roles-tab">
      <div className="role-list">
        {allowed && myTop > 0 && (
          <form onSubmit={submit} className="inline-form">
            <label>
              New role
              <input maxLength={100} value={newName} onChange={(e) => setNewName(e.target.value)} />
            </label>
            <button type="submit" disabled={create.busy || !newName.trim()}>
              Create
            </button>
          </form>
        )}
        <ActionMessage error={create.error} />
        <RoleHierarchy serverId={serverId} selectedId={selected?.id} onSelect={setSelectedId} />
      </div>
      {selected && <RoleEditor key={selected.id} serverId={serverId} role={selected} />}
    </section>
  );
}

function RoleEditor({ serverId, role }: { serverId: string; role: Role }) {
  const { perms } = useServerAccess(serverId);
  const isEveryone = role.id === role.server_id;
  const access = useRoleAccess(serverId);
  const lockReason = roleLockReason(role, access);
  const editable = lockReason === null;
  const managed = isManaged(role);
  const original: RoleDraft = {
    name: role.name,
    permissions: parsePermissions(role.permissions),
    color: role.color,
    hoist: role.hoist,
    mentionable: role.mentionable,
  };
  const [draft, setDraft] = useState<RoleDraft>(original);
  const save = useAction();
  const remove = useAction();
  const changes = roleChanges({ ...original, isEveryone }, draft);
  const dirty = Object.keys(changes).length > 0;
  const patch = (p: Partial<RoleDraft>) => setDraft((d) => ({ ...d, ...p }));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void save.run(() => stores.serverSettings.getState().updateRole(serverId, role.id, changes), 'Saved');
  };

  return (
    <form className="role-editor" onSubmit={submit} aria-label={`Edit role ${role.name}`}>
      <h3>{role.name}</h3>
      {lockReason && <p className="hint">{lockReason}</p>}
      {managed && (
        <p className="hint">
          Managed by the bot {role.name}: its name and permissions come with the bot, and it goes away when
          the bot is removed.
        </p>
      )}
      {!isEveryone && (
        <label>
          Role name
          <input
            required
            maxLength={100}
            value={draft.name}
            disabled={!editable || managed}
            onChange={(e) => patch({ name: e.target.value })}
          />
        </label>
      )}
      {!isEveryone && (
        <div className="role-options">
          <label className="color-field">
            Colour
            <input
              type="color"
              value={colorToHex(draft.color)}
              disabled={!editable}
              onChange={(e) => patch({ color: hexToColor(e.target.value) })}
            />
          </label>
          <label className="toggle">
            <input
              type="checkbox"
              checked={draft.hoist}
              disabled={!editable}
              onChange={(e) => patch({ hoist: e.target.checked })}
            />
            <span>Show members separately</span>
          </label>
          <label className="toggle">
            <input
              type="checkbox"
              checked={draft.mentionable}
              disabled={!editable}
              onChange={(e) => patch({ mentionable: e.target.checked })}
            />
            <span>Allow anyone to @mention this role</span>
          </label>
        </div>
      )}
      <PermissionToggles
        mask={draft.permissions}
        mine={perms}
        disabled={!editable || managed}
        onChange={(permissions) => patch({ permissions })}
      />
      <ActionMessage error={save.error ?? remove.error} notice={save.notice} />
      <div className="form-actions">
        <button type="submit" className="primary" disabled={!editable || !dirty || save.busy}>
          Save role
        </button>
        <button type="button" disabled={!dirty} onClick={() => setDraft(original)}>
          Reset
        </button>
        {!isEveryone && editable && !managed && (
          <button
            type="button"
            className="danger"
            disabled={remove.busy}
            onClick={() => {
              if (window.confirm(`Delete the role ${role.name}?`))
                void remove.run(() => stores.serverSettings.getState().deleteRole(serverId, role.id));
            }}
          >
            Delete role
          </button>
        )}
      </div>
    </form>
  );
}
