import { senderKey } from '../features/bots/webhook-message.js';
import type { Message } from './types.js';

/**
 * Merges messages into a channel's list, ordered by sequence number. The same message may
 * arrive from a page load, a realtime event and a catch-up: it appears once, and the most
 * recent version (edits, deletion) wins.
 */
export function mergeMessages(
  existing: readonly Message[],
  incoming: readonly Message[],
  /**
   * For the answer to this client's own write: a copy of the same version already here came
   * live and is as new, or newer in what versions do not count (link previews, pins).
   */
  { keepOnTie = false } = {},
): Message[] {
  if (incoming.length === 0) return existing as Message[];
  const byId = new Map(existing.map((m) => [m.id, m]));
  for (const message of incoming) {
    const current = byId.get(message.id);
    const keep = current && (isNewer(current, message) || (keepOnTie && !isNewer(message, current)));
    byId.set(message.id, keep ? current : message);
  }
  return [...byId.values()].sort((a, b) => a.seq - b.seq);
}

function isNewer(current: Message, candidate: Message): boolean {
  return versionOf(current) > versionOf(candidate);
}

/** Deletion is final; otherwise a later edit is newer. */
function versionOf(message: Message): number {
  if (message.deleted_at) return Number.MAX_SAFE_INTEGER;
  return Date.parse(message.edited_at ?? message.created_at);
}

export function newestSeq(messages: readonly Message[]): number {
  return messages.at(-1)?.seq ?? 0;
}

/**
 * The newest sequence number reached without a gap from the oldest loaded message: pages are
 * contiguous, so only live events can leave holes, and "after this" re-fetches exactly them.
 */
export function contiguousNewestSeq(messages: readonly Message[]): number {
  for (let i = 1; i < messages.length; i++) {
    const prev = messages[i - 1] as Message;
    if ((messages[i] as Message).seq !== prev.seq + 1) return prev.seq;
  }
  return newestSeq(messages);
}

/** Consecutive messages by one author within 7 minutes render as one group. */
export function startsGroup(previous: Message | undefined, message: Message): boolean {
  if (!previous || senderKey(previous) !== senderKey(message)) return true;
  // System lines stand alone; a plain message after a reply by the same author still groups.
  const kind = (m: Message) => (m.type === 'default' || m.type === 'reply' ? 'text' : m.type);
  if (kind(previous) !== kind(message)) return true;
  if (message.reply_to_id) return true;
  return Date.parse(message.created_at) - Date.parse(previous.created_at) > 7 * 60 * 1000;
}

export function dayKey(iso: string): string {
  const d = new Date(iso);
  return `${d.getFullYear()}-${d.getMonth() + 1}-${d.getDate()}`;
}
