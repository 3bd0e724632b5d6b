import { ArrowLeft } from 'lucide-react';
import { type FormEvent, type ReactNode, useState } from 'react';
import { stores, useProfiles, useSocial, useUi } from '../../app/stores.js';
import { RemotePeopleEntry } from '../../features/federation/RemotePeopleEntry.js';
import { liveStatus, STATUS_TEXT, useLiveStatus } from '../../features/presence/live-presence.js';
import { describeError } from '../../lib/errors.js';
import { go } from '../../lib/route.js';
import { type FriendRequest, type FriendsTab, friendsForTab, profileName } from '../../stores/social.js';
import { IconButton } from '../../ui/IconButton.js';
import { NotificationsBell } from '../NotificationsPanel.js';
import { ActionMessage, useAction } from '../settings/action.js';
import { Tabs } from '../settings/Tabs.js';

/** The home screen's main pane: friends, requests and blocks. */
export function FriendsView() {
  const tab = useSocial((s) => s.tab);
  const open = useSocial((s) => s.friendsOpen);
  const pending = useSocial((s) => s.incoming.length);
  const error = useSocial((s) => s.error);
  const social = stores.social.getState();

  return (
    <section className={`friends-view${open ? ' narrow-open' : ''}`} aria-label="Friends">
      <header className="channel-header">
        <IconButton
          label="Back to conversations"
          icon={ArrowLeft}
          className="back-button"
          onClick={() => social.setFriendsOpen(false)}
        />
        <h2>Friends</h2>
        <div className="header-actions">
          <NotificationsBell />
        </div>
      </header>
      <div className="friends-body">
        <AddFriend />
        <RemotePeopleEntry />
        {error && (
          <p role="alert" className="form-error">
            {error}
          </p>
        )}
        <Tabs
          label="Friends lists"
          selected={tab}
          onSelect={(t: FriendsTab) => social.setTab(t)}
          tabs={[
            { id: 'online', label: 'Online' },
            { id: 'all', label: 'All' },
            {
              id: 'pending',
              label:
                pending > 0 ? (
                  <>
                    Pending <span className="badge">{pending}</span>
                  </>
                ) : (
                  'Pending'
                ),
            },
            { id: 'blocked', label: 'Blocked' },
          ]}
        >
          {(tab === 'online' || tab === 'all') && <FriendList tab={tab} />}
          {tab === 'pending' && <PendingList />}
          {tab === 'blocked' && <BlockedList />}
        </Tabs>
      </div>
    </section>
  );
}

function AddFriend() {
  const [username, setUsername] = useState('');
  const [done, setDone] = useState<string | null>(null);
  const action = useAction();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const name = username.trim().replace(/^@/, '');
    if (!name) return;
    setDone(null);
    void action.run(async () => {
      const result = await stores.social.getState().sendFriendRequest(name);
      setUsername('');
      setDone(result === 'accepted' ? `You and ${name} are now friends.` : `Friend request sent to ${name}.`);
    });
  };
  return (
    <form className="add-friend inline-form" onSubmit={submit}>
      <label>
        Add a friend by username
        <input
          value={username}
          maxLength={33}
          autoComplete="off"
          placeholder="username"
          onChange={(e) => setUsername(e.target.value)}
        />
      </label>
      <button type="submit" className="primary" disabled={action.busy || !username.trim()}>
        Send request
      </button>
      <ActionMessage error={action.error} notice={done} />
    </form>
  );
}

function PersonRow({ profileId, children, sub }: { profileId: string; children: ReactNode; sub?: string }) {
  const profile = useProfiles((s) => s.byId[profileId]);
  const status = useLiveStatus(profileId);
  const name = profileName(profile) ?? '…';
  return (
    <li className="person-row">
      <span className={`status-dot ${status}`} aria-hidden="true" />
      <div className="settings-item-text">
        <strong>{name}</strong>
        <small>
          {profile ? `@${profile.username}` : ''}
          {sub ? ` · ${sub}` : ''}
        </small>
      </div>
      <div className="row-actions">{children}</div>
    </li>
  );
}

function useRowAction() {
  return (action: () => Promise<unknown>) => {
    action().catch((e: unknown) => stores.ui.getState().toast(describeError(e)));
  };
}

