import { hasPermission, type PermissionName, Permissions, parsePermissions } from '@harmony/shared';
import { type FormEvent, useId, useState } from 'react';
import { stores, useServers } from '../../app/stores.js';
import {
  canChangeOverwriteBit,
  overwriteGroups,
  overwriteState,
  permissionLabel,
  setOverwriteState,
  sortRoles,
  type TriState,
} from '../../lib/permission-editor.js';
import type { Channel } from '../../lib/types.js';
import { ActionMessage, useAction } from './action.js';
import { useServerAccess } from './use-server-access.js';

type TargetType = 'role' | 'member';
interface Target {
  type: TargetType;
  id: string;
}
const keyOf = (t: Target) => `${t.type}:${t.id}`;
const parseKey = (key: string): Target | null => {
  const [type, id] = key.split(':');
  return (type === 'role' || type === 'member') && id ? { type, id } : null;
};

/** Channel permission overwrites: per role or member, each permission allowed, inherited or denied. */
export function OverwritesTab({ serverId }: { serverId: string }) {
  const { detail, me } = useServerAccess(serverId);
  const manageable = useServers((s) =>
    me
      ? (s.details[serverId]?.channels ?? [])
          .filter((c) => hasPermission(s.channelPermissions(c.id, me), Permissions.MANAGE_ROLES))
          .map((c) => c.id)
          .join(',')
      : '',
  );
  const channels = (detail?.channels ?? []).filter((c) => manageable.split(',').includes(c.id));
  const [channelId, setChannelId] = useState<string | null>(null);
  const channel = channels.find((c) => c.id === channelId) ?? channels[0];
  const selectId = useId();

  if (!channel) return <p>You cannot change permissions of any channel here.</p>;
  return (
    <section aria-label="Channel permissions" className="settings-section">
      <label htmlFor={selectId}>Channel</label>
      <select id={selectId} value={channel.id} onChange={(e) => setChannelId(e.target.value)}>
        {channels.map((c) => (
          <option key={c.id} value={c.id}>
            {c.type === 'voice' ? 'Voice: ' : '# '}
            {c.name}
          </option>
        ))}
      </select>
      <ChannelOverwrites key={channel.id} serverId={serverId} channel={channel} />
    </section>
  );
}

function ChannelOverwrites({ serverId, channel }: { serverId: string; channel: Channel }) {
  const { detail } = useServerAccess(serverId);
  const existing = (detail?.overwrites ?? []).filter((o) => o.channel_id === channel.id);
  const roles = sortRoles(detail?.roles ?? []);
  const members = detail?.members ?? [];
  const [selected, setSelected] = useState<string | null>(null);
  const addId = useId();

  const nameOf = (t: Target) => {
    if (t.type === 'role') return roles.find((r) => r.id === t.id)?.name ?? 'Deleted role';
    const m = members.find((x) => x.profile_id === t.id);
    return m ? (m.nickname ?? m.profile.display_name ?? m.profile.username) : 'Former member';
  };
  const present = existing.map((o) => ({ type: o.target_type, id: o.target_id }) as Target);
  const presentKeys = new Set(present.map(keyOf));
  const candidates: Target[] = [
    ...roles.map((r) => ({ type: 'role' as const, id: r.id })),
    ...members.map((m) => ({ type: 'member' as const, id: m.profile_id })),
  ].filter((t) => !presentKeys.has(keyOf(t)));
  const current = (selected && parseKey(selected)) || present[0] || null;

  return (
    <div className="overwrites">
      <div className="overwrite-targets">
        <h3>Overrides</h3>
        {present.length === 0 && (
          <p className="hint">No overrides: this channel follows the server's roles.</p>
        )}
        <ul aria-label="Roles and members with overrides">
          {present.map((t) => (
            <li key={keyOf(t)}>
              <button
                type="button"
                className={`role-pill${current && keyOf(current) === keyOf(t) ? ' active' : ''}`}
                aria-current={current && keyOf(current) === keyOf(t) ? 'true' : undefined}
                onClick={() => setSelected(keyOf(t))}
              >
                {t.type === 'member' ? '@' : ''}
                {nameOf(t)}
              </button>
            </li>
          ))}
        </ul>
        {candidates.length > 0 && (
          <>
            <label htmlFor={addId}>Add a role or member</label>
            <select
              id={addId}
              value=""
              onChange={(e) => {
                if (e.target.value) setSelected(e.target.value);
              }}
            >
              <option value="">Choose…</option>
              <optgroup label="Roles">
                {candidates
                  .filter((t) => t.type === 'role')
                  .map((t) => (
                    <option key={keyOf(t)} value={keyOf(t)}>
                      {nameOf(t)}
                    </option>
                  ))}
              </optgroup>
              <optgroup label="Members">
                {candidates
                  .filter((t) => t.type === 'member')
                  .map((t) => (
                    <option key={keyOf(t)} value={keyOf(t)}>
                      {nameOf(t)}
                    </option>
                  ))}
              </optgroup>
            </select>
          </>
        )}
      </div>
      {current && (
        <OverwriteEditor
          key={`${channel.id}:${keyOf(current)}`}
          serverId={serverId}
          channelId={channel.id}
          target={current}
          targetName={nameOf(current)}
          row={existing.find((o) => o.target_type === current.type && o.target_id === current.id)}
        />
      )}
    </div>
  );
}

