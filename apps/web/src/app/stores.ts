import { useStore } from 'zustand';
import type { StoreApi } from 'zustand/vanilla';
import { RealtimeConnectionManager } from '../lib/realtime.js';
import { requireClient } from '../lib/supabase.js';
import { type AuthState, createAuthStore } from '../stores/auth.js';
import { createMessagesStore, type MessagesState } from '../stores/messages.js';
import { createNotificationsStore, type NotificationsState } from '../stores/notifications.js';
import { createProfilesStore, type ProfilesState } from '../stores/profiles.js';
import { createServersStore, type ServersState } from '../stores/servers.js';
import { createUiStore, type UiState } from '../stores/ui.js';

const client = requireClient();

export const stores = {
  auth: createAuthStore(client),
  servers: createServersStore(client),
  messages: createMessagesStore(client),
  notifications: createNotificationsStore(client),
  profiles: createProfilesStore(client),
  ui: createUiStore(),
};

const bind =
  <S>(store: StoreApi<S>) =>
  <T>(selector: (state: S) => T): T =>
    useStore(store, selector);

export const useAuth = bind<AuthState>(stores.auth);
export const useServers = bind<ServersState>(stores.servers);
export const useMessages = bind<MessagesState>(stores.messages);
export const useNotifications = bind<NotificationsState>(stores.notifications);
export const useUi = bind<UiState>(stores.ui);
export const useProfiles = bind<ProfilesState>(stores.profiles);

let realtime: RealtimeConnectionManager | null = null;

export function getRealtime(): RealtimeConnectionManager | null {
  return realtime;
}

/** Connects the realtime manager for the signed-in profile and routes its events to the stores. */
export async function startSession(profileId: string): Promise<void> {
  await realtime?.stop();
  const ui = stores.ui.getState();
  realtime = new RealtimeConnectionManager(client, profileId, {
    message: (m) => {
      stores.messages.getState().receive(m);
      if (m.author_id !== profileId && m.channel_id !== stores.ui.getState().activeChannelId) {
        void stores.servers.getState().loadUnread();
      }
    },
    reaction: (r, removed) => stores.messages.getState().receiveReaction(r, removed),
    notification: (n) => stores.notifications.getState().receive(n),
    serverChanged: (serverId) => {
      void stores.servers.getState().loadServers();
      void stores.servers.getState().loadServer(serverId);
    },
    presence: (serverId, online) => ui.setPresence(serverId, online),
    typing: (channelId, who, name) => ui.setTyping(channelId, who, name),
    resync: (channelIds) => {
      for (const id of channelIds) void stores.messages.getState().catchUp(id);
      void stores.servers.getState().loadUnread();
    },
    state: (state) => stores.ui.getState().setConnection(state),
  });
  realtime.start();
  await Promise.all([
    stores.servers.getState().loadServers(),
    stores.servers.getState().loadUnread(),
    stores.notifications.getState().load(),
  ]);
  for (const server of stores.servers.getState().servers) realtime.watchServer(server.id);
}

export async function endSession(): Promise<void> {
  await realtime?.stop();
  realtime = null;
}

// The browser's own view of the network, for the offline banner.
if (typeof window !== 'undefined') {
  window.addEventListener('online', () => stores.ui.getState().setOnline(true));
  window.addEventListener('offline', () => stores.ui.getState().setOnline(false));
}

export { client };
