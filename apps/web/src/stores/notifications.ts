import { createStore } from 'zustand/vanilla';
import type { HarmonyClient } from '../lib/supabase.js';
import type { Notification } from '../lib/types.js';

export interface NotificationsState {
  items: Notification[];
  load(): Promise<void>;
  receive(notification: Notification): void;
  markRead(id: string): Promise<void>;
  markAllRead(): Promise<void>;
}

export function createNotificationsStore(client: HarmonyClient) {
  return createStore<NotificationsState>()((set) => ({
    items: [],
    async load() {
      const { data, error } = await client
        .from('notifications')
        .select('*')
        .order('created_at', { ascending: false })
        .limit(50);
      if (error) throw error;
      set({ items: data ?? [] });
    },
    receive(notification) {
      set((s) =>
        s.items.some((n) => n.id === notification.id)
          ? s
          : { items: [notification, ...s.items].slice(0, 100) },
      );
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
