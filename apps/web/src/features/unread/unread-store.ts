import { createStore } from 'zustand/vanilla';
import { coalesced, inBackground } from '../../lib/coalesce.js';
import type { HarmonyClient } from '../../lib/supabase.js';
import type { Message } from '../../lib/types.js';
import { countMessage, type Reader, type UnreadState } from './count.js';

export interface UnreadStoreState {
  /** By channel id: every channel the user can read. */
  byChannel: Record<string, UnreadState>;
  /** Bumped by each full load (the set of readable channels may have changed). */
  loads: number;
  load(): Promise<void>;
  /** A live message in a channel the user is not reading right now. */
  count(message: Message, reader: Reader): void;
  /** Moves the read marker (this device), clearing the channel's counts at once. */
  markRead(channelId: string, seq?: number): Promise<void>;
  /** The read marker moved on another device: take the server's counts. */
  readElsewhere(channelId: string, lastReadSeq: number): void;
}

export function createUnreadStore(client: HarmonyClient) {
  return createStore<UnreadStoreState>()((set, get) => {
    const load = coalesced(async () => {
      const { data, error } = await client.rpc('get_unread_state');
      if (error) throw error;
      const byChannel: Record<string, UnreadState> = {};
      for (const row of data ?? []) {
        byChannel[row.channel_id] = {
          serverId: row.server_id,
          unread: row.unread_count,
          mentions: row.mention_count,
          lastMessageSeq: row.last_message_seq,
          lastReadSeq: row.last_read_seq,
        };
      }
      set((s) => ({ byChannel, loads: s.loads + 1 }));
    });

    return {
      byChannel: {},
      loads: 0,
      load: () => load(null),

      count(message, reader) {
        const current = get().byChannel[message.channel_id];
        // A channel not known yet (just created or revealed): the next load brings it.
        if (!current) return inBackground(get().load());
        const next = countMessage(current, message, reader);
        if (next !== current) set((s) => ({ byChannel: { ...s.byChannel, [message.channel_id]: next } }));
      },

      async markRead(channelId, seq) {
        const current = get().byChannel[channelId];
        if (current) {
          const lastReadSeq = Math.max(current.lastReadSeq, seq ?? current.lastMessageSeq);
          if (lastReadSeq === current.lastReadSeq && current.unread === 0) return;
          set((s) => ({
            byChannel: { ...s.byChannel, [channelId]: { ...current, lastReadSeq, unread: 0, mentions: 0 } },
          }));
        }
        const { error } = await client.rpc('mark_channel_read', { p_channel_id: channelId, p_seq: seq });
        if (error) throw error;
      },

      readElsewhere(channelId, lastReadSeq) {
        const current = get().byChannel[channelId];
        if (current && lastReadSeq <= current.lastReadSeq) return; // this device's own marker
        inBackground(get().load());
      },
    };
  });
}
