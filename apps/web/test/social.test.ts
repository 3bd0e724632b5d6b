import { describe, expect, it } from 'vitest';
import {
  type DmChannel,
  dmDisplayName,
  dmPartner,
  friendPair,
  friendsForTab,
  otherOfPair,
  sortDms,
  toDmChannel,
} from '../src/stores/social.js';

const ME = '11111111-1111-4111-8111-111111111111';
const ADA = '22222222-2222-4222-8222-222222222222';
const BOB = '03333333-3333-4333-8333-333333333333';
const names: Record<string, string> = { [ME]: 'Me', [ADA]: 'Ada', [BOB]: 'Bob' };
const nameOf = (id: string) => names[id];

const dm = (patch: Partial<DmChannel>): DmChannel => ({
  id: 'c',
  type: 'dm',
  name: null,
  ownerId: null,
  lastMessageAt: null,
  createdAt: '2026-01-01T00:00:00Z',
  recipientIds: [ME, ADA],
  closed: false,
  ...patch,
});

describe('DM display names', () => {
  it('names a 1:1 DM after the other person', () => {
    expect(dmDisplayName(dm({}), ME, nameOf)).toBe('Ada');
    expect(dmDisplayName(dm({ recipientIds: [ADA, ME] }), ME, nameOf)).toBe('Ada');
    expect(dmPartner(dm({ recipientIds: [ADA, ME] }), ME)).toBe(ADA);
  });

  it('says so when the other profile is not loaded yet', () => {
    expect(dmDisplayName(dm({}), ME, () => undefined)).toBe('Unknown user');
  });

  it('uses a group name, else the other members', () => {
    expect(
      dmDisplayName(dm({ type: 'group_dm', name: ' Team ', recipientIds: [ME, ADA, BOB] }), ME, nameOf),
    ).toBe('Team');
    expect(dmDisplayName(dm({ type: 'group_dm', recipientIds: [ME, ADA, BOB] }), ME, nameOf)).toBe(
      'Ada, Bob',
    );
    expect(dmDisplayName(dm({ type: 'group_dm', recipientIds: [ME] }), ME, nameOf)).toBe('Empty group');
    expect(dmPartner(dm({ type: 'group_dm' }), ME)).toBeNull();
  });

  it('builds DM rows only for channels the user is in', () => {
    const row = {
      id: 'c1',
      type: 'dm',
      name: null,
      owner_id: null,
      channel_sequences: { last_message_at: '2026-01-02T00:00:00Z' },
      created_at: '2026-01-01T00:00:00Z',
      channel_recipients: [
        { profile_id: ME, closed: true },
        { profile_id: ADA, closed: false },
      ],
    };
    expect(toDmChannel(row, ME)).toMatchObject({
      id: 'c1',
      closed: true,
      recipientIds: [ME, ADA],
      lastMessageAt: '2026-01-02T00:00:00Z',
    });
    expect(toDmChannel(row, BOB)).toBeNull();
    expect(toDmChannel({ ...row, type: 'text' }, ME)).toBeNull();
  });

  it('sorts conversations by their latest message', () => {
    const list = sortDms([
      dm({ id: 'old', lastMessageAt: '2026-01-02T00:00:00Z' }),
      dm({ id: 'new', lastMessageAt: '2026-03-01T00:00:00Z' }),
      dm({ id: 'unused', createdAt: '2026-02-01T00:00:00Z' }),
    ]);
    expect(list.map((d) => d.id)).toEqual(['new', 'unused', 'old']);
  });
});

describe('friends', () => {
  it('stores each pair once, lower uuid first', () => {
    expect(friendPair(ME, BOB)).toEqual({ profile_a: BOB, profile_b: ME });
    expect(friendPair(BOB, ME)).toEqual({ profile_a: BOB, profile_b: ME });
    expect(otherOfPair({ profile_a: BOB, profile_b: ME }, ME)).toBe(BOB);
    expect(otherOfPair({ profile_a: BOB, profile_b: ME }, BOB)).toBe(ME);
  });

  it('shows online, idle and busy friends on the online tab, everyone on all, by name', () => {
    const profiles = {
      [ADA]: { status: 'idle' as const, display_name: 'Ada', username: 'ada' },
      [BOB]: { status: 'offline' as const, display_name: null, username: 'bob' },
      [ME]: { status: 'online' as const, display_name: 'Zed', username: 'zed' },
    };
    const online = new Set([ADA, ME]);
    expect(friendsForTab('online', [ME, BOB, ADA], profiles, (id) => online.has(id))).toEqual([ADA, ME]);
    expect(friendsForTab('all', [ME, BOB, ADA], profiles)).toEqual([ADA, BOB, ME]);
  });
});