function FriendList({ tab }: { tab: 'online' | 'all' }) {
  const friends = useSocial((s) => s.friends);
  const profiles = useProfiles((s) => s.byId);
  const loaded = useSocial((s) => s.loaded);
  const run = useRowAction();
  const presence = useUi((s) => s.presence);
  const statusOf = (id: string) => liveStatus(presence, id);
  const shown = friendsForTab(tab, friends, profiles, (id) => statusOf(id) !== 'offline');
  const social = stores.social.getState();

  const message = (profileId: string) =>
    run(async () => {
      const channelId = await social.openDm(profileId);
      social.setFriendsOpen(false);
      go({ kind: 'dm', channelId });
    });

  if (loaded && shown.length === 0) {
    return (
      <p className="hint">
        {tab === 'online' ? 'None of your friends are online.' : 'No friends yet. Add someone by username.'}
      </p>
    );
  }
  return (
    <ul className="settings-list" aria-label={tab === 'online' ? 'Online friends' : 'All friends'}>
      {shown.map((id) => {
        const name = profileName(profiles[id]) ?? 'this friend';
        return (
          <PersonRow key={id} profileId={id} sub={STATUS_TEXT[statusOf(id)]}>
            <button type="button" aria-label={`Message ${name}`} onClick={() => message(id)}>
              Message
            </button>
            <button
              type="button"
              aria-label={`Remove ${name} from friends`}
              onClick={() => {
                if (window.confirm(`Remove ${name} from your friends?`)) run(() => social.removeFriend(id));
              }}
            >
              Remove
            </button>
            <button
              type="button"
              className="danger"
              aria-label={`Block ${name}`}
              onClick={() => {
                if (window.confirm(`Block ${name}? They will not be able to message you.`))
                  run(() => social.block(id));
              }}
            >
              Block
            </button>
          </PersonRow>
        );
      })}
    </ul>
  );
}

function PendingList() {
  const incoming = useSocial((s) => s.incoming);
  const outgoing = useSocial((s) => s.outgoing);
  const profiles = useProfiles((s) => s.byId);
  const run = useRowAction();
  const social = stores.social.getState();
  const nameOf = (r: FriendRequest, id: string) => profileName(profiles[id]) ?? `request ${r.id.slice(0, 4)}`;

  if (incoming.length === 0 && outgoing.length === 0)
    return <p className="hint">No pending friend requests.</p>;
  return (
    <>
      {incoming.length > 0 && (
        <ul className="settings-list" aria-label="Incoming requests">
          {incoming.map((r) => (
            <PersonRow key={r.id} profileId={r.sender_id} sub="Incoming request">
              <button
                type="button"
                className="primary"
                aria-label={`Accept ${nameOf(r, r.sender_id)}`}
                onClick={() => run(() => social.accept(r.id))}
              >
                Accept
              </button>
              <button
                type="button"
                aria-label={`Decline ${nameOf(r, r.sender_id)}`}
                onClick={() => run(() => social.dismissRequest(r.id))}
              >
                Decline
              </button>
            </PersonRow>
          ))}
        </ul>
      )}
      {outgoing.length > 0 && (
        <ul className="settings-list" aria-label="Outgoing requests">
          {outgoing.map((r) => (
            <PersonRow key={r.id} profileId={r.recipient_id} sub="Outgoing request">
              <button
                type="button"
                aria-label={`Cancel request to ${nameOf(r, r.recipient_id)}`}
                onClick={() => run(() => social.dismissRequest(r.id))}
              >
                Cancel
              </button>
            </PersonRow>
          ))}
        </ul>
      )}
    </>
  );
}

function BlockedList() {
  const blocked = useSocial((s) => s.blocked);
  const profiles = useProfiles((s) => s.byId);
  const run = useRowAction();
  if (blocked.length === 0) return <p className="hint">You have not blocked anyone.</p>;
  return (
    <ul className="settings-list" aria-label="Blocked users">
      {blocked.map((id) => (
        <PersonRow key={id} profileId={id} sub="Blocked">
          <button
            type="button"
            aria-label={`Unblock ${profileName(profiles[id]) ?? 'user'}`}
            onClick={() => run(() => stores.social.getState().unblock(id))}
          >
            Unblock
          </button>
        </PersonRow>
      ))}
    </ul>
  );
}