function OverwriteEditor({
  serverId,
  channelId,
  target,
  targetName,
  row,
}: {
  serverId: string;
  channelId: string;
  target: Target;
  targetName: string;
  row: { allow: number | string; deny: number | string } | undefined;
}) {
  const me = useServerAccess(serverId).me;
  const mine = useServers((s) => (me ? s.channelPermissions(channelId, me) : 0n));
  const allowed = hasPermission(mine, Permissions.MANAGE_ROLES);
  const original = {
    allow: row ? parsePermissions(row.allow) : 0n,
    deny: row ? parsePermissions(row.deny) : 0n,
  };
  const [draft, setDraft] = useState(original);
  const save = useAction();
  const dirty = draft.allow !== original.allow || draft.deny !== original.deny;
  const empty = draft.allow === 0n && draft.deny === 0n;
  const settings = stores.serverSettings.getState();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void save.run(
      () =>
        empty && row
          ? settings.deleteOverwrite(serverId, channelId, target)
          : settings.setOverwrite(serverId, channelId, target, draft),
      'Saved',
    );
  };

  return (
    <form className="overwrite-editor" onSubmit={submit} aria-label={`Permissions for ${targetName}`}>
      <h3>
        {target.type === 'member' ? '@' : ''}
        {targetName}
      </h3>
      <p className="hint">Deny ✕ · Inherit / · Allow ✓. You can only change permissions you have here.</p>
      {overwriteGroups().map((group) => (
        <fieldset key={group.id} className="permission-group">
          <legend>{group.label}</legend>
          {group.names.map((name: PermissionName) => (
            <TriStateRow
              key={name}
              name={name}
              value={overwriteState(draft.allow, draft.deny, Permissions[name])}
              disabled={!allowed || !canChangeOverwriteBit(Permissions[name], mine)}
              onChange={(state) => setDraft((d) => setOverwriteState(d, Permissions[name], state))}
            />
          ))}
        </fieldset>
      ))}
      <ActionMessage error={save.error} notice={save.notice} />
      <div className="form-actions">
        <button
          type="submit"
          className="primary"
          disabled={!allowed || !dirty || save.busy || (empty && !row)}
        >
          Save
        </button>
        <button type="button" disabled={!dirty} onClick={() => setDraft(original)}>
          Reset
        </button>
        {row && (
          <button
            type="button"
            className="danger"
            disabled={!allowed || save.busy}
            onClick={() =>
              void save.run(() => settings.deleteOverwrite(serverId, channelId, target), 'Override removed')
            }
          >
            Remove override
          </button>
        )}
      </div>
    </form>
  );
}

const STATES: { value: TriState; symbol: string; label: string }[] = [
  { value: 'deny', symbol: '✕', label: 'Deny' },
  { value: 'inherit', symbol: '/', label: 'Inherit' },
  { value: 'allow', symbol: '✓', label: 'Allow' },
];

function TriStateRow({
  name,
  value,
  disabled,
  onChange,
}: {
  name: PermissionName;
  value: TriState;
  disabled: boolean;
  onChange(state: TriState): void;
}) {
  const group = useId();
  const label = permissionLabel(name);
  return (
    <div className="tristate" role="radiogroup" aria-label={label}>
      <span className="tristate-label" aria-hidden="true">
        {label}
      </span>
      <span className="tristate-options">
        {STATES.map((s) => (
          <label key={s.value} className={`tristate-option ${s.value}${value === s.value ? ' checked' : ''}`}>
            <input
              type="radio"
              name={group}
              value={s.value}
              checked={value === s.value}
              disabled={disabled}
              onChange={() => onChange(s.value)}
            />
            <span aria-hidden="true">{s.symbol}</span>
            <span className="sr-only">
              {s.label} {label}
            </span>
          </label>
        ))}
      </span>
    </div>
  );
}
