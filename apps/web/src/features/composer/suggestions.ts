/** What the text before the caret asks to complete: `@name`, `#channel` or `:emoji`. */
export interface Trigger {
  kind: '@' | '#' | ':';
  query: string;
  /** Where the trigger character is: the completion replaces text from here to the caret. */
  start: number;
}

/** Emoji suggestions start after two characters, as in Discord (`:)` stays a smiley). */
const MIN_QUERY: Record<Trigger['kind'], number> = { '@': 0, '#': 0, ':': 2 };

export function triggerAt(text: string, caret: number): Trigger | null {
  const match = /(^|\s)([@#:])([\w.+-]*)$/.exec(text.slice(0, caret));
  if (!match) return null;
  const kind = match[2] as Trigger['kind'];
  const query = match[3] ?? '';
  if (query.length < MIN_QUERY[kind]) return null;
  return { kind, query, start: caret - query.length - 1 };
}

/** The text with the trigger replaced by `insert` and a space; the caret lands after it. */
export function complete(text: string, caret: number, trigger: Trigger, insert: string) {
  const next = `${text.slice(0, trigger.start)}${insert} ${text.slice(caret)}`;
  return { text: next, caret: trigger.start + insert.length + 1 };
}

/** The next option for an arrow key, wrapping around. */
export function moveActive(active: number, count: number, key: 'ArrowUp' | 'ArrowDown'): number {
  if (count === 0) return 0;
  return (active + (key === 'ArrowDown' ? 1 : -1) + count) % count;
}

/** `#name` of a text channel of the server becomes the token messages store (`<#id>`). */
export function withChannelTokens(
  text: string,
  channels: readonly { id: string; name: string | null }[],
): string {
  return text.replace(/(^|\s)#([\w-]{1,100})/g, (token, before: string, name: string) => {
    const channel = channels.find((c) => c.name === name);
    return channel ? `${before}<#${channel.id}>` : token;
  });
}
