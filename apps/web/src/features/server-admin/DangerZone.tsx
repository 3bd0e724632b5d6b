import { type FormEvent, useId, useState } from 'react';
import { serverAdmin, stores } from '../../app/stores.js';
import { ActionMessage, useAction } from '../../components/settings/action.js';
import { useServerAccess } from '../../components/settings/use-server-access.js';

/** Owner only: hand the server to another member, or delete it after typing its name. */
export function DangerZone({ serverId }: { serverId: string }) {
  const { server, detail, isOwner, me } = useServerAccess(serverId);
  if (!server || !isOwner) return null;
  const others = (detail?.members ?? []).filter((m) => m.profile_id !== me);
  return (
    <section className="danger-zone" aria-label="Danger zone">
      <h3>Danger zone</h3>
      <TransferOwnership
        serverId={serverId}
        serverName={server.name}
        members={others.map((m) => ({
          id: m.profile_id,
          name: m.nickname ?? m.profile.display_name ?? m.profile.username,
        }))}
      />
      <DeleteServer serverId={serverId} serverName={server.name} />
    </section>
  );
}

function TransferOwnership({
  serverId,
  serverName,
  members,
}: {
  serverId: string;
  serverName: string;
  members: { id: string; name: string }[];
}) {
  const [target, setTarget] = useState('');
  const [confirming, setConfirming] = useState(false);
  const action = useAction();
  const chosen = members.find((m) => m.id === target);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!chosen) return;
    if (!confirming) return setConfirming(true);
    if (await action.run(() => serverAdmin.transferOwnership(serverId, chosen.id))) {
      stores.ui.getState().openModal(null);
      stores.ui.getState().toast(`${chosen.name} now owns ${serverName}.`, 'info');
    }
  };
  return (
    <form onSubmit={(e) => void submit(e)}>
      <label>
        Transfer ownership to
        <select
          value={target}
          onChange={(e) => {
            setTarget(e.target.value);
            setConfirming(false);
          }}
        >
          <option value="">Choose a member…</option>
          {members.map((m) => (
            <option key={m.id} value={m.id}>
              {m.name}
            </option>
          ))}
        </select>
      </label>
      {members.length === 0 && <p className="hint">Nobody else is in this server yet.</p>}
      {confirming && chosen && (
        <p role="alert">
          {chosen.name} will own {serverName} and can remove you. You keep your roles but no longer own it.
        </p>
      )}
      <ActionMessage error={action.error} />
      <button
        type="submit"
        className={confirming ? 'danger-solid' : 'danger'}
        disabled={!chosen || action.busy}
      >
        {confirming ? 'Yes, transfer ownership' : 'Transfer ownership'}
      </button>
    </form>
  );
}

function DeleteServer({ serverId, serverName }: { serverId: string; serverName: string }) {
  const [typed, setTyped] = useState('');
  const action = useAction();
  const hintId = useId();
  const matches = typed.trim() === serverName.trim();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!matches) return;
    if (await action.run(() => serverAdmin.deleteServer(serverId))) {
      stores.ui.getState().openModal(null);
      stores.ui.getState().toast(`${serverName} was deleted.`, 'info');
    }
  };
  return (
    <form onSubmit={(e) => void submit(e)}>
      <label>
        Type the server name to delete it
        <input
          value={typed}
          aria-describedby={hintId}
          autoComplete="off"
          onChange={(e) => setTyped(e.target.value)}
        />
      </label>
      <p id={hintId} className="hint">
        Deleting {serverName} removes its channels and messages for everyone. This cannot be undone.
      </p>
      <ActionMessage error={action.error} />
      <button type="submit" className="danger-solid" disabled={!matches || action.busy}>
        Delete server
      </button>
    </form>
  );
}
