import { Compass, MessageCircle, Plus } from 'lucide-react';
import { useId } from 'react';
import { useNotificationPrefs, useServers, useUi } from '../app/stores.js';
import { isMuted } from '../features/notification-settings/prefs-store.js';
import { useShownTotals } from '../features/notification-settings/use-marks.js';
import { go } from '../lib/route.js';
import { Avatar } from '../ui/Avatar.js';
import { Badge } from '../ui/Badge.js';

/**
 * A server's (or the DM home's) mention count; unread state and mentions are the button's
 * description for screen readers, so its name stays the server's name.
 */
export function UnreadMarks({ id, unread, mentions }: { id: string; unread: boolean; mentions: number }) {
  const words =
    mentions > 0 ? `${mentions} mention${mentions === 1 ? '' : 's'}` : unread ? 'Unread messages' : '';
  return (
    <>
      <Badge count={mentions} />
      <span id={id} hidden>
        {words}
      </span>
    </>
  );
}

const NONE = { unread: false, mentions: 0 };

export function ServerRail() {
  const servers = useServers((s) => s.servers);
  // After the member's notification levels and mutes.
  const totals = useShownTotals();
  const serverPrefs = useNotificationPrefs((s) => s.servers);
  useNotificationPrefs((s) => s.clock);
  const ids = useId();
  const active = useUi((s) => s.activeServerId);
  const openModal = useUi((s) => s.openModal);
  const dms = totals[''] ?? NONE;

  return (
    <nav className="server-rail" aria-label="Servers">
      <button
        type="button"
        className={`rail-item home${active === null ? ' active' : ''}${dms.unread ? ' unread' : ''}`}
        aria-label="Direct messages"
        data-tooltip="Direct messages"
        data-tooltip-side="right"
        aria-describedby={`${ids}-dms`}
        onClick={() => go({ kind: 'dm', channelId: null })}
      >
        <MessageCircle aria-hidden="true" size={22} />
        <UnreadMarks id={`${ids}-dms`} {...dms} />
      </button>
      <hr />
      {servers.map((server) => {
        const total = totals[server.id] ?? NONE;
        return (
          <button
            type="button"
            key={server.id}
            className={`rail-item${active === server.id ? ' active' : ''}${total.unread ? ' unread' : ''}${isMuted(serverPrefs[server.id]) ? ' muted' : ''}`}
            aria-label={server.name}
            aria-current={active === server.id ? 'page' : undefined}
            aria-describedby={`${ids}-${server.id}`}
            data-tooltip={server.name}
            data-tooltip-side="right"
            onClick={() => go({ kind: 'channel', serverId: server.id, channelId: null })}
          >
            <Avatar id={server.id} name={server.name} url={server.icon_url} size={48} shape="rounded" />
            <UnreadMarks id={`${ids}-${server.id}`} {...total} />
          </button>
        );
      })}
      <button
        type="button"
        className="rail-item add"
        aria-label="Create a server"
        data-tooltip="Create a server"
        data-tooltip-side="right"
        onClick={() => openModal({ kind: 'createServer' })}
      >
        <Plus aria-hidden="true" size={22} />
      </button>
      <button
        type="button"
        className="rail-item join"
        aria-label="Join a server"
        data-tooltip="Join a server"
        data-tooltip-side="right"
        onClick={() => openModal({ kind: 'joinServer' })}
      >
        <Compass aria-hidden="true" size={22} />
      </button>
    </nav>
  );
}
