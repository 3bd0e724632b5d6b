import { useMemo } from 'react';
import { useNotificationPrefs, useServers, useUnread } from '../../app/stores.js';
import { type ChannelMarks, channelMarks, shownTotals } from './marks.js';
import type { NotificationLevel } from './prefs-store.js';
import './notification-settings.css';

/** A channel's unread dot and mention count as the member's settings let them show. */
export function useChannelMarks(channelId: string): ChannelMarks {
  const state = useUnread((s) => s.byChannel[channelId]);
  const servers = useNotificationPrefs((s) => s.servers);
  const channels = useNotificationPrefs((s) => s.channels);
  const clock = useNotificationPrefs((s) => s.clock);
  const serverDefault = useServers((s) =>
    state?.serverId ? s.servers.find((x) => x.id === state.serverId)?.default_notification_level : undefined,
  );
  // biome-ignore lint/correctness/useExhaustiveDependencies: `clock` ticks when a mute ends.
  return useMemo(
    () => channelMarks(state, channelId, { servers, channels }, serverDefault),
    [state, channelId, servers, channels, serverDefault, clock],
  );
}

/** Unread and mentions per server for the rail (key '' for direct messages). */
export function useShownTotals() {
  const byChannel = useUnread((s) => s.byChannel);
  const servers = useNotificationPrefs((s) => s.servers);
  const channels = useNotificationPrefs((s) => s.channels);
  const clock = useNotificationPrefs((s) => s.clock);
  const list = useServers((s) => s.servers);
  const defaults = useMemo(
    () =>
      Object.fromEntries(list.map((s) => [s.id, s.default_notification_level])) as Record<
        string,
        NotificationLevel
      >,
    [list],
  );
  // biome-ignore lint/correctness/useExhaustiveDependencies: `clock` ticks when a mute ends.
  return useMemo(
    () => shownTotals(byChannel, { servers, channels }, defaults),
    [byChannel, servers, channels, defaults, clock],
  );
}
