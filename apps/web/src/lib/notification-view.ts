import type { Route } from './route.js';
import type { Notification } from './types.js';

/** One line describing a notification, with the actor's name already resolved. */
export function describeNotification(n: Pick<Notification, 'type' | 'data'>, actor: string): string {
  switch (n.type) {
    case 'mention':
      return `${actor} mentioned you`;
    case 'reply':
      return `${actor} replied to your message`;
    case 'direct_message':
      return `${actor} sent you a message`;
    case 'friend_request':
      return `${actor} sent you a friend request`;
    case 'friend_accept':
      return `${actor} accepted your friend request`;
    case 'server_invite':
      return `${actor} invited you to a server`;
    case 'reaction':
      return `${actor} reacted to your message`;
    default: {
      const data = n.data as { text?: unknown } | null;
      return typeof data?.text === 'string' ? data.text : 'Notice from Harmony';
    }
  }
}

export type NotificationTarget =
  | { kind: 'route'; route: Route }
  | { kind: 'friends'; tab: 'pending' | 'all' };

/** Where clicking a notification goes: its message's channel, or the friends list. */
export function notificationTarget(
  n: Pick<Notification, 'type' | 'server_id' | 'channel_id'>,
): NotificationTarget | null {
  if (n.channel_id) {
    return n.server_id
      ? { kind: 'route', route: { kind: 'channel', serverId: n.server_id, channelId: n.channel_id } }
      : { kind: 'route', route: { kind: 'dm', channelId: n.channel_id } };
  }
  if (n.type === 'friend_request') return { kind: 'friends', tab: 'pending' };
  if (n.type === 'friend_accept') return { kind: 'friends', tab: 'all' };
  return null;
}

export function unreadCount(items: readonly Pick<Notification, 'read_at'>[]): number {
  return items.reduce((count, n) => count + (n.read_at ? 0 : 1), 0);
}

/** "99+" past 99, for badges. */
export function badgeText(count: number): string {
  return count > 99 ? '99+' : String(count);
}

/** A short relative time: "now", "5m", "3h", "2d", then the date. */
export function timeAgo(iso: string, now = Date.now()): string {
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (seconds < 60) return 'now';
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)}h`;
  if (seconds < 7 * 86400) return `${Math.floor(seconds / 86400)}d`;
  return new Date(iso).toLocaleDateString();
}
