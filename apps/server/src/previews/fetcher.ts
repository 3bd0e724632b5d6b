import { imageSize } from 'image-size';
import { type AddressPolicy, fetchOutbound } from '../net/outbound.js';

/** Who fetches: sites see it in their logs and may serve previews to it or block it. */
export const USER_AGENT =
  'Mozilla/5.0 (compatible; HarmonyLinkPreview/1.0; +link previews for a Harmony chat)';

/** A page's head holds its metadata: the first megabyte is read, the rest never downloaded. */
const PAGE_BYTES = 1024 * 1024;
const OEMBED_BYTES = 64 * 1024;
/** As private.link_preview_images allows. */
export const IMAGE_BYTES = 5 * 1024 * 1024;
const MAX_REDIRECTS = 5;

export interface FetchLimits {
  policy: AddressPolicy;
  timeoutMs: number;
}

export async function fetchPage(url: string, limits: FetchLimits): Promise<{ url: string; html: string }> {
  const page = await fetchOutbound({
    url,
    policy: limits.policy,
    userAgent: USER_AGENT,
    accept: 'text/html,application/xhtml+xml;q=0.9',
    contentTypes: ['text/html', 'application/xhtml+xml'],
    maxBytes: PAGE_BYTES,
    overflow: 'truncate',
    timeoutMs: limits.timeoutMs,
    maxRedirects: MAX_REDIRECTS,
  });
  return { url: page.url, html: decodeHtml(page.body, page.charset) };
}

/** The page's text in the encoding its header, else its <meta charset>, names (else UTF-8). */
function decodeHtml(body: Buffer, headerCharset: string | null): string {
  const head = body.subarray(0, 2048).toString('latin1');
  const declared = headerCharset ?? /<meta[^>]+charset\s*=\s*["']?([\w.:-]+)/i.exec(head)?.[1] ?? 'utf-8';
  try {
    return new TextDecoder(declared).decode(body);
  } catch {
    return new TextDecoder('utf-8').decode(body);
  }
}

/** An oEmbed endpoint's JSON answer, or null when it is not JSON. */
export async function fetchOembed(url: string, limits: FetchLimits): Promise<unknown> {
  const answer = await fetchOutbound({
    url,
    policy: limits.policy,
    userAgent: USER_AGENT,
    accept: 'application/json',
    contentTypes: ['application/json', 'application/json+oembed', 'text/json', 'text/javascript'],
    maxBytes: OEMBED_BYTES,
    overflow: 'refuse',
    timeoutMs: limits.timeoutMs,
    maxRedirects: MAX_REDIRECTS,
  });
  try {
    return JSON.parse(answer.body.toString('utf8'));
  } catch {
    return null;
  }
}

const IMAGE_TYPES: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
};

export interface FetchedImage {
  bytes: Buffer;
  contentType: string;
  width: number;
  height: number;
}

/**
 * A preview image to re-host: only PNG, JPEG, GIF or WebP as its bytes show (never SVG, which
 * can carry script), with the size read from the image itself.
 */
export async function fetchImage(url: string, limits: FetchLimits): Promise<FetchedImage | null> {
  const image = await fetchOutbound({
    url,
    policy: limits.policy,
    userAgent: USER_AGENT,
    accept: 'image/webp,image/png,image/jpeg,image/gif;q=0.9',
    contentTypes: Object.values(IMAGE_TYPES),
    maxBytes: IMAGE_BYTES,
    overflow: 'refuse',
    timeoutMs: limits.timeoutMs,
    maxRedirects: MAX_REDIRECTS,
  });
  try {
    const size = imageSize(image.body);
    const contentType = size.type ? IMAGE_TYPES[size.type] : undefined;
    if (!contentType || !size.width || !size.height) return null;
    return { bytes: image.body, contentType, width: size.width, height: size.height };
  } catch {
    return null;
  }
}
