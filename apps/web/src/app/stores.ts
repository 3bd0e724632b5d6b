import { isQuietTime } from '@harmony/shared';
import { useStore } from 'zustand';
import type { StoreApi } from 'zustand/vanilla';
import { createAccessRefresher } from '../features/access/refresh-access.js';
import { interactions } from '../features/bots/interactions-store.js';
import { type CallState, createCallStore } from '../features/calls/call-store.js';
import { type ChannelAdminState, createChannelAdminStore } from '../features/channels/channel-admin.js';
import { remoteFollowSignal } from '../features/federation/remote-follow-signal.js';
import { reportSignal } from '../features/moderation/report-signal.js';
import {
  createNotificationPrefsStore,
  type NotificationPrefsState,
} from '../features/notification-settings/prefs-store.js';
import type { NotificationsSession } from '../features/notifications/session.js';
import { createUnreadTopicsSync } from '../features/realtime/unread-topics.js';
import { createServerAdmin } from '../features/server-admin/admin-api.js';
import { threadsStore } from '../features/threads/threads-store.js';
import { createUnreadStore, type UnreadStoreState } from '../features/unread/unread-store.js';
import { inBackground } from '../lib/coalesce.js';
import { RealtimeConnectionManager } from '../lib/realtime.js';
import { requireClient } from '../lib/supabase.js';
import type { Message } from '../lib/types.js';
import { type AccountState, createAccountStore } from '../stores/account.js';
import { type AuthState, createAuthStore } from '../stores/auth.js';
import { createMessagesStore, type MessagesState } from '../stores/messages.js';
import { createNotificationsStore, type NotificationsState } from '../stores/notifications.js';
import { createProfilesStore, type ProfilesState } from '../stores/profiles.js';
import { createSearchStore, type SearchState } from '../stores/search.js';
import { createServerSettingsStore, type ServerSettingsState } from '../stores/server-settings.js';
import { createServersStore, type ServersState } from '../stores/servers.js';
import { createSocialStore, type SocialState } from '../stores/social.js';
import { createUiStore, type UiState } from '../stores/ui.js';
import { createVoiceStore, type VoiceState } from '../stores/voice.js';

const client = requireClient();

const core = {
  auth: createAuthStore(client),
  servers: createServersStore(client, (channelId) => threadsStore.getState().parentOf(channelId)),
  unread: createUnreadStore(client),
  messages: createMessagesStore(client),
  notifications: createNotificationsStore(client),
  profiles: createProfilesStore(client),
  notificationPrefs: createNotificationPrefsStore(client),
  ui: createUiStore(),
  // Who is in which voice channel, muted or streaming, travels as presence on the server's realtime channel.
  voice: createVoiceStore(
    client,
    (voice) =>
      void getRealtime()?.setPresence({
        voiceChannelId: voice?.channelId ?? null,
        voiceFlags: voice && {
          muted: voice.muted,
          deafened: voice.deafened,
          streaming: voice.streaming,
          camera: voice.camera,
        },
      }),
  ),
};

const ensureProfiles = (ids: string[]) => core.profiles.getState().ensure(ids);
export const stores = {
  ...core,
  social: createSocialStore(client, { ensureProfiles }),
  search: createSearchStore(client),
  calls: createCallStore(client, {
    me: () => core.auth.getState().profile?.id ?? null,
    quiet: (): boolean =>
      stores.account.getState().presence === 'dnd' ||
      isQuietTime(stores.notificationPrefs.getState().quietHours),
  }),
  channelAdmin: createChannelAdminStore(client, core.servers),
  serverSettings: createServerSettingsStore(client, {
    ensureProfiles,
    reload: async (serverId) => {
      await Promise.all([
        core.servers.getState().loadServer(serverId),
        core.servers.getState().loadServers(),
      ]);
    },
  }),
  account: createAccountStore(client, {
    updateProfile: (fields) => core.auth.getState().updateProfile(fields),
    // Invisible stops tracking presence altogether, so live viewers see the user go offline.
    onPresence: (status) => void getRealtime()?.setPresence({ status }),
  }),
};

const bind =
  <S>(store: StoreApi<S>) =>
  <T>(selector: (state: S) => T): T =>
    useStore(store, selector);

