import { useServers } from '../../app/stores.js';
import { useChannelTitle } from '../../components/ChannelHeaderActions.js';
import { NotificationSettingsDialog } from '../notification-settings/NotificationSettingsDialog.js';
import { LeaveServerDialog } from './LeaveServerDialog.js';
import { NicknameDialog } from './NicknameDialog.js';

export type MemberSettingsDialog = 'notifications' | 'nickname' | 'leave';

export interface MemberSettingsModal {
  kind: 'memberSettings';
  dialog: MemberSettingsDialog;
  /** null for a DM's notification settings. */
  serverId: string | null;
  channelId?: string;
}

/** The title of a member-settings dialog: what it is about, named. */
export function useMemberDialogTitle(modal: MemberSettingsModal): string {
  const serverName = useServers((s) => s.servers.find((x) => x.id === modal.serverId)?.name ?? 'server');
  const channel = useChannelTitle(modal.channelId ?? '');
  switch (modal.dialog) {
    case 'notifications':
      return modal.channelId
        ? `Notifications for ${channel.prefix}${channel.name}`
        : `Notifications for ${serverName}`;
    case 'nickname':
      return `Nickname in ${serverName}`;
    case 'leave':
      return `Leave ${serverName}`;
  }
}

export function MemberSettingsBody({ modal }: { modal: MemberSettingsModal }) {
  if (modal.dialog === 'notifications')
    return <NotificationSettingsDialog serverId={modal.serverId} channelId={modal.channelId} />;
  if (!modal.serverId) return null;
  return modal.dialog === 'nickname' ? (
    <NicknameDialog serverId={modal.serverId} />
  ) : (
    <LeaveServerDialog serverId={modal.serverId} />
  );
}
