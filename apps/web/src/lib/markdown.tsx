import { mentionsToPlainText } from '@harmony/shared';
import type { ReactNode } from 'react';

export interface MentionResolver {
  user(id: string): string | undefined;
  role(id: string): string | undefined;
  /** Image URL of a custom emoji, when the viewer can see it. */
  emoji?(id: string): string | undefined;
  /** A channel's name, when the viewer can see it. */
  channel?(id: string): string | undefined;
}

/** Renders runs of plain text (e.g. emoji as images). */
export type PlainText = (run: string, key: string) => ReactNode[];

// Discord's formatting is rendered by features/formatting (messages load it on first use: FormattedText).
export { renderMarkdown } from '../features/formatting/markdown.js';

/** The text with mention, channel and emoji tokens as people read them (`@name`, `#channel`, `:emoji:`). */
export function toPlainText(text: string, mentions: MentionResolver): string {
  return mentionsToPlainText(text, mentions);
}