export const useAuth = bind<AuthState>(stores.auth);
export const useServers = bind<ServersState>(stores.servers);
export const useUnread = bind<UnreadStoreState>(stores.unread);
export const useMessages = bind<MessagesState>(stores.messages);
export const useNotifications = bind<NotificationsState>(stores.notifications);
export const useUi = bind<UiState>(stores.ui);
export const useProfiles = bind<ProfilesState>(stores.profiles);
export const useSocial = bind<SocialState>(stores.social);
export const useSearch = bind<SearchState>(stores.search);
export const useServerSettings = bind<ServerSettingsState>(stores.serverSettings);
export const useAccount = bind<AccountState>(stores.account);
export const useVoice = bind<VoiceState>(stores.voice);
export const useCalls = bind<CallState>(stores.calls);
export const useNotificationPrefs = bind<NotificationPrefsState>(stores.notificationPrefs);
export const useChannelAdmin = bind<ChannelAdminState>(stores.channelAdmin);

let realtime: RealtimeConnectionManager | null = null;
/** Heartbeat, tab badge, chime, desktop notifications, push: loaded after sign-in (initial JS). */
let notifications: Promise<NotificationsSession | null> | null = null;

export function getRealtime(): RealtimeConnectionManager | null {
  return realtime;
}

/**
 * Channels the screens show, by how many views want them. Kept outside the connection: a view
 * mounted before the session exists (a reload on a channel URL) is subscribed once it does.
 */
const watchedChannels = new Map<string, number>();

/** Keeps a channel's messages and typing live while the returned function is not called. */
export function watchChannel(channelId: string): () => void {
  watchedChannels.set(channelId, (watchedChannels.get(channelId) ?? 0) + 1);
  realtime?.watchChannel(channelId);
  return () => {
    const left = (watchedChannels.get(channelId) ?? 1) - 1;
    if (left > 0) return void watchedChannels.set(channelId, left);
    watchedChannels.delete(channelId);
    realtime?.unwatchChannel(channelId);
  };
}

const access = createAccessRefresher({
  servers: core.servers,
  ui: core.ui,
  watchServer: (serverId) => realtime?.watchServer(serverId),
  unwatchServer: (serverId) => realtime?.unwatchServer(serverId),
  reloadUnread: () => core.unread.getState().load(),
});

/** Whole-server actions: delete, transfer, leave, nickname, invites, banner, system channel. */
export const serverAdmin = createServerAdmin({
  client,
  servers: core.servers,
  ui: core.ui,
  unwatchServer: (serverId) => realtime?.unwatchServer(serverId),
});

const syncUnreadTopics = createUnreadTopicsSync({
  client,
  servers: core.servers,
  unread: core.unread,
  realtime: () => realtime,
});

core.unread.subscribe((state, previous) => {
  if (state.loads !== previous.loads) inBackground(syncUnreadTopics());
});

/** What the user sees decides which channel topics stay joined. */
core.servers.subscribe((state, previous) => {
  if (!realtime || (state.details === previous.details && state.servers === previous.servers)) return;
  for (const [serverId, detail] of Object.entries(state.details))
    if (detail !== previous.details[serverId])
      realtime.setVisibleChannels(
        serverId,
        detail.channels.map((c) => c.id),
      );
  inBackground(syncUnreadTopics());
});

/** Friends' live status follows the friends list. */
stores.social.subscribe((state, previous) => {
  if (state.friends !== previous.friends) realtime?.watchFriends(state.friends);
});

/** Counts a live message as unread unless the user is looking at its channel right now. */
function countUnread(message: Message, profileId: string): void {
  const ui = stores.ui.getState();
  if (message.channel_id === ui.activeChannelId && document.visibilityState === 'visible') return;
  const serverId = stores.unread.getState().byChannel[message.channel_id]?.serverId;
  const member = serverId
    ? stores.servers.getState().details[serverId]?.members.find((m) => m.profile_id === profileId)
    : undefined;
  const suppressEveryone =
    !!serverId && !!stores.notificationPrefs.getState().servers[serverId]?.suppressEveryone;
  stores.unread.getState().count(message, { profileId, roleIds: member?.roleIds ?? [], suppressEveryone });
}

