import type { Message } from '../../lib/types.js';
import { useLazyModule } from '../../ui/use-lazy-module.js';
import { linkPreviews } from './link-previews.js';

const loadCards = () => import('./LinkEmbedCards.js');

/** A message's link previews; the cards' code loads with the first message that has one. */
export function LinkEmbeds({ message }: { message: Message }) {
  const previews = linkPreviews(message.embeds);
  const cards = useLazyModule(loadCards, previews.length > 0);
  if (!cards || previews.length === 0) return null;
  return <cards.LinkEmbedCards message={message} previews={previews} />;
}
