import { Permissions } from '@harmony/shared';
import { type FormEvent, useEffect, useId, useMemo, useState } from 'react';
import { stores, useAuth, useServers } from '../../app/stores.js';
import { ActionMessage, useAction } from '../../components/settings/action.js';
import { permissionLabel } from '../../lib/permission-editor.js';
import { go } from '../../lib/route.js';
import { permissionNames } from './bot-permissions.js';
import { type Application, applicationById, installBot } from './bots-api.js';
import './bots.css';

/**
 * A bot's invite link (#/bot/<id>?permissions=<mask>): what the bot asks for, and the servers
 * the user may add it to (Manage Server). The bot gets a role of its own with those permissions.
 */
export function AddBotDialog({ botId, permissions }: { botId: string; permissions: bigint }) {
  const me = useAuth((s) => s.profile?.id);
  const allServers = useServers((s) => s.servers);
  const state = useServers((s) => s);
  // Servers whose details are loaded show only if the user may manage them; the database decides.
  const servers = useMemo(
    () =>
      allServers.filter(
        (server) =>
          !me ||
          !state.details[server.id] ||
          (state.serverPermissions(server.id, me) & Permissions.MANAGE_GUILD) === Permissions.MANAGE_GUILD,
      ),
    [allServers, state, me],
  );
  const [app, setApp] = useState<Application | null | undefined>(undefined);
  const [serverId, setServerId] = useState('');
  const action = useAction();
  const selectId = useId();
  useEffect(() => {
    void action.run(async () => setApp(await applicationById(botId)));
  }, [botId, action.run]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void action.run(async () => {
      await installBot(botId, serverId, permissions);
      stores.ui.getState().openModal(null);
      go({ kind: 'channel', serverId, channelId: null });
    });
  };

  if (app === undefined) return <ActionMessage error={action.error} notice="Loading…" />;
  if (app === null)
    return <p className="hint">This bot does not exist, or its owner has not made it public.</p>;
  const asked = permissionNames(permissions);
  return (
    <form className="add-bot" onSubmit={submit} aria-label={`Add ${app.name} to a server`}>
      <p>
        <strong>{app.name}</strong> <span className="bot-tag">BOT</span>
        {app.description && <span className="hint"> {app.description}</span>}
      </p>
      <p>It asks for these permissions in the server:</p>
      {asked.length > 0 ? (
        <ul className="requested">
          {asked.map((name) => (
            <li key={name}>{permissionLabel(name)}</li>
          ))}
        </ul>
      ) : (
        <p className="hint">No permissions beyond what everyone has.</p>
      )}
      <label htmlFor={selectId}>Add to server</label>
      <select id={selectId} required value={serverId} onChange={(e) => setServerId(e.target.value)}>
        <option value="" disabled>
          Choose a server you manage
        </option>
        {servers.map((server) => (
          <option key={server.id} value={server.id}>
            {server.name}
          </option>
        ))}
      </select>
      <ActionMessage error={action.error} />
      <div className="form-actions">
        <button type="submit" className="primary" disabled={!serverId || action.busy}>
          Add bot
        </button>
      </div>
    </form>
  );
}