/** Connects the realtime manager for the signed-in profile and routes its events to the stores. */
export async function startSession(profileId: string): Promise<void> {
  await realtime?.stop();
  const ui = stores.ui.getState();
  realtime = new RealtimeConnectionManager(client, profileId, {
    message: (m) => {
      stores.messages.getState().receive(m);
      // Their message is what they were typing: the indicator goes with it.
      if (m.author_id && stores.ui.getState().typing[m.channel_id]?.[m.author_id])
        stores.ui.getState().setTyping(m.channel_id, m.author_id, '', false);
    },
    unreadMessage: (m) => {
      countUnread(m, profileId);
      if (m.mention_everyone && m.author_id !== profileId)
        inBackground(stores.notifications.getState().sync());
    },
    readState: (channelId, lastReadSeq) => stores.unread.getState().readElsewhere(channelId, lastReadSeq),
    reaction: (r, removed) => stores.messages.getState().receiveReaction(r, removed),
    thread: (change) => threadsStore.getState().receiveEvent(change as never, profileId),
    notification: (n) => {
      stores.notifications.getState().receive(n);
      void notifications?.then((session) => session?.notify(n));
      // DMs are not watched while off screen: their notifications are the signal to refresh.
      if (n.type === 'direct_message') {
        inBackground(stores.unread.getState().load());
        void stores.social.getState().loadDms();
      }
    },
    notificationsRead: (ids, readAt) => stores.notifications.getState().readElsewhere(ids, readAt),
    notificationsRemoved: (ids) => stores.notifications.getState().removed(ids),
    friendsChanged: () => inBackground(stores.social.getState().loadFriends()),
    remoteFollowsChanged: () => remoteFollowSignal.getState().changed(),
    dmsChanged: () => inBackground(stores.social.getState().loadDms()),
    serverChanged: (serverId) => inBackground(access.serverChanged(serverId)),
    serverDeleted: (serverId) => access.serverDeleted(serverId),
    // Suppressing @everyone changes the mention badges too.
    notificationSettingsChanged: () =>
      inBackground(
        Promise.all([stores.notificationPrefs.getState().load(), stores.unread.getState().load()]),
      ),
    reportsChanged: (serverId) => reportSignal.getState().changed(serverId),
    call: (call) => stores.calls.getState().receive(call),
    interaction: (event, record) => interactions.getState().receive(event, record),
    profile: (change) => {
      stores.profiles.getState().changed(change);
      stores.servers.getState().profileChanged(change);
      stores.auth.getState().profileChanged(change);
    },
    membershipChanged: (removal) => access.membershipChanged(removal),
    presence: (topic, online) => ui.setPresence(topic, online),
    typing: (channelId, who, name, typing) => ui.setTyping(channelId, who, name, typing),
    resync: (channelIds, everything) => {
      for (const id of channelIds) inBackground(stores.messages.getState().catchUp(id));
      if (everything) {
        inBackground(stores.unread.getState().load());
        inBackground(stores.notifications.getState().sync());
      }
    },
    reconnected: () => {
      access.membershipChanged();
      const servers = stores.servers.getState();
      for (const serverId of Object.keys(servers.details)) inBackground(servers.loadServer(serverId));
      inBackground(stores.social.getState().loadFriends());
      inBackground(stores.social.getState().loadDms());
      inBackground(stores.profiles.getState().refresh());
    },
    state: (state) => stores.ui.getState().setConnection(state),
  });
  realtime.start();
  for (const channelId of watchedChannels.keys()) realtime.watchChannel(channelId);
  const previous = notifications;
  notifications = (async () => {
    (await previous)?.stop();
    const { startNotifications } = await import('../features/notifications/session.js');
    return startNotifications({ client, ...stores });
  })().catch(() => null);
  await Promise.all([
    stores.servers.getState().loadServers(),
    stores.unread.getState().load(),
    stores.notifications.getState().load(),
    stores.notificationPrefs.getState().load(),
    stores.social.getState().load(profileId),
    stores.account
      .getState()
      .loadSettings()
      .catch(() => undefined),
  ]);
  const preferred = stores.account.getState().presence;
  if (preferred === 'idle' || preferred === 'dnd') void realtime.setPresence({ status: preferred });
  for (const server of stores.servers.getState().servers) realtime.watchServer(server.id);
}

export async function endSession(): Promise<void> {
  await Promise.all([stores.voice.getState().leave(), stores.calls.getState().hangUp()]);
  await realtime?.stop();
  realtime = null;
  (await notifications)?.stop();
  notifications = null;
}

// The browser's own view of the network, for the offline banner.
if (typeof window !== 'undefined') {
  window.addEventListener('online', () => stores.ui.getState().setOnline(true));
  window.addEventListener('offline', () => stores.ui.getState().setOnline(false));
}

export { client };
