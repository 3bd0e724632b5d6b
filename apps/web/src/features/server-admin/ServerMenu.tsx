import {
  BellRing,
  ChevronDown,
  FolderPlus,
  LogOut,
  Pencil,
  PlusCircle,
  Settings,
  UserPlus,
  X,
} from 'lucide-react';
import { stores } from '../../app/stores.js';
import { MenuButton, type MenuItem } from '../../ui/MenuButton.js';
import { useServerPermission } from '../access/use-permissions.js';
import { useModerationSettings } from '../moderation/member-access.js';
import './server-admin.css';

/** Server settings hold the server's own settings, roles, overwrites, bans and moderation tabs. */
export function useCanOpenServerSettings(serverId: string | null): boolean {
  const canManageServer = useServerPermission(serverId, 'MANAGE_GUILD');
  const canManageRoles = useServerPermission(serverId, 'MANAGE_ROLES');
  const canBan = useServerPermission(serverId, 'BAN_MEMBERS');
  const canModerate = useModerationSettings(serverId);
  return canManageServer || canManageRoles || canBan || canModerate;
}

/**
 * The server's name as a menu button, as Discord has it: what the member may do about the
 * server (settings, new channels and categories, invites with the permissions for them;
 * notification settings, their nickname and leaving for everyone). A WAI-ARIA menu button.
 */
export function ServerMenu({ serverId, name }: { serverId: string; name: string }) {
  const canSettings = useCanOpenServerSettings(serverId);
  const canManageChannels = useServerPermission(serverId, 'MANAGE_CHANNELS');
  const canInvite = useServerPermission(serverId, 'CREATE_INSTANT_INVITE');
  const canNickname = useServerPermission(serverId, 'CHANGE_NICKNAME');
  const { openModal } = stores.ui.getState();
  const memberDialog = (dialog: 'notifications' | 'nickname' | 'leave') => () =>
    openModal({ kind: 'memberSettings', dialog, serverId });
  const items: MenuItem[] = [
    ...(canSettings
      ? [
          {
            key: 'settings',
            label: 'Server settings',
            icon: Settings,
            onSelect: () => openModal({ kind: 'serverSettings', serverId }),
          },
        ]
      : []),
    ...(canManageChannels
      ? [
          {
            key: 'channel',
            label: 'Create channel',
            icon: PlusCircle,
            onSelect: () => openModal({ kind: 'createChannel', serverId, type: 'text' }),
          },
          {
            key: 'category',
            label: 'Create category',
            icon: FolderPlus,
            onSelect: () => openModal({ kind: 'category', serverId }),
          },
        ]
      : []),
    ...(canInvite
      ? [
          {
            key: 'invite',
            label: 'Invite people',
            icon: UserPlus,
            onSelect: () => openModal({ kind: 'invite', serverId }),
          },
        ]
      : []),
    {
      key: 'notifications',
      label: 'Notification settings',
      icon: BellRing,
      onSelect: memberDialog('notifications'),
    },
    ...(canNickname
      ? [{ key: 'nickname', label: 'Change nickname', icon: Pencil, onSelect: memberDialog('nickname') }]
      : []),
    // The owner too: the dialog says to transfer ownership first.
    { key: 'leave', label: 'Leave server', icon: LogOut, onSelect: memberDialog('leave'), danger: true },
  ];

  return (
    <MenuButton
      className="server-menu"
      buttonClassName="server-menu-button"
      menuLabel="Server menu"
      items={items}
      trigger={(open) => {
        const Toggle = open ? X : ChevronDown;
        return (
          <>
            <span className="server-menu-name">{name}</span>
            <Toggle aria-hidden="true" size={18} />
          </>
        );
      }}
    />
  );
}
