import { Plus, Users, X } from 'lucide-react';
import { useId } from 'react';
import { stores, useProfiles, useSocial, useUi, useUnread } from '../../app/stores.js';
import { useChannelMarks } from '../../features/notification-settings/use-marks.js';
import { describeError } from '../../lib/errors.js';
import { go } from '../../lib/route.js';
import { type DmChannel, dmPartner } from '../../stores/social.js';
import { Avatar } from '../../ui/Avatar.js';
import { Badge } from '../../ui/Badge.js';
import { IconButton } from '../../ui/IconButton.js';
import { useDmName } from './use-dm-name.js';

/** The home sidebar: Friends, then the user's DMs and group DMs, most recent first. */
export function DmList() {
  const dms = useSocial((s) => s.dms);
  const activeChannelId = useUi((s) => s.activeChannelId);
  const pending = useSocial((s) => s.incoming.length);
  const openModal = useUi((s) => s.openModal);
  const pendingId = useId();
  const shown = dms.filter((dm) => !dm.closed || dm.id === activeChannelId);

  return (
    <div className="channel-list dm-list">
      <button
        type="button"
        className={`channel-link friends-link${activeChannelId === null ? ' active' : ''}`}
        aria-current={activeChannelId === null ? 'page' : undefined}
        aria-describedby={pendingId}
        onClick={() => {
          stores.social.getState().setFriendsOpen(true);
          go({ kind: 'dm', channelId: null });
        }}
      >
        <Users aria-hidden="true" size={18} className="channel-icon" />
        <span className="channel-name">Friends</span>
        {pending > 0 && <Badge count={pending} />}
        <span id={pendingId} hidden>
          {pending > 0 ? `${pending} pending friend request${pending === 1 ? '' : 's'}` : ''}
        </span>
      </button>
      <h3 className="category">
        Direct messages
        <IconButton
          label="Create group DM"
          icon={Plus}
          size={16}
          tooltip="top"
          onClick={() => openModal({ kind: 'createGroupDm' })}
        />
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
  const me = useSocial((s) => s.me);
  const partner = dmPartner(dm, me);
  const partnerProfile = useProfiles((s) => (partner ? s.byId[partner] : undefined));
  // A muted DM shows no unread count.
  const state = useUnread((s) => s.byChannel[dm.id]);
  const unread = useChannelMarks(dm.id).unread ? (state?.unread ?? 0) : 0;
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
        {dm.type === 'group_dm' ? (
          <span className="avatar circle group-avatar" aria-hidden="true">
            <Users size={16} />
          </span>
        ) : (
          <Avatar id={partner ?? dm.id} name={name} url={partnerProfile?.avatar_url} size={32} />
        )}
        <span className="channel-name">{name}</span>
        {dm.type === 'group_dm' && (
          <span className="sr-only"> (group, {dm.recipientIds.length} members)</span>
        )}
        {unread > 0 && (
          <>
            <Badge count={unread} />
            <span className="sr-only"> unread</span>
          </>
        )}
      </button>
      <IconButton
        label={`Close conversation with ${name}`}
        icon={X}
        size={14}
        className="dm-close"
        onClick={close}
      />
    </li>
  );
}
