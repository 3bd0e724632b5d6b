import { PhoneIncoming, PhoneMissed } from 'lucide-react';
import type { Message } from '../../lib/types.js';
import './call-notice.css';

const CALL_LINES = new Set(['call_missed', 'call_declined', 'call_ended']);

/** The system lines start/answer/end_dm_call leave in a DM. */
export function isCallNotice(message: Pick<Message, 'type' | 'content'>): boolean {
  return message.type === 'system' && CALL_LINES.has(message.content);
}

export function CallNotice({ message, author }: { message: Message; author: string }) {
  const answered = message.content === 'call_ended';
  const Icon = answered ? PhoneIncoming : PhoneMissed;
  const text = answered
    ? 'started a call.'
    : message.content === 'call_declined'
      ? 'called. The call was declined.'
      : 'called. Missed call.';
  return (
    <article
      className={`message system call-notice${answered ? '' : ' missed'}`}
      aria-label={`${author} ${text}`}
    >
      <Icon aria-hidden="true" size={16} />
      <strong>{author}</strong> {text}
    </article>
  );
}
