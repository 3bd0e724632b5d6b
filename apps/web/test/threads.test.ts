import { describe, expect, it } from 'vitest';
import { isArchived, type Thread } from '../src/features/threads/thread-api.js';
import { threadActivity } from '../src/features/threads/thread-text.js';

const NOW = Date.parse('2026-12-06T12:00:00Z');
const thread = (fields: Partial<Thread> = {}): Thread => ({
  id: 't',
  parent_id: 'c',
  server_id: 's',
  name: 'Release plan',
  owner_id: 'ada',
  starter_message_id: null,
  auto_archive_minutes: 60,
  archived: false,
  archived_at: null,
  archive_at: '2026-12-06T12:30:00Z',
  locked: false,
  message_count: 0,
  member_count: 1,
  last_message_at: null,
  last_author_id: null,
  created_at: '2026-12-06T11:30:00Z',
  ...fields,
});

describe('isArchived', () => {
  it('is archived when archived explicitly or once its idle time has passed, as the database computes it', () => {
    expect(isArchived(thread(), NOW)).toBe(false);
    expect(isArchived(thread({ archived: true }), NOW)).toBe(true);
    expect(isArchived(thread({ archive_at: '2026-12-06T12:00:00Z' }), NOW)).toBe(true);
  });
});

describe('threadActivity', () => {
  it('counts messages and says how long ago the last one came, as under a starter message', () => {
    expect(threadActivity(thread(), NOW)).toBe('0 messages');
    expect(threadActivity(thread({ message_count: 1, last_message_at: '2026-12-06T11:59:50Z' }), NOW)).toBe(
      '1 message — last just now',
    );
    expect(threadActivity(thread({ message_count: 12, last_message_at: '2026-12-06T11:55:00Z' }), NOW)).toBe(
      '12 messages — last 5m ago',
    );
  });
});
