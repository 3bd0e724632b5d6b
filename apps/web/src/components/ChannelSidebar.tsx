import { FolderPlus, Hash, Plus, Settings, UserPlus, Volume2 } from 'lucide-react';
import { useId } from 'react';
import { stores, useAuth, useServers, useUi } from '../app/stores.js';
import { useServerPermission } from '../features/access/use-permissions.js';
import { ChannelTree } from '../features/channels/ChannelTree.js';
import { useModerationSettings } from '../features/moderation/member-access.js';
import { useChannelMarks } from '../features/notification-settings/use-marks.js';
import { ServerMenu } from '../features/server-admin/ServerMenu.js';
import { VoiceOccupants } from '../features/voice/VoiceOccupants.js';
import { go } from '../lib/route.js';
import type { Channel } from '../lib/types.js';
import { Avatar } from '../ui/Avatar.js';
import { IconButton } from '../ui/IconButton.js';
import { DmList } from './dms/DmList.js';
import { UnreadMarks } from './ServerRail.js';
import { VoicePanel } from './VoicePanel.js';

function ChannelLink({ channel, serverId }: { channel: Channel; serverId: string }) {
  const active = useUi((s) => s.activeChannelId === channel.id);
  // Unread and mentions after the member's notification levels and mutes.
  const marks = useChannelMarks(channel.id);
  const marksId = useId();
  const Icon = channel.type === 'voice' ? Volume2 : Hash;
  return (
    <>
      <button
        type="button"
        className={`channel-link${active ? ' active' : ''}${marks.unread ? ' unread' : ''}${marks.muted ? ' muted' : ''}`}
        aria-current={active ? 'page' : undefined}
        aria-describedby={marksId}
        onClick={() => {
          stores.ui.getState().setChannelListOpen(false);
          go({ kind: 'channel', serverId, channelId: channel.id });
          if (channel.type === 'voice') void stores.voice.getState().join(channel.id);
        }}
      >
        <Icon aria-hidden="true" size={18} className="channel-icon" />
        <span className="channel-name">{channel.name}</span>
        <UnreadMarks id={marksId} unread={marks.unread} mentions={marks.mentions} />
      </button>
      <VoiceOccupants channel={channel} serverId={serverId} />
    </>
  );
}

export function ChannelSidebar() {
  const serverId = useUi((s) => s.activeServerId);
  const server = useServers((s) => s.servers.find((x) => x.id === serverId));
  const detail = useServers((s) => (serverId ? s.details[serverId] : undefined));
  const profile = useAuth((s) => s.profile);
  const openModal = useUi((s) => s.openModal);
  const canManageChannels = useServerPermission(serverId, 'MANAGE_CHANNELS');
  const canInvite = useServerPermission(serverId, 'CREATE_INSTANT_INVITE');
  const canManageServer = useServerPermission(serverId, 'MANAGE_GUILD');
  // Server settings also hold roles, overwrites and bans.
  const canManageRoles = useServerPermission(serverId, 'MANAGE_ROLES');
  const canBan = useServerPermission(serverId, 'BAN_MEMBERS');
  const canModerate = useModerationSettings(serverId);

  return (
    <aside className="channel-sidebar" aria-label="Channels">
      <header className="sidebar-header">
        <h2>{server?.name ?? 'Direct messages'}</h2>
        {serverId && (
          <div className="sidebar-actions">
            {canManageChannels && (
              <>
                <IconButton
                  label="Create channel"
                  icon={Plus}
                  onClick={() => openModal({ kind: 'createChannel', serverId, type: 'text' })}
                />
                <IconButton
                  label="Create category"
                  icon={FolderPlus}
                  onClick={() => openModal({ kind: 'category', serverId })}
                />
              </>
            )}
            {canInvite && (
              <IconButton
                label="Invite"
                icon={UserPlus}
                onClick={() => openModal({ kind: 'invite', serverId })}
              />
            )}
            {(canManageServer || canManageRoles || canBan || canModerate) && (
              <IconButton
                label="Server settings"
                icon={Settings}
                onClick={() => openModal({ kind: 'serverSettings', serverId })}
              />
            )}
            <ServerMenu serverId={serverId} />
          </div>
        )}
      </header>
      {serverId && detail && (
        <div className="channel-list">
          <ChannelTree
            serverId={serverId}
            renderChannel={(c) => <ChannelLink channel={c} serverId={serverId} />}
          />
        </div>
      )}
      {!serverId && <DmList />}
      <VoicePanel />
      <footer className="user-panel">
        {profile && (
          <Avatar
            id={profile.id}
            name={profile.display_name ?? profile.username}
            url={profile.avatar_url}
            size={32}
          />
        )}
        <span className="user-name">{profile?.display_name ?? profile?.username}</span>
        <IconButton
          label="User settings"
          icon={Settings}
          tooltip="top"
          onClick={() => openModal({ kind: 'userSettings' })}
        />
      </footer>
    </aside>
  );
}
