/**
 * Link previews in messages.embeds, as apps/server's fetch-preview job stores them. Other
 * embeds (a webhook's or bot's own) have no such type and are left to their renderer.
 */
export interface LinkPreview {
  type: 'link' | 'article' | 'video' | 'image';
  url: string;
  title: string | null;
  description: string | null;
  site_name: string | null;
  color: string | null;
  image: { url: string; width: number; height: number } | null;
}

const TYPES = new Set(['link', 'article', 'video', 'image']);
/** Images come only from apps/server's copies: the browser never contacts the linked site. */
const IMAGE_PATH = /^\/api\/media\/previews\/[0-9a-f-]{36}$/;

const isPreview = (embed: unknown): embed is Record<string, unknown> =>
  typeof embed === 'object' && embed !== null && TYPES.has((embed as { type?: string }).type ?? '');

const textOf = (value: unknown) => (typeof value === 'string' && value ? value : null);

/** The message's link previews, checked field by field (whatever else is there is dropped). */
export function linkPreviews(embeds: unknown): LinkPreview[] {
  if (!Array.isArray(embeds)) return [];
  return embeds.filter(isPreview).flatMap((embed) => {
    const url = textOf(embed.url);
    if (!url || !/^https?:\/\//i.test(url)) return [];
    const image = embed.image as LinkPreview['image'];
    return [
      {
        type: embed.type as LinkPreview['type'],
        url,
        title: textOf(embed.title),
        description: textOf(embed.description),
        site_name: textOf(embed.site_name),
        color: /^#[0-9a-f]{6}$/i.test(String(embed.color)) ? String(embed.color) : null,
        image:
          image && IMAGE_PATH.test(String(image.url)) && image.width > 0 && image.height > 0
            ? { url: image.url, width: image.width, height: image.height }
            : null,
      },
    ];
  });
}

/** The embeds that are not link previews (what a bot or webhook sent). */
export function withoutLinkPreviews(embeds: unknown): unknown[] {
  return Array.isArray(embeds) ? embeds.filter((embed) => !isPreview(embed)) : [];
}
