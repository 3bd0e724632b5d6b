import { Pin, Search, Users } from 'lucide-react';
import { useServers, useUi } from '../app/stores.js';
import { CallButton } from '../features/calls/CallButton.js';
import { ChannelNotificationButton } from '../features/notification-settings/ChannelNotificationButton.js';
import { ThreadsHeaderButton } from '../features/threads/ThreadActions.js';
import { IconButton } from '../ui/IconButton.js';
import { ChannelMoreMenu } from './ChannelMoreMenu.js';
import './channel-header.css';
import { useDm, useDmName } from './dms/use-dm-name.js';
import { NotificationsBell } from './NotificationsPanel.js';

/** What a channel is called in its header: `#name` in servers, the other person's name in DMs. */
export function useChannelTitle(channelId: string): { prefix: string; name: string } {
  const serverChannelName = useServers((s) => {
    for (const detail of Object.values(s.details)) {
      const found = detail.channels.find((c) => c.id === channelId);
      if (found) return found.name ?? '';
    }
    return undefined;
  });
  const dm = useDm(channelId);
  const dmName = useDmName(dm);
  if (serverChannelName !== undefined) return { prefix: '#', name: serverChannelName };
  if (dm) return { prefix: dm.type === 'dm' ? '@' : '', name: dmName };
  return { prefix: '', name: '' };
}

/**
 * Search, pinned messages, notifications and the member list toggle for the channel header; on
 * narrow screens the less used ones are in a "…" menu (channel-header.css).
 */
export function ChannelHeaderActions({
  channelId,
  onToggleMembers,
}: {
  channelId: string;
  /** Shows the member list toggle (channels that have a member list). */
  onToggleMembers?: () => void;
}) {
  const serverId = useUi((s) => s.activeServerId);
  const openModal = useUi((s) => s.openModal);
  const dm = useDm(channelId);
  return (
    <div className="header-actions">
      {dm && <CallButton channelId={channelId} />}
      <IconButton
        label={serverId ? 'Search this server' : 'Search this conversation'}
        icon={Search}
        onClick={() => openModal({ kind: 'search', serverId, channelId })}
      />
      <span className="header-wide">
        <IconButton
          label="Pinned messages"
          icon={Pin}
          onClick={() => openModal({ kind: 'pins', channelId })}
        />
        <ChannelNotificationButton channelId={channelId} />
      </span>
      <ThreadsHeaderButton channelId={channelId} />
      <NotificationsBell />
      {onToggleMembers && (
        <IconButton
          className="header-wide"
          label="Toggle member list"
          icon={Users}
          onClick={onToggleMembers}
        />
      )}
      <ChannelMoreMenu channelId={channelId} memberList={Boolean(onToggleMembers)} />
    </div>
  );
}
