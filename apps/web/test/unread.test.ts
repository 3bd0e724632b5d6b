import { describe, expect, it } from 'vitest';
import { countMessage, totalsByServer, type UnreadState } from '../src/features/unread/count.js';
import type { Message } from '../src/lib/types.js';

const ME = 'me';
const state = (over: Partial<UnreadState> = {}): UnreadState => ({
  serverId: 's1',
  unread: 0,
  mentions: 0,
  lastMessageSeq: 5,
  lastReadSeq: 5,
  ...over,
});
const message = (seq: number, over: Partial<Message> = {}) =>
  ({
    id: `m${seq}`,
    channel_id: 'c1',
    seq,
    author_id: 'other',
    mention_profile_ids: [],
    mention_role_ids: [],
    mention_everyone: false,
    deleted_at: null,
    ...over,
  }) as unknown as Message;

describe('countMessage', () => {
  const reader = { profileId: ME, roleIds: ['mods'] };

  it('counts others’ new messages and the ones that mention the reader, a user or a role of theirs', () => {
    let s = countMessage(state(), message(6), reader);
    expect(s).toMatchObject({ unread: 1, mentions: 0, lastMessageSeq: 6 });
    s = countMessage(s, message(7, { mention_profile_ids: [ME] }), reader);
    s = countMessage(s, message(8, { mention_role_ids: ['mods'] }), reader);
    s = countMessage(s, message(9, { mention_everyone: true }), reader);
    expect(s).toMatchObject({ unread: 4, mentions: 3, lastMessageSeq: 9 });
  });

  it('@everyone and @here count as unread but not as a mention where the reader suppresses them', () => {
    const quiet = { ...reader, suppressEveryone: true };
    let s = countMessage(state(), message(6, { mention_everyone: true }), quiet);
    s = countMessage(s, message(7, { mention_everyone: true, mention_profile_ids: [ME] }), quiet);
    expect(s).toMatchObject({ unread: 2, mentions: 1 });
  });

  it('ignores a message seen before, the reader’s own, and deleted ones', () => {
    const start = state();
    expect(countMessage(start, message(5), reader)).toBe(start);
    expect(countMessage(start, message(6, { author_id: ME }), reader)).toMatchObject({
      unread: 0,
      lastMessageSeq: 6,
    });
    expect(countMessage(start, message(6, { deleted_at: '2026-01-01T00:00:00Z' }), reader)).toBe(start);
  });
});

describe('totalsByServer', () => {
  it('sums mentions and flags unread per server, DMs under the empty key', () => {
    expect(
      totalsByServer({
        a: state({ unread: 2, mentions: 1 }),
        b: state({ unread: 0 }),
        c: state({ serverId: null, unread: 1 }),
      }),
    ).toEqual({ s1: { unread: true, mentions: 1 }, '': { unread: true, mentions: 0 } });
  });
});
