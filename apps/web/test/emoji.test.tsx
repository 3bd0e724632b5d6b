import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { parseReaction, reactionValue, withCustomEmojiTokens } from '../src/features/emoji/custom-emoji.js';
import { renderMarkdown } from '../src/lib/markdown.js';
import type { CustomEmoji } from '../src/lib/types.js';

const PARTY = {
  id: '11111111-2222-4333-8444-555555555555',
  name: 'party',
  animated: false,
  image_path: 's/party.png',
} as CustomEmoji;
const DANCE = { ...PARTY, id: '11111111-2222-4333-8444-666666666666', name: 'dance', animated: true };

describe('custom emoji', () => {
  it('turns :name: of server emoji into tokens and leaves other text alone', () => {
    expect(withCustomEmojiTokens('hi :party: and :dance: but not :nope: or 10:30:45', [PARTY, DANCE])).toBe(
      `hi <:party:${PARTY.id}> and <a:dance:${DANCE.id}> but not :nope: or 10:30:45`,
    );
    const once = withCustomEmojiTokens(':party:', [PARTY]);
    expect(withCustomEmojiTokens(once, [PARTY])).toBe(once);
  });

  it('stores reactions as name:id and reads them back', () => {
    expect(reactionValue('👍')).toBe('👍');
    expect(reactionValue(PARTY)).toBe(`party:${PARTY.id}`);
    expect(parseReaction(`party:${PARTY.id}`)).toEqual({ name: 'party', id: PARTY.id });
    expect(parseReaction('👍')).toBeNull();
  });

  it('renders known emoji as images and unknown ones as their name', () => {
    const html = (text: string) =>
      renderToStaticMarkup(
        <>
          {renderMarkdown(text, {
            user: () => undefined,
            role: () => undefined,
            emoji: (id) => (id === PARTY.id ? 'https://cdn.test/party.png' : undefined),
          })}
        </>,
      );
    // React 19 may add an image preload hint before the markup; the image itself is what matters.
    expect(html(`yay <:party:${PARTY.id}>`)).toContain(
      'yay <img class="custom-emoji" src="https://cdn.test/party.png" alt=":party:" title=":party:"/>',
    );
    expect(html(`<a:dance:${DANCE.id}>`)).toBe(':dance:');
  });
});
