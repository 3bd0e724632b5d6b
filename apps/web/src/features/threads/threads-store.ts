import { useStore } from 'zustand';
import { createStore } from 'zustand/vanilla';
import { requireClient } from '../../lib/supabase.js';
import type { BroadcastChange } from '../realtime/broadcast.js';
import { type Thread, threadApi } from './thread-api.js';

/** What the thread panel beside the channel shows. */
export type ThreadPanel =
  | { kind: 'thread'; threadId: string }
  | { kind: 'list'; parentId: string }
  /** `name`: what the name field starts from (the starter message's text). */
  | { kind: 'create'; parentId: string; messageId: string | null; name: string };

export interface ThreadsState {
  byId: Record<string, Thread>;
  /** Thread id by its starter message id: the summary under the message. */
  byStarter: Record<string, string>;
  panel: ThreadPanel | null;
  open(panel: ThreadPanel | null): void;
  /** Every thread of a channel the user may read (active and archived). */
  loadChannel(channelId: string): Promise<void>;
  /** The threads the user follows in a server (the sidebar), once per server until reloaded. */
  loadJoined(serverId: string, force?: boolean): Promise<void>;
  /** A thread_create / thread_update / thread_delete event from a channel's topic. */
  receiveEvent(change: BroadcastChange<Thread>, me: string | null): void;
  /** The thread a channel id names, when it is one (server store permissions). */
  parentOf(channelId: string): string | undefined;
}

const client = requireClient();

export const threadsStore = createStore<ThreadsState>()((set, get) => {
  const joinedLoads = new Map<string, Promise<void>>();

  const merge = (threads: Thread[]) =>
    set((s) => {
      const byId = { ...s.byId };
      const byStarter = { ...s.byStarter };
      for (const thread of threads) {
        byId[thread.id] = { ...byId[thread.id], ...thread };
        if (thread.starter_message_id) byStarter[thread.starter_message_id] = thread.id;
      }
      return { byId, byStarter };
    });

  return {
    byId: {},
    byStarter: {},
    panel: null,

    open(panel) {
      set({ panel });
    },

    async loadChannel(channelId) {
      merge(await threadApi.listForChannel(client, channelId));
    },

    loadJoined(serverId, force = false) {
      const known = joinedLoads.get(serverId);
      if (known && !force) return known;
      const load = threadApi.listJoined(client, serverId).then(merge, () => {
        joinedLoads.delete(serverId); // tried again next time
      });
      joinedLoads.set(serverId, load);
      return load;
    },

    receiveEvent(change, me) {
      if (change.operation === 'DELETE') {
        const id = change.old_record?.id;
        if (!id) return;
        set((s) => {
          const { [id]: gone, ...byId } = s.byId;
          const byStarter = { ...s.byStarter };
          if (gone?.starter_message_id) delete byStarter[gone.starter_message_id];
          const panel = s.panel?.kind === 'thread' && s.panel.threadId === id ? null : s.panel;
          return { byId, byStarter, panel };
        });
        return;
      }
      const thread = change.record;
      if (!thread) return;
      // Posting or creating makes one a participant (the database adds them too).
      const joinedNow =
        thread.last_author_id === me || (change.operation === 'INSERT' && thread.owner_id === me);
      const wasJoined = get().byId[thread.id]?.joined;
      merge([joinedNow ? { ...thread, joined: true } : thread]);
      // Unread counts include a thread once one takes part in it (get_unread_state).
      if (joinedNow && !wasJoined)
        void import('../../app/stores.js').then((m) => m.stores.unread.getState().load());
    },

    parentOf(channelId) {
      return get().byId[channelId]?.parent_id;
    },
  };
});

export function useThreads<T>(selector: (state: ThreadsState) => T): T {
  return useStore(threadsStore, selector);
}
