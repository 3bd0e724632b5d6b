import { isQuietTime } from '@harmony/shared';
import type { StoreApi } from 'zustand/vanilla';
import { toPlainText } from '../../lib/markdown.js';
import type { HarmonyClient } from '../../lib/supabase.js';
import type { Notification } from '../../lib/types.js';
import type { AccountState } from '../../stores/account.js';
import type { ProfilesState } from '../../stores/profiles.js';
import type { ServersState } from '../../stores/servers.js';
import type { UiState } from '../../stores/ui.js';
import type { NotificationPrefsState } from '../notification-settings/prefs-store.js';
import type { UnreadState } from '../unread/count.js';
import type { UnreadStoreState } from '../unread/unread-store.js';
import { setFaviconBadge } from './favicon.js';
import { serviceWorker } from './service-worker.js';
import { playChime, soundEnabled } from './sound.js';

const APP_TITLE = 'Harmony';
const BODY_LIMIT = 180;
/** What asks for attention: someone wrote to or about the user (as apps/server pushes). */
const ALERTING: ReadonlySet<Notification['type']> = new Set(['mention', 'reply', 'direct_message']);

/** What the tab title and icon count: mentions in servers, every unread message in DMs. */
export function attentionCount(byChannel: Record<string, UnreadState>): number {
  let count = 0;
  for (const state of Object.values(byChannel))
    count += state.serverId === null ? state.unread : state.mentions;
  return count;
}

/** As apps/server titles its pushes (this module stays out of the first screen's chunks). */
function alertTitle(type: Notification['type'], actor: string): string {
  if (type === 'reply') return `${actor} replied to your message`;
  if (type === 'direct_message') return `${actor} sent you a message`;
  return `${actor} mentioned you`;
}

export function attentionTitle(count: number): string {
  return count > 0 ? `(${count}) ${APP_TITLE}` : APP_TITLE;
}

export interface Attention {
  /** A notification that just arrived live. */
  notify(notification: Notification): void;
  stop(): void;
}

export interface AttentionDeps {
  client: HarmonyClient;
  unread: StoreApi<UnreadStoreState>;
  servers: StoreApi<ServersState>;
  profiles: StoreApi<ProfilesState>;
  ui: StoreApi<UiState>;
  account: StoreApi<AccountState>;
  notificationPrefs: StoreApi<NotificationPrefsState>;
}

/**
 * Draws attention to what happens while the user looks elsewhere: the unread count in the tab
 * title and icon, a chime for mentions and DMs (unless turned off, or in do-not-disturb or quiet
 * hours), and a desktop notification when the tab is hidden and the permission is granted.
 */
export function startAttention(deps: AttentionDeps): Attention {
  let shown = -1;
  const showCount = () => {
    const count = attentionCount(deps.unread.getState().byChannel);
    if (count === shown) return;
    shown = count;
    document.title = attentionTitle(count);
    void setFaviconBadge(count);
  };

  const where = (n: Notification): string => {
    if (!n.server_id || !n.channel_id) return '';
    const channel = deps.servers.getState().details[n.server_id]?.channels.find((c) => c.id === n.channel_id);
    return channel ? ` in #${channel.name}` : '';
  };

  /**
   * Display names of these people: known profiles and the server's members, the rest fetched
   * (the profiles store may have them in flight for the message list, not loaded yet).
   */
  const namesOf = async (ids: string[], serverId: string | null): Promise<Map<string, string>> => {
    const names = new Map<string, string>();
    const members = serverId ? (deps.servers.getState().details[serverId]?.members ?? []) : [];
    for (const id of ids) {
      const member = members.find((m) => m.profile_id === id);
      const profile = deps.profiles.getState().byId[id] ?? member?.profile;
      const name = member?.nickname || profile?.display_name || profile?.username;
      if (name) names.set(id, name);
    }
    const missing = ids.filter((id) => !names.has(id));
    if (missing.length > 0) {
      const { data } = await deps.client.from('profiles').select('*').in('id', missing);
      deps.profiles.getState().put(data ?? []);
      for (const p of data ?? []) names.set(p.id, p.display_name || p.username);
    }
    return names;
  };

  /** Title and body as people read them: names and channels, never ids. */
  const describeAlert = async (n: Notification): Promise<{ title: string; body: string }> => {
    const { data } = n.message_id
      ? await deps.client
          .from('messages')
          .select('content, mention_profile_ids')
          .eq('id', n.message_id)
          .maybeSingle()
      : { data: null };
    const names = await namesOf(
      [...(n.actor_id ? [n.actor_id] : []), ...(data?.mention_profile_ids ?? [])],
      n.server_id,
    );
    const detail = n.server_id ? deps.servers.getState().details[n.server_id] : undefined;
    const text = toPlainText(data?.content ?? '', {
      user: (id) => names.get(id),
      role: (id) => detail?.roles.find((r) => r.id === id)?.name,
      channel: (id) => detail?.channels.find((c) => c.id === id)?.name ?? undefined,
    }).trim();
    return {
      title: alertTitle(n.type, (n.actor_id && names.get(n.actor_id)) || 'Someone') + where(n),
      body: text.length > BODY_LIMIT ? `${text.slice(0, BODY_LIMIT - 1)}…` : text,
    };
  };

  const showDesktop = async (n: Notification) => {
    const { title, body } = await describeAlert(n);
    const route = n.channel_id ? `#/channels/${n.server_id ?? '@me'}/${n.channel_id}` : '#/';
    const options: NotificationOptions = {
      body,
      // One per channel, as apps/server's pushes: a push for the same channel replaces it.
      tag: n.channel_id ?? n.id,
      data: { url: `/${route}`, notificationId: n.id },
    };
    // Through the service worker where there is one: its click handler opens the message.
    const registration = await serviceWorker(1_000);
    if (registration) return registration.showNotification(title, options);
    const notification = new window.Notification(title, options);
    notification.onclick = () => {
      window.focus();
      window.location.hash = route;
      notification.close();
    };
  };

  showCount();
  const unsubscribe = deps.unread.subscribe((state, previous) => {
    if (state.byChannel !== previous.byChannel) showCount();
  });

  return {
    notify(n) {
      if (!ALERTING.has(n.type) || n.read_at || deps.account.getState().presence === 'dnd') return;
      if (isQuietTime(deps.notificationPrefs.getState().quietHours)) return;
      const hidden = document.visibilityState === 'hidden';
      const looking = !hidden && deps.ui.getState().activeChannelId === n.channel_id;
      if (!looking && soundEnabled()) playChime();
      if (hidden && 'Notification' in window && Notification.permission === 'granted')
        void showDesktop(n).catch(() => undefined);
    },
    stop() {
      unsubscribe();
      document.title = APP_TITLE;
      void setFaviconBadge(0);
    },
  };
}
