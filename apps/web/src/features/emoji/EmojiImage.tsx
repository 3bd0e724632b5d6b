import { type ReactNode, useState } from 'react';

/** One emoji: flags, keycaps, skin tones and ZWJ sequences included. */
export const EMOJI_PATTERN =
  /\p{RI}\p{RI}|[#*0-9]\uFE0F?\u20E3|\p{Extended_Pictographic}(?:\uFE0F|\p{EMod})?(?:\u200D\p{Extended_Pictographic}(?:\uFE0F|\p{EMod})?)*/gu;

/** Twemoji's file for an emoji: its code points in hex; U+FE0F dropped unless it is a ZWJ sequence. */
export function emojiUrl(emoji: string): string {
  const codes = [...emoji].map((c) => (c.codePointAt(0) ?? 0).toString(16));
  const name = (codes.includes('200d') ? codes : codes.filter((c) => c !== 'fe0f')).join('-');
  return `${import.meta.env.BASE_URL}emoji/${name}.svg`;
}

/**
 * An emoji drawn as Twemoji's image. Without an image for it (emoji newer than the set), the
 * character itself, or `onMissing` is told (the picker leaves such emoji out).
 */
export function EmojiImage({
  emoji,
  large,
  onMissing,
}: {
  emoji: string;
  large?: boolean;
  onMissing?: () => void;
}) {
  const [missing, setMissing] = useState(false);
  if (missing) return <>{emoji}</>;
  return (
    <img
      className={`emoji${large ? ' large' : ''}`}
      src={emojiUrl(emoji)}
      alt={emoji}
      draggable={false}
      loading="lazy"
      onError={() => (onMissing ? onMissing() : setMissing(true))}
    />
  );
}

/** Text with its emoji as images; `large` when the text is nothing but a few emoji (as chat apps show them). */
export function withEmojiImages(text: string, keyPrefix: string, large = false): ReactNode[] {
  const nodes: ReactNode[] = [];
  let last = 0;
  for (const match of text.matchAll(EMOJI_PATTERN)) {
    const at = match.index ?? 0;
    if (at > last) nodes.push(text.slice(last, at));
    nodes.push(<EmojiImage key={`${keyPrefix}-e${at}`} emoji={match[0]} large={large} />);
    last = at + match[0].length;
  }
  if (last < text.length) nodes.push(text.slice(last));
  return nodes;
}

/** Whether a message is only emoji (up to 27, as Discord), so they show large. */
export function onlyEmoji(text: string): boolean {
  const rest = text.replace(EMOJI_PATTERN, '').trim();
  const count = text.match(EMOJI_PATTERN)?.length ?? 0;
  return rest === '' && count > 0 && count <= 27;
}
