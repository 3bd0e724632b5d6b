import { load } from 'cheerio';
import ogs from 'open-graph-scraper';

/** What a page says about itself, by Open Graph, Twitter card, oEmbed discovery and plain HTML. */
export interface PageMetadata {
  /** Discord's link-embed types (the database tells previews from other embeds by them). */
  type: 'link' | 'article' | 'video' | 'image';
  title: string | null;
  description: string | null;
  siteName: string | null;
  /** #rrggbb from theme-color, the embed's accent. */
  color: string | null;
  /** Absolute http(s) URL of the preview image, with the size the page declares. */
  image: { url: string; width: number | null; height: number | null } | null;
  /** The page's oEmbed endpoint (JSON), when it links one. */
  oembedUrl: string | null;
}

const LIMITS = { title: 256, description: 350, siteName: 100 };

/**
 * Reads the metadata of HTML this service fetched itself (open-graph-scraper is given the
 * HTML, never a URL, so it makes no request of its own); relative URLs resolve against pageUrl.
 */
export async function parseMetadata(html: string, pageUrl: string): Promise<PageMetadata> {
  const { result } = await ogs({
    html,
    customMetaTags: [{ fieldName: 'themeColor', property: 'theme-color', multiple: false }],
  });
  const $ = load(html);
  const ogImage = result.ogImage?.[0];
  const twitterImage = result.twitterImage?.[0];
  const image = ogImage ?? twitterImage;
  const imageUrl = image ? absolute(image.url, pageUrl) : null;
  const ogType = (result.ogType ?? '').toLowerCase();
  const oembed = $('link[type="application/json+oembed"]').attr('href');
  return {
    type: ogType.startsWith('video') ? 'video' : ogType === 'article' ? 'article' : 'link',
    title: text(result.ogTitle ?? result.twitterTitle ?? $('head > title').first().text(), LIMITS.title),
    description: text(
      result.ogDescription ?? result.twitterDescription ?? $('meta[name="description"]').attr('content'),
      LIMITS.description,
    ),
    siteName: text(result.ogSiteName ?? result.twitterSite, LIMITS.siteName),
    color: hexColor(result.customMetaTags?.themeColor),
    image: imageUrl
      ? { url: imageUrl, width: dimension(image?.width), height: dimension(image?.height) }
      : null,
    oembedUrl: oembed ? absolute(oembed, pageUrl) : null,
  };
}

/** The part of an oEmbed answer (https://oembed.com) a preview uses. */
export function applyOembed(page: PageMetadata, answer: unknown): PageMetadata {
  if (!answer || typeof answer !== 'object') return page;
  const o = answer as Record<string, unknown>;
  const thumbnail = typeof o.thumbnail_url === 'string' ? o.thumbnail_url : null;
  return {
    ...page,
    type: o.type === 'video' ? 'video' : o.type === 'photo' ? 'image' : page.type,
    title: page.title ?? text(o.title, LIMITS.title),
    siteName: page.siteName ?? text(o.provider_name, LIMITS.siteName),
    image:
      page.image ??
      (thumbnail && /^https?:\/\//i.test(thumbnail)
        ? { url: thumbnail, width: dimension(o.thumbnail_width), height: dimension(o.thumbnail_height) }
        : null),
  };
}

function text(value: unknown, limit: number): string | null {
  if (typeof value !== 'string') return null;
  const collapsed = value.replace(/\s+/g, ' ').trim();
  if (!collapsed) return null;
  return collapsed.length > limit ? `${collapsed.slice(0, limit - 1)}…` : collapsed;
}

function absolute(link: string, base: string): string | null {
  try {
    const url = new URL(link, base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.toString() : null;
  } catch {
    return null;
  }
}

function dimension(value: unknown): number | null {
  const number = typeof value === 'number' ? value : Number.parseInt(String(value ?? ''), 10);
  return Number.isInteger(number) && number > 0 && number <= 16_384 ? number : null;
}

function hexColor(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const hex = value.trim().toLowerCase();
  if (/^#[0-9a-f]{6}$/.test(hex)) return hex;
  const short = /^#([0-9a-f])([0-9a-f])([0-9a-f])$/.exec(hex);
  return short ? `#${short[1]}${short[1]}${short[2]}${short[2]}${short[3]}${short[3]}` : null;
}
