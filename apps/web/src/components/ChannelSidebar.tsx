import { Hash, Settings, Volume2 } from 'lucide-react';
import { useId } from 'react';
import { stores, useAuth, useServers, useUi } from '../app/stores.js';
import { ChannelTree } from '../features/channels/ChannelTree.js';
import { RemoteServerNote } from '../features/federation/RemoteServerNote.js';
import { useChannelMarks } from '../features/notification-settings/use-marks.js';
import { ServerMenu, useCanOpenServerSettings } from '../features/server-admin/ServerMenu.js';
import { SidebarThreads } from '../features/threads/SidebarThreads.js';
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
      {channel.type === 'text' && <SidebarThreads serverId={serverId} parentId={channel.id} />}
    </>
  );
}

export function ChannelSidebar() {
  const serverId = useUi((s) => s.activeServerId);
  const server = useServers((s) => s.servers.find((x) => x.id === serverId));
  const detail = useServers((s) => (serverId ? s.details[serverId] : undefined));
  const profile = useAuth((s) => s.profile);
  const openModal = useUi((s) => s.openModal);
  const canOpenSettings = useCanOpenServerSettings(serverId);

  return (
    <aside className="channel-sidebar" aria-label="Channels">
      <header className="sidebar-header">
        <h2 className={serverId ? 'server-heading' : undefined}>
          {serverId ? <ServerMenu serverId={serverId} name={server?.name ?? ''} /> : 'Direct messages'}
        </h2>
        {serverId && canOpenSettings && (
          <IconButton
            label="Server settings"
            icon={Settings}
            onClick={() => openModal({ kind: 'serverSettings', serverId })}
          />
        )}
      </header>
      {server && <RemoteServerNote ownerId={server.owner_id} />}
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
