import type { HarmonyClient } from '../../lib/supabase.js';
import type { CustomEmoji } from '../../lib/types.js';

export function customEmojiUrl(client: HarmonyClient, emoji: Pick<CustomEmoji, 'image_path'>): string {
  return client.storage.from('emoji').getPublicUrl(emoji.image_path).data.publicUrl;
}

/** `:name:` of a server emoji becomes the token messages store (`<:name:id>`, `<a:…>` if animated). */
export function withCustomEmojiTokens(text: string, emojis: readonly CustomEmoji[]): string {
  return text.replace(/(^|[^<a]):([A-Za-z0-9_]{2,32}):/g, (token, before: string, name: string) => {
    const emoji = emojis.find((e) => e.name === name);
    return emoji ? `${before}<${emoji.animated ? 'a' : ''}:${emoji.name}:${emoji.id}>` : token;
  });
}

/** Reactions store a custom emoji as `name:id` (message_reactions.emoji). */
export function reactionValue(emoji: string | CustomEmoji): string {
  return typeof emoji === 'string' ? emoji : `${emoji.name}:${emoji.id}`;
}

export function parseReaction(value: string): { name: string; id: string } | null {
  const match = /^([A-Za-z0-9_]{2,32}):([0-9a-f-]{36})$/.exec(value);
  return match ? { name: match[1] as string, id: match[2] as string } : null;
}
