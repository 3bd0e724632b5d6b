import { createStore } from 'zustand/vanilla';
import type { HarmonyClient } from '../lib/supabase.js';
import type { Notification } from '../lib/types.js';

export interface NotificationsState {
  items: Notification[];
  load(): Promise<void>;
  /**
   * Creates the user's pending @everyone/@here notifications (the database writes none per member
   * when such a message is sent); they arrive through receive() like any other.
   */
  sync(): Promise<void>;
  receive(notification: Notification): void;
  /** Notifications marked read (or unread, `readAt` null) on any device. */
  readElsewhere(ids: readonly string[], readAt: string | null): void;
  /** Notifications dismissed, or removed with their message. */
  removed(ids: readonly string[]): void;
  markRead(id: string): Promise<void>;
  markAllRead(): Promise<void>;
}

export function createNotificationsStore(client: HarmonyClient) {
  return createStore<NotificationsState>()((set, get) => ({
    items: [],
    async load() {
      await get().sync();
      const { data, error } = await client
        .from('notifications')
        .select('*')
        .order('created_at', { ascending: false })
        .limit(50);
      if (error) throw error;
      set({ items: data ?? [] });
    },
    async sync() {
      const { error } = await client.rpc('sync_mention_notifications');
      if (error) throw error;
    },
    receive(notification) {
      set((s) =>
        s.items.some((n) => n.id === notification.id)
          ? s
          : { items: [notification, ...s.items].slice(0, 100) },
      );
    },
    readElsewhere(ids, readAt) {
      const changed = new Set(ids);
      set((s) => ({ items: s.items.map((n) => (changed.has(n.id) ? { ...n, read_at: readAt } : n)) }));
    },
    removed(ids) {
      const gone = new Set(ids);
      set((s) => ({ items: s.items.filter((n) => !gone.has(n.id)) }));
    },
    async markRead(id) {
      const { error } = await client.rpc('mark_notifications_read', { p_ids: [id] });
      if (error) throw error;
      const now = new Date().toISOString();
      set((s) => ({ items: s.items.map((n) => (n.id === id ? { ...n, read_at: n.read_at ?? now } : n)) }));
    },
    async markAllRead() {
      const { error } = await client.rpc('mark_notifications_read', {});
      if (error) throw error;
      const now = new Date().toISOString();
      set((s) => ({ items: s.items.map((n) => ({ ...n, read_at: n.read_at ?? now })) }));
    },
  }));
}
