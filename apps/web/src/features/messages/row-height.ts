import type { Attachment, Message } from '../../lib/types.js';
import { attachmentHeight } from '../attachments/attachment-kind.js';

/** A line of message text (15 px at line-height 1.4). */
const LINE = 21;
/** A code block's padding and margins, beyond its lines. */
const CODE_BLOCK = 24;
/** A link preview card without an image: site, title, two lines of description. */
const LINK_CARD = 110;

/**
 * A message row's height before it is measured: its header (unless grouped), text lines, code
 * blocks, attachment boxes (from their stored sizes) and link cards. Close estimates keep the
 * list's first render to the rows that fit on screen.
 */
export function estimateMessageHeight(message: Message, grouped: boolean): number {
  const extraLines = message.content.split('\n').length - 1;
  const codeBlocks = Math.floor((message.content.split('```').length - 1) / 2);
  const stored = (message.attachments as unknown as Attachment[] | null) ?? [];
  const attachments = stored.reduce((sum, a) => sum + attachmentHeight(a) + 4, 0);
  const cards = Array.isArray(message.embeds) ? message.embeds.length * LINK_CARD : 0;
  return (grouped ? 28 : 60) + extraLines * LINE + codeBlocks * CODE_BLOCK + attachments + cards;
}
