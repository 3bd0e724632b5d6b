import { describe, expect, it } from 'vitest';
import { type AuditNames, auditChanges, describeAudit } from '../src/features/moderation/audit-text.js';
import type { AuditEntry } from '../src/features/moderation/moderation-api.js';

const ADA = '00000000-0000-4000-8000-00000000000a';
const BOB = '00000000-0000-4000-8000-00000000000b';
const NEWS = '00000000-0000-4000-8000-0000000000c1';
const GONE = '00000000-0000-4000-8000-0000000000ff';

const names: AuditNames = {
  profile: (id) => ({ [ADA]: 'Ada', [BOB]: 'Bob' })[id],
  channel: (id) => (id === NEWS ? 'news' : undefined),
  role: () => undefined,
  category: () => undefined,
};

type Scalar = string | number | boolean | null;

const entry = (action: AuditEntry['action'], fields: Partial<AuditEntry> = {}): AuditEntry => ({
  id: 1,
  server_id: 's',
  actor_id: ADA,
  action,
  target_id: BOB,
  changes: {},
  reason: null,
  created_at: '2026-12-06T10:00:00Z',
  ...fields,
});

describe('audit log lines', () => {
  it('say who did what to whom, in words', () => {
    expect(describeAudit(entry('member_kick'), names)).toBe('Ada kicked Bob');
    expect(describeAudit(entry('member_ban', { actor_id: null }), names)).toBe('Harmony banned Bob');
    expect(
      describeAudit(
        entry('member_timeout', { changes: { timed_out_until: { before: 'x', after: null } } }),
        names,
      ),
    ).toBe('Ada removed the timeout of Bob');
    expect(describeAudit(entry('member_update', { target_id: ADA }), names)).toBe(
      'Ada changed their nickname',
    );
    expect(describeAudit(entry('report_resolve', { changes: { resolution: 'ban' } }), names)).toBe(
      'Ada resolved a report about Bob: banned the member',
    );
    expect(
      describeAudit(
        entry('message_delete', { target_id: GONE, changes: { author_id: BOB, channel_id: NEWS } }),
        names,
      ),
    ).toBe('Ada deleted a message by Bob in #news');
    // A deleted channel is named from the change itself, never by its id.
    expect(
      describeAudit(
        entry('channel_delete', { target_id: GONE, changes: { name: { before: 'old-news', after: null } } }),
        names,
      ),
    ).toBe('Ada deleted channel #old-news');
  });

  it('show changes before → after, one side for creations, permissions by name, no ids', () => {
    expect(
      auditChanges(
        entry('channel_update', {
          changes: { name: { before: 'a', after: 'b' }, category_id: { before: GONE, after: null } },
        }),
        names,
      ),
    ).toEqual([
      { field: 'Name', before: 'a', after: 'b' },
      { field: 'Category', before: 'a deleted item', after: 'none' },
    ]);
    expect(
      auditChanges(entry('role_create', { changes: { name: { before: null, after: 'Mods' } } }), names),
    ).toEqual([{ field: 'Name', summary: 'Mods' }]);
    expect(
      auditChanges(entry('role_update', { changes: { permissions: { before: '2', after: '4' } } }), names),
    ).toEqual([{ field: 'Permissions', summary: '−Kick members, +Ban members' }]);
  });

  it("show a creation by what was set, in the settings' words", () => {
    const created = entry('channel_create', {
      target_id: NEWS,
      changes: Object.fromEntries(
        Object.entries({
          name: 'news',
          type: 'voice',
          position: 1,
          category_id: null,
          nsfw: false,
          is_encrypted: false,
          slowmode_seconds: 0,
          user_limit: 0,
          topic: null,
        }).map(([key, after]) => [key, { before: null, after }]),
      ),
    });
    expect(auditChanges(created, names)).toEqual([
      { field: 'Name', summary: 'news' },
      { field: 'Type', summary: 'Voice' },
    ]);
    // A thread names its parent channel; an emoji's storage path is not shown.
    const thread = entry('channel_create', {
      changes: { type: { before: null, after: 'thread' }, parent_id: { before: null, after: NEWS } },
    });
    expect(auditChanges(thread, names)).toEqual([
      { field: 'Type', summary: 'Thread' },
      { field: 'Parent channel', summary: 'news' },
    ]);
    const emoji = entry('emoji_create', {
      changes: {
        name: { before: null, after: 'party' },
        image_path: { before: null, after: `s/${GONE}.png` },
      },
    });
    expect(auditChanges(emoji, names)).toEqual([
      { field: 'Name', summary: 'party' },
      { field: 'Image', summary: 'an image' },
    ]);
  });

  it('show settings changes in words: slow mode, limits, flags, levels, images', () => {
    const changed = (changes: Record<string, [Scalar, Scalar]>) =>
      auditChanges(
        entry('channel_update', {
          changes: Object.fromEntries(
            Object.entries(changes).map(([key, [before, after]]) => [key, { before, after }]),
          ),
        }),
        names,
      );
    expect(
      changed({
        slowmode_seconds: [0, 300],
        nsfw: [false, true],
        user_limit: [10, 0],
        default_notification_level: ['all', 'mentions'],
        icon_url: [null, 'https://example.test/storage/v1/object/public/icons/a.png'],
        encryption_mode: ['disabled', 'required'],
      }),
    ).toEqual([
      { field: 'Slow mode', before: 'Off', after: '5 minutes' },
      { field: 'Age-restricted (NSFW)', before: 'off', after: 'on' },
      { field: 'User limit', before: '10', after: 'no limit' },
      { field: 'Default notifications', before: 'All messages', after: 'Only @mentions' },
      { field: 'Icon', before: 'none', after: 'an image' },
      { field: 'Encryption', before: 'off', after: 'required' },
    ]);
    expect(changed({ slowmode_seconds: [45, 5] })).toEqual([
      { field: 'Slow mode', before: '45 seconds', after: '5 seconds' },
    ]);
  });

  it('show a reorder as one line with the order before → after, by name', () => {
    const reorder = entry('channel_reorder', {
      target_id: 's',
      changes: { channels: { before: [NEWS, GONE], after: [GONE, NEWS] } },
    });
    expect(describeAudit(reorder, names)).toBe('Ada reordered the channel list');
    expect(auditChanges(reorder, names)).toEqual([
      { field: 'Channels', before: '#news, a deleted item', after: 'a deleted item, #news' },
    ]);
  });
});
