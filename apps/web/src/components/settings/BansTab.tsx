import { useEffect } from 'react';
import { stores, useProfiles, useServerSettings, useServers } from '../../app/stores.js';
import type { Ban } from '../../stores/server-settings.js';
import { profileName } from '../../stores/social.js';
import { Avatar } from '../../ui/Avatar.js';
import { ActionMessage, useAction } from './action.js';
import { useServerAccess } from './use-server-access.js';

const NO_BANS: Ban[] = [];

export function BansTab({ serverId }: { serverId: string }) {
  const { can } = useServerAccess(serverId);
  const bans = useServerSettings((s) => s.bans[serverId] ?? NO_BANS);
  const load = useAction();
  const loaded = useServerSettings((s) => serverId in s.bans);
  // A ban removes the membership: a ban made elsewhere shows here without reopening the tab.
  const members = useServers((s) => s.details[serverId]?.members.length);

  useEffect(() => {
    if (members === undefined) return;
    void load.run(() => stores.serverSettings.getState().loadBans(serverId));
  }, [serverId, load.run, members]);

  return (
    <section aria-label="Bans" className="settings-section">
      <ActionMessage error={load.error} />
      {loaded && bans.length === 0 && <p className="hint">Nobody is banned from this server.</p>}
      <ul className="settings-list">
        {bans.map((ban) => (
          <BanRow key={ban.profile_id} serverId={serverId} ban={ban} canUnban={can('BAN_MEMBERS')} />
        ))}
      </ul>
    </section>
  );
}

function BanRow({ serverId, ban, canUnban }: { serverId: string; ban: Ban; canUnban: boolean }) {
  const name = useProfiles((s) => profileName(s.byId[ban.profile_id]) ?? 'Unknown user');
  const avatarUrl = useProfiles((s) => s.byId[ban.profile_id]?.avatar_url);
  const by = useProfiles((s) => (ban.banned_by ? profileName(s.byId[ban.banned_by]) : undefined));
  const action = useAction();
  return (
    <li>
      <Avatar id={ban.profile_id} name={name} url={avatarUrl} size={32} />
      <div className="settings-item-text">
        <strong>{name}</strong>
        <small>
          {ban.reason ? `Reason: ${ban.reason}` : 'No reason given'}
          {by ? ` · banned by ${by}` : ''} · {new Date(ban.created_at).toLocaleDateString()}
        </small>
        <ActionMessage error={action.error} />
      </div>
      {canUnban && (
        <button
          type="button"
          disabled={action.busy}
          aria-label={`Unban ${name}`}
          onClick={() =>
            void action.run(() => stores.serverSettings.getState().unban(serverId, ban.profile_id))
          }
        >
          Unban
        </button>
      )}
    </li>
  );
}
