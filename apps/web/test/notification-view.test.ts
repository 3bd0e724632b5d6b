import { describe, expect, it } from 'vitest';
import {
  badgeText,
  describeNotification,
  notificationTarget,
  timeAgo,
  unreadCount,
} from '../src/lib/notification-view.js';

describe('notifications', () => {
  it('describe each kind with the actor name', () => {
    expect(describeNotification({ type: 'mention', data: {} }, 'Ada')).toBe('Ada mentioned you');
    expect(describeNotification({ type: 'friend_request', data: {} }, 'Ada')).toBe(
      'Ada sent you a friend request',
    );
    expect(describeNotification({ type: 'system', data: { text: 'Maintenance at noon' } }, 'Harmony')).toBe(
      'Maintenance at noon',
    );
    expect(describeNotification({ type: 'system', data: {} }, 'Harmony')).toBe('Notice from Harmony');
  });

  it('lead to the message channel, the DM, or the friends list', () => {
    expect(notificationTarget({ type: 'mention', server_id: 's', channel_id: 'c' })).toEqual({
      kind: 'route',
      route: { kind: 'channel', serverId: 's', channelId: 'c' },
    });
    expect(notificationTarget({ type: 'direct_message', server_id: null, channel_id: 'd' })).toEqual({
      kind: 'route',
      route: { kind: 'dm', channelId: 'd' },
    });
    expect(notificationTarget({ type: 'friend_request', server_id: null, channel_id: null })).toEqual({
      kind: 'friends',
      tab: 'pending',
    });
    expect(notificationTarget({ type: 'system', server_id: null, channel_id: null })).toBeNull();
  });

  it('count unread ones and format badges and times', () => {
    expect(unreadCount([{ read_at: null }, { read_at: '2026-01-01T00:00:00Z' }, { read_at: null }])).toBe(2);
    expect(badgeText(5)).toBe('5');
    expect(badgeText(120)).toBe('99+');
    const now = Date.parse('2026-01-10T12:00:00Z');
    expect(timeAgo('2026-01-10T11:59:30Z', now)).toBe('now');
    expect(timeAgo('2026-01-10T11:55:00Z', now)).toBe('5m');
    expect(timeAgo('2026-01-10T09:00:00Z', now)).toBe('3h');
    expect(timeAgo('2026-01-08T12:00:00Z', now)).toBe('2d');
  });
});
