import type { Message } from '../../lib/types.js';

/** Who a webhook message was sent as, or null for a member's or bot's message. */
export function webhookSender(message: Message): { name: string; avatarUrl: string | null } | null {
  const { author_name, author_avatar_url } = message;
  return message.author_id === null && author_name
    ? { name: author_name, avatarUrl: author_avatar_url ?? null }
    : null;
}

/** What groups messages: the author, or the name a webhook sent as. */
export const senderKey = (message: Message) =>
  message.author_id ?? `webhook:${webhookSender(message)?.name ?? ''}`;
