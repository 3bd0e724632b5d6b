/**
 * The Unicode emoji set (emojibase-data: names, categories, skin tones) and GitHub-style
 * shortcodes. About 100 KB gzip, so it is loaded the first time someone needs it (the picker,
 * a `:` suggestion, a `:shortcode:` on send), never with the first screen.
 */
export interface Emoji {
  /** The character(s), without the emoji variation selector. */
  emoji: string;
  name: string;
  /** Without colons; the first is the preferred one. */
  shortcodes: string[];
  group: number;
  tags: string[];
  /** The five skin tones, light to dark, when the emoji has them. */
  skins?: string[];
}

export interface EmojiData {
  emojis: Emoji[];
  byShortcode: Map<string, Emoji>;
}

/** Picker categories: emojibase group numbers (2, skin-tone components, is left out). */
export const CATEGORIES = [
  { group: 0, label: 'Smileys & emotion' },
  { group: 1, label: 'People & body' },
  { group: 3, label: 'Animals & nature' },
  { group: 4, label: 'Food & drink' },
  { group: 5, label: 'Travel & places' },
  { group: 6, label: 'Activities' },
  { group: 7, label: 'Objects' },
  { group: 8, label: 'Symbols' },
  { group: 9, label: 'Flags' },
] as const;

interface CompactEmoji {
  hexcode: string;
  label: string;
  unicode: string;
  group?: number;
  order?: number;
  tags?: string[];
  skins?: { unicode: string }[];
}

/** U+FE0F (emoji presentation) is left off, so the same emoji always compares equal. */
export const bare = (emoji: string) => emoji.replace(/\uFE0F/g, '');

/** Builds the index from the raw data set (exported for tests, which pass the JSON directly). */
export function buildEmojiData(
  compact: readonly CompactEmoji[],
  shortcodes: Record<string, string | string[]>,
): EmojiData {
  const emojis: Emoji[] = [];
  const byShortcode = new Map<string, Emoji>();
  for (const entry of [...compact].sort((a, b) => (a.order ?? 0) - (b.order ?? 0))) {
    if (entry.group === undefined || entry.group === 2) continue;
    const codes = shortcodes[entry.hexcode] ?? shortcodes[entry.hexcode.replace(/-FE0F/g, '')] ?? [];
    const emoji: Emoji = {
      emoji: bare(entry.unicode),
      name: entry.label,
      shortcodes: Array.isArray(codes) ? codes : [codes],
      group: entry.group,
      tags: entry.tags ?? [],
      skins: entry.skins?.length === 5 ? entry.skins.map((s) => bare(s.unicode)) : undefined,
    };
    emojis.push(emoji);
    for (const code of emoji.shortcodes) if (!byShortcode.has(code)) byShortcode.set(code, emoji);
  }
  return { emojis, byShortcode };
}

let loading: Promise<EmojiData> | null = null;

export function loadEmojiData(): Promise<EmojiData> {
  loading ??= Promise.all([
    import('emojibase-data/en/compact.json'),
    import('emojibase-data/en/shortcodes/github.json'),
  ]).then(([compact, codes]) =>
    buildEmojiData(compact.default as CompactEmoji[], codes.default as Record<string, string | string[]>),
  );
  return loading;
}

/** Emoji whose shortcode, name or tag matches the query, best matches first (shortcode prefix). */
export function searchEmoji(data: EmojiData, query: string, limit = 50): Emoji[] {
  const q = query.toLowerCase().replace(/^:|:$/g, '').trim();
  if (!q) return [];
  const scored: [number, Emoji][] = [];
  for (const emoji of data.emojis) {
    let score = 0;
    if (emoji.shortcodes.some((c) => c === q)) score = 4;
    else if (emoji.shortcodes.some((c) => c.startsWith(q))) score = 3;
    else if (emoji.name.toLowerCase().startsWith(q)) score = 2;
    else if (emoji.name.toLowerCase().includes(q) || emoji.tags.some((t) => t.startsWith(q))) score = 1;
    if (score) scored.push([score, emoji]);
  }
  return scored
    .sort((a, b) => b[0] - a[0])
    .slice(0, limit)
    .map(([, emoji]) => emoji);
}

/** `:shortcode:` of a known Unicode emoji becomes the emoji (custom server emoji are tokens, elsewhere). */
export function withUnicodeShortcodes(text: string, data: EmojiData): string {
  return text.replace(/(^|[^<a\w]):([a-z0-9_+-]{1,40}):/g, (token, before: string, code: string) => {
    const emoji = data.byShortcode.get(code);
    return emoji ? `${before}${emoji.emoji}` : token;
  });
}

/** The emoji in the chosen skin tone (1–5), when it has tones. */
export function withSkin(emoji: Emoji, tone: number): string {
  return (tone > 0 && emoji.skins?.[tone - 1]) || emoji.emoji;
}
