import type { Message } from '../../lib/types.js';

export interface UnreadState {
  /** null for DMs and group DMs. */
  serverId: string | null;
  unread: number;
  mentions: number;
  lastMessageSeq: number;
  lastReadSeq: number;
}

export interface Reader {
  profileId: string;
  /** The reader's roles in the message's server (role mentions count for them). */
  roleIds: readonly string[];
  /** The reader suppresses @everyone and @here in the message's server. */
  suppressEveryone?: boolean;
}

/** Whether a message mentions the reader, as get_unread_state counts it. */
export function mentions(message: Message, reader: Reader): boolean {
  return (
    (message.mention_everyone && !reader.suppressEveryone) ||
    message.mention_profile_ids.includes(reader.profileId) ||
    message.mention_role_ids.some((id) => reader.roleIds.includes(id))
  );
}

/**
 * A channel's unread state after a new message arrived live (the same counting as
 * get_unread_state: others' live messages after the read marker). A message already counted,
 * or one the reader wrote, changes only the newest sequence number.
 */
export function countMessage(state: UnreadState, message: Message, reader: Reader): UnreadState {
  if (message.seq <= state.lastMessageSeq || message.deleted_at) return state;
  const counts = message.author_id !== reader.profileId && message.seq > state.lastReadSeq;
  return {
    ...state,
    lastMessageSeq: message.seq,
    unread: state.unread + (counts ? 1 : 0),
    mentions: state.mentions + (counts && mentions(message, reader) ? 1 : 0),
  };
}

/** Unread channels and mentions per server (key '' for direct messages). */
export function totalsByServer(
  byChannel: Record<string, UnreadState>,
): Record<string, { unread: boolean; mentions: number }> {
  const totals: Record<string, { unread: boolean; mentions: number }> = {};
  for (const state of Object.values(byChannel)) {
    const key = state.serverId ?? '';
    const total = totals[key] ?? { unread: false, mentions: 0 };
    totals[key] = { unread: total.unread || state.unread > 0, mentions: total.mentions + state.mentions };
  }
  return totals;
}
