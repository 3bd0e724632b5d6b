import type { MentionResolver, PlainText } from '../../lib/markdown.js';
import { preloadModule, useLazyModule } from '../../ui/use-lazy-module.js';

// Discord's formatting is loaded when the first message shows, not before the sign-in screen.
const loadRenderer = () => import('./formatted.js');

/** A reload on a channel: the renderer loads alongside its messages, so they show formatted at once. */
export const preloadFormatting = (): void => preloadModule(loadRenderer);

/** A message's text with Discord's formatting; its plain runs until the renderer has loaded (once). */
export function FormattedText({
  text,
  mentions,
  plain,
}: {
  text: string;
  mentions: MentionResolver;
  plain: PlainText;
}) {
  const renderer = useLazyModule(loadRenderer, true);
  return renderer ? renderer.renderMarkdown(text, mentions, plain) : plain(text, 'loading');
}
