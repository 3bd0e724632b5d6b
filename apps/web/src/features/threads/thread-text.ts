import { timeAgo } from '../../lib/notification-view.js';
import type { Thread } from './thread-api.js';

/** "N messages — last 5m ago", as Discord puts it under a thread's starter message. */
export function threadActivity(thread: Thread, now = Date.now()): string {
  const count = `${thread.message_count} message${thread.message_count === 1 ? '' : 's'}`;
  if (!thread.last_message_at) return count;
  const ago = timeAgo(thread.last_message_at, now);
  return `${count} — last ${ago === 'now' ? 'just now' : /\d[mhd]$/.test(ago) ? `${ago} ago` : ago}`;
}
