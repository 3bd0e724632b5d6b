/** Names for the tokens in a message's text; undefined = not known to (or not visible to) the reader. */
export interface MentionNames {
  user(id: string): string | undefined;
  role(id: string): string | undefined;
  channel?(id: string): string | undefined;
}

/**
 * The text with mention, channel and emoji tokens as people read them (`@name`, `@role`,
 * `#channel`, `:emoji:`): what the web client shows and what push bodies say.
 */
export function mentionsToPlainText(text: string, names: MentionNames): string {
  return text
    .replace(/<@&([0-9a-f-]{36})>/g, (_, id: string) => `@${names.role(id) ?? 'deleted-role'}`)
    .replace(/<@([0-9a-f-]{36})>/g, (_, id: string) => `@${names.user(id) ?? 'unknown-user'}`)
    .replace(/<#([0-9a-f-]{36})>/g, (_, id: string) => `#${names.channel?.(id) ?? 'unknown-channel'}`)
    .replace(/<a?:([A-Za-z0-9_]{2,32}):[0-9a-f-]{36}>/g, (_, name: string) => `:${name}:`);
}
