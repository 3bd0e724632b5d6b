import { describe, expect, it } from 'vitest';
import { channelMarks, shownTotals } from '../src/features/notification-settings/marks.js';
import { describeMute, muteUntil } from '../src/features/notification-settings/mute.js';
import { isMuted } from '../src/features/notification-settings/prefs-store.js';
import type { UnreadState } from '../src/features/unread/count.js';

const NOW = Date.parse('2026-12-06T12:00:00Z');
const later = new Date(NOW + 3_600_000).toISOString();
const earlier = new Date(NOW - 60_000).toISOString();
const unread = (serverId: string | null, over: Partial<UnreadState> = {}): UnreadState => ({
  serverId,
  unread: 3,
  mentions: 1,
  lastMessageSeq: 9,
  lastReadSeq: 6,
  ...over,
});
const none = { servers: {}, channels: {} };

describe('notification badges after levels and mutes', () => {
  it('shows unread and mentions when nothing is set', () => {
    expect(channelMarks(unread('s'), 'c', none, 'mentions', NOW)).toEqual({
      unread: true,
      mentions: 1,
      muted: false,
    });
  });

  it('hides the unread marker of a muted channel or server, keeps its mentions', () => {
    const channelMuted = { servers: {}, channels: { c: { level: null, mutedUntil: later } } };
    expect(channelMarks(unread('s'), 'c', channelMuted, 'all', NOW)).toEqual({
      unread: false,
      mentions: 1,
      muted: true,
    });
    const serverMuted = { servers: { s: { level: null, mutedUntil: 'infinity' } }, channels: {} };
    expect(channelMarks(unread('s'), 'c', serverMuted, 'all', NOW)).toMatchObject({
      unread: false,
      muted: true,
    });
    // An expired mute no longer hides anything.
    const expired = { servers: { s: { level: null, mutedUntil: earlier } }, channels: {} };
    expect(channelMarks(unread('s'), 'c', expired, 'all', NOW)).toMatchObject({ unread: true, muted: false });
  });

  it('counts no mentions at level nothing: the channel wins over the server, the server over its default', () => {
    const serverNothing = { servers: { s: { level: 'nothing' as const, mutedUntil: null } }, channels: {} };
    expect(channelMarks(unread('s'), 'c', serverNothing, 'all', NOW).mentions).toBe(0);
    const channelAll = {
      servers: { s: { level: 'nothing' as const, mutedUntil: null } },
      channels: { c: { level: 'all' as const, mutedUntil: null } },
    };
    expect(channelMarks(unread('s'), 'c', channelAll, 'all', NOW).mentions).toBe(1);
    expect(channelMarks(unread('s'), 'c', none, 'nothing', NOW).mentions).toBe(0);
  });

  it('totals per server what the channels show', () => {
    const byChannel = { a: unread('s'), b: unread('s', { mentions: 2 }), d: unread(null, { mentions: 0 }) };
    const prefs = { servers: { s: { level: null, mutedUntil: 'infinity' } }, channels: {} };
    expect(shownTotals(byChannel, prefs, { s: 'all' }, NOW)).toEqual({
      s: { unread: false, mentions: 3 },
      '': { unread: true, mentions: 0 },
    });
  });
});

describe('mutes', () => {
  it('end at a time, or never', () => {
    expect(muteUntil(15 * 60_000, NOW)).toBe('2026-12-06T12:15:00.000Z');
    expect(muteUntil(null, NOW)).toBe('infinity');
    expect(isMuted({ level: null, mutedUntil: 'infinity' }, NOW)).toBe(true);
    expect(isMuted({ level: null, mutedUntil: earlier }, NOW)).toBe(false);
    expect(describeMute('infinity')).toBe('Muted until you turn it back on.');
  });
});
