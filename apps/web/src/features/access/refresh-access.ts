import type { StoreApi } from 'zustand/vanilla';
import { inBackground } from '../../lib/coalesce.js';
import { go } from '../../lib/route.js';
import type { ServersState } from '../../stores/servers.js';
import type { UiState } from '../../stores/ui.js';
import type { MembershipRemoval, OwnAccessHandlers } from './access-events.js';

export interface AccessRefresherDeps {
  servers: StoreApi<ServersState>;
  ui: StoreApi<UiState>;
  /** Starts or stops the server's live structure and presence. */
  watchServer(serverId: string): void;
  unwatchServer(serverId: string): void;
  /** Which channels are readable decides what counts as unread. */
  reloadUnread(): Promise<void>;
}

export interface AccessRefresher extends OwnAccessHandlers {
  serverChanged(serverId: string): Promise<void>;
  /** The server was deleted: its removal is announced as such. */
  serverDeleted(serverId: string): void;
}

/**
 * What the client does when access may have changed: reload what decides it (the store then
 * recomputes permissions, so the sidebar, composer and open view follow), and leave a server
 * the user is no longer in, saying so.
 */
export function createAccessRefresher(deps: AccessRefresherDeps): AccessRefresher {
  const servers = () => deps.servers.getState();
  /** Servers removed by a ban, from the event that said so. */
  const banned = new Set<string>();
  /** Servers their owner deleted (server_delete). */
  const deleted = new Set<string>();
  /** Servers already left: overlapping refreshes announce a removal once. */
  const gone = new Set<string>();

  const refreshMemberships = async () => {
    const before = servers().servers;
    await servers().loadServers();
    const after = new Set(servers().servers.map((s) => s.id));
    for (const server of before) {
      if (after.has(server.id) || gone.has(server.id)) continue;
      gone.add(server.id);
      deps.unwatchServer(server.id);
      servers().forget(server.id);
      if (deps.ui.getState().activeServerId === server.id) go({ kind: 'dm', channelId: null });
      deps.ui
        .getState()
        .toast(
          deleted.delete(server.id)
            ? `${server.name} was deleted by its owner.`
            : banned.delete(server.id)
              ? `You were banned from ${server.name}.`
              : `You are no longer a member of ${server.name}.`,
          'info',
        );
    }
    for (const id of after) {
      gone.delete(id);
      if (!before.some((s) => s.id === id)) deps.watchServer(id);
    }
    inBackground(deps.reloadUnread());
    return after;
  };

  return {
    async serverChanged(serverId) {
      const mine = await refreshMemberships();
      if (mine.has(serverId)) await servers().loadServer(serverId);
    },

    serverDeleted(serverId) {
      deleted.add(serverId);
      inBackground(refreshMemberships());
    },

    membershipChanged(removal?: MembershipRemoval) {
      if (removal?.banned) banned.add(removal.serverId);
      inBackground(refreshMemberships());
    },
  };
}
