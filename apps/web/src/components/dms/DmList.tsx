import { stores, useSocial, useUi, useUnread } from '../../app/stores.js';
import { describeError } from '../../lib/errors.js';
import { badgeText } from '../../lib/notification-view.js';
import { go } from '../../lib/route.js';
import type { DmChannel } from '../../stores/social.js';
import { useDmName } from './use-dm-name.js';

/** The home sidebar: Friends, then the user's DMs and group DMs, most recent first. */
export function DmList() {
  const dms = useSocial((s) => s.dms);
  const activeChannelId = useUi((s) => s.activeChannelId);
  const pending = useSocial((s) => s.incoming.length);
  const openModal = useUi((s) => s.openModal);
  const shown = dms.filter((dm) => !dm.closed || dm.id === activeChannelId);

  return (
    <div className="channel-list dm-list">
      <button
        type="button"
        className={`channel-link friends-link${activeChannelId === null ? ' active' : ''}`}
        aria-current={activeChannelId === null ? 'page' : undefined}
        onClick={() => {
          stores.social.getState().setFriendsOpen(true);
          go({ kind: 'dm', channelId: null });
        }}
      >
        <span aria-hidden="true">👋</span>
        <span className="channel-name">Friends</span>
        {pending > 0 && (
          <span className="badge">
            {badgeText(pending)}
            <span className="sr-only"> pending requests</span>
          </span>
        )}
      </button>
      <h3 className="category">
        Direct messages
        <button
          type="button"
          aria-label="Create group DM"
          onClick={() => openModal({ kind: 'createGroupDm' })}
        >
          +
        </button>
      </h3>
      {shown.length === 0 && (
        <p className="hint dm-empty">No conversations yet. Message a friend to start one.</p>
      )}
      <ul aria-label="Direct messages">
        {shown.map((dm) => (
          <DmLink key={dm.id} dm={dm} active={dm.id === activeChannelId} />
        ))}
      </ul>
    </div>
  );
}

function DmLink({ dm, active }: { dm: DmChannel; active: boolean }) {
  const name = useDmName(dm);
  const unread = useUnread((s) => s.byChannel[dm.id]?.unread ?? 0);
  const close = () => {
    stores.social
      .getState()
      .closeDm(dm.id)
      .then(() => {
        if (active) go({ kind: 'dm', channelId: null });
      })
      .catch((e: unknown) => stores.ui.getState().toast(describeError(e)));
  };
  return (
    <li className="dm-item">
      <button
        type="button"
        className={`channel-link${active ? ' active' : ''}${unread > 0 ? ' unread' : ''}`}
        aria-current={active ? 'page' : undefined}
        onClick={() => {
          stores.social.getState().setFriendsOpen(false);
          go({ kind: 'dm', channelId: dm.id });
        }}
      >
        <span className="dm-avatar" aria-hidden="true">
          {dm.type === 'group_dm' ? '👥' : name.slice(0, 1).toUpperCase()}
        </span>
        <span className="channel-name">{name}</span>
        {dm.type === 'group_dm' && (
          <span className="sr-only"> (group, {dm.recipientIds.length} members)</span>
        )}
        {unread > 0 && (
          <span className="badge">
            {badgeText(unread)}
            <span className="sr-only"> unread</span>
          </span>
        )}
      </button>
      <button
        type="button"
        className="dm-close"
        aria-label={`Close conversation with ${name}`}
        onClick={close}
      >
        ×
      </button>
    </li>
  );
}
