/** The user's skin tone and recently used emoji, kept in this browser (as Discord does per device). */
const TONE_KEY = 'harmony.emoji.tone';
const RECENT_KEY = 'harmony.emoji.recent';
const MAX_RECENT = 24;

const storage = (): Storage | null => (typeof localStorage === 'undefined' ? null : localStorage);

export function skinTone(): number {
  const tone = Number(storage()?.getItem(TONE_KEY) ?? 0);
  return tone >= 0 && tone <= 5 ? tone : 0;
}

export function setSkinTone(tone: number): void {
  storage()?.setItem(TONE_KEY, String(tone));
}

/** Most recent first: Unicode emoji as themselves, server emoji as `name:id`. */
export function recentEmoji(): string[] {
  try {
    const list = JSON.parse(storage()?.getItem(RECENT_KEY) ?? '[]') as unknown;
    return Array.isArray(list) ? list.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

export function rememberEmoji(value: string): void {
  const next = [value, ...recentEmoji().filter((x) => x !== value)].slice(0, MAX_RECENT);
  storage()?.setItem(RECENT_KEY, JSON.stringify(next));
}
