import { BellOff, BellRing } from 'lucide-react';
import { stores, useNotificationPrefs, useUi } from '../../app/stores.js';
import { IconButton } from '../../ui/IconButton.js';
import { isMuted } from './prefs-store.js';

/** Opens the channel's notification settings; shows whether it is muted. */
export function ChannelNotificationButton({ channelId }: { channelId: string }) {
  const serverId = useUi((s) => s.activeServerId);
  const muted = useNotificationPrefs((s) => isMuted(s.channels[channelId]));
  useNotificationPrefs((s) => s.clock);
  return (
    <IconButton
      label={muted ? 'Channel muted: notification settings' : 'Channel notification settings'}
      icon={muted ? BellOff : BellRing}
      onClick={() =>
        stores.ui
          .getState()
          .openModal({ kind: 'memberSettings', dialog: 'notifications', serverId, channelId })
      }
    />
  );
}
