import type { StoreApi } from 'zustand/vanilla';
import type { RealtimeConnectionManager } from '../../lib/realtime.js';
import type { HarmonyClient } from '../../lib/supabase.js';
import type { ServersState } from '../../stores/servers.js';
import type { UnreadStoreState } from '../unread/unread-store.js';
import { type AccessRules, fetchAccessRules, isOpenChannel } from './open-channels.js';

export interface UnreadTopicsDeps {
  client: HarmonyClient;
  servers: StoreApi<ServersState>;
  unread: StoreApi<UnreadStoreState>;
  realtime(): RealtimeConnectionManager | null;
}

/**
 * Tells the realtime manager which channels count as unread: the ones the last full unread load
 * found readable. Those every member of their server sees arrive on the server's topic; the
 * restricted ones only on their own, which the manager then joins. Servers not opened yet have
 * no details loaded: their rules are fetched once per unread load (loads follow access changes).
 */
export function createUnreadTopicsSync(deps: UnreadTopicsDeps): () => Promise<void> {
  let run = 0;
  let rulesOfLoad = -1;
  let fetched: Record<string, AccessRules> | null = {};

  return async () => {
    if (!deps.realtime()) return;
    const mine = ++run;
    const { servers, details } = deps.servers.getState();
    const { byChannel, loads } = deps.unread.getState();
    const readable = new Map<string, string[]>();
    for (const [channelId, { serverId }] of Object.entries(byChannel))
      if (serverId) readable.set(serverId, [...(readable.get(serverId) ?? []), channelId]);
    const missing = servers.filter((s) => !details[s.id] && readable.has(s.id)).map((s) => s.id);
    if (rulesOfLoad !== loads || missing.some((id) => fetched && !fetched[id])) {
      rulesOfLoad = loads;
      fetched = missing.length ? await fetchAccessRules(deps.client, missing) : {};
      if (mine !== run) return;
    }
    const manager = deps.realtime();
    for (const server of servers) {
      const ids = readable.get(server.id) ?? [];
      const rules = details[server.id] ?? fetched?.[server.id];
      // Rules not known: every readable channel is joined (exact counts over fewer topics).
      const restricted = ids.filter((id) => !rules || !isOpenChannel(server.id, rules, id));
      manager?.setUnreadChannels(server.id, ids, restricted);
    }
  };
}
