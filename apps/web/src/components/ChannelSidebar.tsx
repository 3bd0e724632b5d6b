import { useId } from 'react';
import { stores, useAuth, useServers, useUi, useUnread } from '../app/stores.js';
import { useServerPermission } from '../features/access/use-permissions.js';
import { go } from '../lib/route.js';
import type { Channel } from '../lib/types.js';
import { DmList } from './dms/DmList.js';
import { UnreadMarks } from './ServerRail.js';
import { VoicePanel } from './VoicePanel.js';

function ChannelLink({ channel, serverId }: { channel: Channel; serverId: string }) {
  const active = useUi((s) => s.activeChannelId === channel.id);
  const unread = useUnread((s) => s.byChannel[channel.id]);
  const marksId = useId();
  const presence = useUi((s) => s.presence[serverId]);
  const members = useServers((s) => s.details[serverId]?.members);
  const inVoice =
    channel.type === 'voice'
      ? Object.values(presence ?? {}).filter((p) => p.voiceChannelId === channel.id)
      : [];
  const name = (id: string) => {
    const m = members?.find((x) => x.profile_id === id);
    return m?.nickname ?? m?.profile.display_name ?? m?.profile.username ?? 'someone';
  };
  return (
    <li>
      <button
        type="button"
        className={`channel-link${active ? ' active' : ''}${unread?.unread ? ' unread' : ''}`}
        aria-current={active ? 'page' : undefined}
        aria-describedby={marksId}
        onClick={() => {
          stores.ui.getState().setChannelListOpen(false);
          go({ kind: 'channel', serverId, channelId: channel.id });
          if (channel.type === 'voice') void stores.voice.getState().join(channel.id);
        }}
      >
        <span aria-hidden="true">{channel.type === 'voice' ? '🔊' : '#'}</span>
        <span className="channel-name">{channel.name}</span>
        <UnreadMarks id={marksId} unread={Boolean(unread?.unread)} mentions={unread?.mentions ?? 0} />
      </button>
      {inVoice.length > 0 && (
        <ul className="voice-occupants" aria-label={`In ${channel.name}`}>
          {inVoice.map((p) => (
            <li key={p.profileId}>{name(p.profileId)}</li>
          ))}
        </ul>
      )}
    </li>
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

  const uncategorised = detail?.channels.filter((c) => !c.category_id) ?? [];

  return (
    <aside className="channel-sidebar" aria-label="Channels">
      <header className="sidebar-header">
        <h2>{server?.name ?? 'Direct messages'}</h2>
        {serverId && (
          <div className="sidebar-actions">
            {canInvite && (
              <button type="button" onClick={() => openModal({ kind: 'invite', serverId })}>
                Invite
              </button>
            )}
            {(canManageServer || canManageRoles || canBan) && (
              <button
                type="button"
                aria-label="Server settings"
                onClick={() => openModal({ kind: 'serverSettings', serverId })}
              >
                ⚙
              </button>
            )}
          </div>
        )}
      </header>
      {serverId && detail && (
        <div className="channel-list">
          {uncategorised.length > 0 && (
            <ul>
              {uncategorised.map((c) => (
                <ChannelLink key={c.id} channel={c} serverId={serverId} />
              ))}
            </ul>
          )}
          {detail.categories.map((category) => (
            <section key={category.id} aria-label={category.name}>
              <h3 className="category">
                {category.name}
                {canManageChannels && (
                  <button
                    type="button"
                    aria-label={`Create channel in ${category.name}`}
                    onClick={() => openModal({ kind: 'createChannel', serverId, categoryId: category.id })}
                  >
                    +
                  </button>
                )}
              </h3>
              <ul>
                {detail.channels
                  .filter((c) => c.category_id === category.id)
                  .map((c) => (
                    <ChannelLink key={c.id} channel={c} serverId={serverId} />
                  ))}
              </ul>
            </section>
          ))}
        </div>
      )}
      {!serverId && <DmList />}
      <VoicePanel />
      <footer className="user-panel">
        <span className="user-name">{profile?.display_name ?? profile?.username}</span>
        <button type="button" aria-label="User settings" onClick={() => openModal({ kind: 'userSettings' })}>
          ⚙
        </button>
      </footer>
    </aside>
  );
}
