import { useEffect } from 'react';
import { stores, useAuth, useProfiles, useServerSettings } from '../../app/stores.js';
import { CreateInviteForm } from '../../features/server-admin/CreateInviteForm.js';
import { inviteUrl } from '../../lib/route.js';
import { type Invite, isLiveInvite } from '../../stores/server-settings.js';
import { profileName } from '../../stores/social.js';
import { ActionMessage, useAction } from './action.js';
import { useServerAccess } from './use-server-access.js';

const NO_INVITES: Invite[] = [];

export function InvitesTab({ serverId }: { serverId: string }) {
  const invites = useServerSettings((s) => s.invites[serverId] ?? NO_INVITES);
  const loaded = useServerSettings((s) => serverId in s.invites);
  const load = useAction();
  const { can } = useServerAccess(serverId);

  useEffect(() => {
    void load.run(() => stores.serverSettings.getState().loadInvites(serverId));
  }, [serverId, load.run]);

  return (
    <section aria-label="Invites" className="settings-section">
      {can('CREATE_INSTANT_INVITE') && <CreateInviteForm serverId={serverId} />}
      <ActionMessage error={load.error} />
      {loaded && invites.length === 0 && <p className="hint">There are no active invites.</p>}
      <ul className="settings-list">
        {invites.map((invite) => (
          <InviteRow key={invite.code} serverId={serverId} invite={invite} />
        ))}
      </ul>
    </section>
  );
}

function InviteRow({ serverId, invite }: { serverId: string; invite: Invite }) {
  const { can } = useServerAccess(serverId);
  const me = useAuth((s) => s.profile?.id);
  const inviter = useProfiles((s) =>
    invite.inviter_id ? profileName(s.byId[invite.inviter_id]) : undefined,
  );
  const action = useAction();
  // revoke_invite: the inviter, or anyone with Manage Server.
  const canRevoke = can('MANAGE_GUILD') || (me !== undefined && invite.inviter_id === me);
  const live = isLiveInvite(invite);
  const uses = invite.max_uses ? `${invite.uses}/${invite.max_uses} uses` : `${invite.uses} uses`;
  const expiry = invite.expires_at
    ? `expires ${new Date(invite.expires_at).toLocaleString()}`
    : 'never expires';
  return (
    <li className={live ? '' : 'inactive'}>
      <div className="settings-item-text">
        <span>
          <code title={inviteUrl(invite.code)}>{invite.code}</code>
          {invite.temporary && <span className="temporary-tag">temporary</span>}
        </span>
        <small>
          {inviter ? `by ${inviter} · ` : ''}
          {uses} · {live ? expiry : 'no longer valid'}
        </small>
        <ActionMessage error={action.error} />
      </div>
      {canRevoke && (
        <button
          type="button"
          className="danger"
          disabled={action.busy}
          aria-label={`Revoke invite ${invite.code}`}
          onClick={() =>
            void action.run(() => stores.serverSettings.getState().revokeInvite(serverId, invite.code))
          }
        >
          Revoke
        </button>
      )}
    </li>
  );
}
