import { BellOff, BellRing, Ellipsis, Pin, Users } from 'lucide-react';
import { stores, useNotificationPrefs, useUi } from '../app/stores.js';
import { isMuted } from '../features/notification-settings/prefs-store.js';
import { MenuButton, type MenuItem } from '../ui/MenuButton.js';

/**
 * On narrow screens the channel header keeps search and the notifications bell; pinned
 * messages, the channel's notification settings and the member list move into this "…" menu
 * (CSS shows either the menu or those buttons).
 */
export function ChannelMoreMenu({ channelId, memberList }: { channelId: string; memberList: boolean }) {
  const serverId = useUi((s) => s.activeServerId);
  const membersOpen = useUi((s) => s.memberListOpen);
  const muted = useNotificationPrefs((s) => isMuted(s.channels[channelId]));
  const ui = stores.ui.getState();
  const items: MenuItem[] = [
    {
      key: 'pins',
      label: 'Pinned messages',
      icon: Pin,
      onSelect: () => ui.openModal({ kind: 'pins', channelId }),
    },
    {
      key: 'notifications',
      label: muted ? 'Channel muted: notification settings' : 'Channel notification settings',
      icon: muted ? BellOff : BellRing,
      onSelect: () => ui.openModal({ kind: 'memberSettings', dialog: 'notifications', serverId, channelId }),
    },
    ...(memberList
      ? [
          {
            key: 'members',
            label: membersOpen ? 'Hide member list' : 'Show member list',
            icon: Users,
            onSelect: ui.toggleMemberList,
          },
        ]
      : []),
  ];
  return (
    <MenuButton
      className="header-narrow"
      buttonClassName="icon-button"
      buttonLabel="More channel actions"
      menuLabel="Channel actions"
      align="end"
      items={items}
      trigger={() => <Ellipsis aria-hidden="true" size={18} />}
    />
  );
}
