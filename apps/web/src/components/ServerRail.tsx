import { useServers, useUi } from '../app/stores.js';
import { go } from '../lib/route.js';

function initials(name: string): string {
  return name
    .split(/\s+/)
    .map((w) => w[0])
    .join('')
    .slice(0, 3)
    .toUpperCase();
}

export function ServerRail() {
  const servers = useServers((s) => s.servers);
  const unread = useServers((s) => s.unread);
  const details = useServers((s) => s.details);
  const active = useUi((s) => s.activeServerId);
  const openModal = useUi((s) => s.openModal);

  const hasUnread = (serverId: string) =>
    details[serverId]?.channels.some((c) => (unread[c.id]?.unread ?? 0) > 0) ?? false;

  return (
    <nav className="server-rail" aria-label="Servers">
      <button
        type="button"
        className={`rail-item home${active === null ? ' active' : ''}`}
        aria-label="Direct messages"
        onClick={() => go({ kind: 'dm', channelId: null })}
      >
        H
      </button>
      <hr />
      {servers.map((server) => (
        <button
          type="button"
          key={server.id}
          className={`rail-item${active === server.id ? ' active' : ''}${hasUnread(server.id) ? ' unread' : ''}`}
          aria-label={server.name}
          aria-current={active === server.id ? 'page' : undefined}
          title={server.name}
          onClick={() => go({ kind: 'channel', serverId: server.id, channelId: null })}
        >
          {server.icon_url ? <img src={server.icon_url} alt="" /> : initials(server.name)}
        </button>
      ))}
      <button
        type="button"
        className="rail-item add"
        aria-label="Create a server"
        onClick={() => openModal({ kind: 'createServer' })}
      >
        +
      </button>
      <button
        type="button"
        className="rail-item join"
        aria-label="Join a server"
        onClick={() => openModal({ kind: 'joinServer' })}
      >
        ⇥
      </button>
    </nav>
  );
}
