import { describe, expect, it } from 'vitest';
import { contiguousNewestSeq, mergeMessages, newestSeq, startsGroup } from '../src/lib/message-list.js';
import type { Message } from '../src/lib/types.js';

const base = Date.parse('2026-11-24T10:00:00Z');
function msg(seq: number, patch: Partial<Message> = {}): Message {
  return {
    id: `m${seq}`,
    channel_id: 'c',
    seq,
    author_id: 'a',
    type: 'default',
    content: `message ${seq}`,
    reply_to_id: null,
    attachments: [],
    embeds: [],
    mention_profile_ids: [],
    mention_role_ids: [],
    mention_everyone: false,
    nonce: null,
    edited_at: null,
    deleted_at: null,
    pinned_at: null,
    pinned_by: null,
    created_at: new Date(base + seq * 1000).toISOString(),
    search_vector: null as never,
    ...patch,
  } as Message;
}

describe('mergeMessages', () => {
  it('orders by sequence and keeps each message once', () => {
    const merged = mergeMessages([msg(2), msg(4)], [msg(3), msg(1), msg(4)]);
    expect(merged.map((m) => m.seq)).toEqual([1, 2, 3, 4]);
  });

  it('keeps the newest version: edits replace, stale copies do not undo them', () => {
    const edited = msg(1, { content: 'edited', edited_at: new Date(base + 60_000).toISOString() });
    expect(mergeMessages([msg(1)], [edited])[0]?.content).toBe('edited');
    expect(mergeMessages([edited], [msg(1)])[0]?.content).toBe('edited');
  });

  it('never resurrects a deleted message', () => {
    const deleted = msg(1, { content: '', deleted_at: new Date(base + 5000).toISOString() });
    const lateEdit = msg(1, { content: 'late', edited_at: new Date(base + 9000).toISOString() });
    expect(mergeMessages([deleted], [lateEdit])[0]?.deleted_at).not.toBeNull();
  });

  it("a write's late answer does not undo a live change of the same version (link previews)", () => {
    const previewed = msg(1, { embeds: [{ type: 'link', url: 'https://example.org/' }] });
    // The insert's answer (no previews yet) arrives after the previews' message_update.
    expect(mergeMessages([previewed], [msg(1)], { keepOnTie: true })[0]?.embeds).toEqual(previewed.embeds);
    // A live event of the same version still replaces (previews, pins).
    expect(mergeMessages([msg(1)], [previewed])[0]?.embeds).toEqual(previewed.embeds);
  });

  it('returns the same array when nothing arrives', () => {
    const list = [msg(1)];
    expect(mergeMessages(list, [])).toBe(list);
  });
});

describe('sequence helpers', () => {
  it('detects gaps that a catch-up must fill', () => {
    expect(contiguousNewestSeq([msg(1), msg(2), msg(3)])).toBe(3);
    expect(contiguousNewestSeq([msg(1), msg(3), msg(4)])).toBe(1);
    expect(contiguousNewestSeq([])).toBe(0);
    expect(newestSeq([msg(1), msg(7)])).toBe(7);
    expect(newestSeq([])).toBe(0);
  });

  it('groups consecutive messages of one author within seven minutes', () => {
    expect(startsGroup(undefined, msg(1))).toBe(true);
    expect(startsGroup(msg(1), msg(2))).toBe(false);
    expect(startsGroup(msg(1), msg(2, { author_id: 'b' }))).toBe(true);
    expect(startsGroup(msg(1), msg(2, { created_at: new Date(base + 9 * 60_000).toISOString() }))).toBe(true);
    expect(startsGroup(msg(1), msg(2, { reply_to_id: 'm1' }))).toBe(true);
  });
});
