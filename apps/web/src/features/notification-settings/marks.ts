import { totalsByServer, type UnreadState } from '../unread/count.js';
import { isMuted, type NotificationLevel, type NotificationPref } from './prefs-store.js';

export interface Prefs {
  servers: Record<string, NotificationPref>;
  channels: Record<string, NotificationPref>;
}

export interface ChannelMarks {
  /** Unread messages, shown unless the channel or its server is muted. */
  unread: boolean;
  /** Mentions, counted unless the level in force is 'nothing' (a mute does not hide them). */
  mentions: number;
  muted: boolean;
}

/** The level in force for a channel: its own, else the server's for this member, else the server default. */
export function channelLevel(
  prefs: Prefs,
  channelId: string,
  serverId: string | null,
  serverDefault: NotificationLevel | undefined,
): NotificationLevel {
  const server = serverId ? prefs.servers[serverId] : undefined;
  return prefs.channels[channelId]?.level ?? server?.level ?? serverDefault ?? 'all';
}

/** What a channel's unread state shows, after the member's levels and mutes. */
export function channelMarks(
  state: UnreadState | undefined,
  channelId: string,
  prefs: Prefs,
  serverDefault: NotificationLevel | undefined,
  now = Date.now(),
): ChannelMarks {
  const serverId = state?.serverId ?? null;
  const muted =
    isMuted(prefs.channels[channelId], now) || (serverId !== null && isMuted(prefs.servers[serverId], now));
  if (!state) return { unread: false, mentions: 0, muted };
  const level = channelLevel(prefs, channelId, serverId, serverDefault);
  return { unread: !muted && state.unread > 0, mentions: level === 'nothing' ? 0 : state.mentions, muted };
}

/** Unread and mentions per server (key '' for direct messages), as the badges show them. */
export function shownTotals(
  byChannel: Record<string, UnreadState>,
  prefs: Prefs,
  defaults: Record<string, NotificationLevel>,
  now = Date.now(),
): Record<string, { unread: boolean; mentions: number }> {
  const shown: Record<string, UnreadState> = {};
  for (const [channelId, state] of Object.entries(byChannel)) {
    const marks = channelMarks(state, channelId, prefs, defaults[state.serverId ?? ''], now);
    shown[channelId] = { ...state, unread: marks.unread ? state.unread : 0, mentions: marks.mentions };
  }
  return totalsByServer(shown);
}
