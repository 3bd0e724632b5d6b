import { Pin, Search } from 'lucide-react';
import { useServers, useUi } from '../app/stores.js';
import { CallButton } from '../features/calls/CallButton.js';
import { ChannelNotificationButton } from '../features/notification-settings/ChannelNotificationButton.js';
import { IconButton } from '../ui/IconButton.js';
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

/** Search, pinned messages and notifications for the channel header. */
export function ChannelHeaderActions({ channelId }: { channelId: string }) {
  const serverId = useUi((s) => s.activeServerId);
  const openModal = useUi((s) => s.openModal);
  const dm = useDm(channelId);
  return (
    <div className="header-actions">
      {dm?.type === 'dm' && <CallButton channelId={channelId} />}
      <IconButton
        label={serverId ? 'Search this server' : 'Search this conversation'}
        icon={Search}
        onClick={() => openModal({ kind: 'search', serverId, channelId })}
      />
      <IconButton label="Pinned messages" icon={Pin} onClick={() => openModal({ kind: 'pins', channelId })} />
      <ChannelNotificationButton channelId={channelId} />
      <NotificationsBell />
    </div>
  );
}
