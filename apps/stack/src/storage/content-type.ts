/**
 * The headers that say how a browser may treat an object's bytes. Objects are whatever users
 * uploaded, and they are served from the API origin (the one that also answers /auth and
 * /rest), so none may run there as a page or a script:
 * - every object response carries `X-Content-Type-Options: nosniff`: the browser uses the type
 *   we send and never guesses HTML or script from the bytes;
 * - HTML is sent as text/plain, as Supabase Storage does (its renderer's normalizeContentType);
 * - active types (below) are sent as an attachment with `Content-Security-Policy: sandbox`
 *   (opened directly, they are downloaded; rendered anyway, they run in an opaque origin),
 *   unless the bucket's allowed_mime_types names that exact type (a wildcard such as image/*
 *   does not): then the project chose to serve it and it is sent inline;
 * - a stored type that is not one well-formed media type (it comes from the uploader, e.g. a
 *   copy's metadata) is sent as an application/octet-stream attachment in a sandbox, so it can
 *   neither smuggle a header nor offer a browser a second, comma-separated type.
 */

/**
 * Active types: what a browser runs script in when it opens it (documents), or runs as a
 * script of this origin (workers, service workers). Not listed, on purpose: PDF (its viewer's
 * scripts cannot reach the origin, and a sandbox CSP stops Chrome from showing it at all),
 * CSS (it only applies inside a document of this origin, which the rules above rule out),
 * JSON, text, images other than SVG, audio, video, fonts and octet-stream.
 */
const ACTIVE_TYPES = new Set([
  // HTML documents.
  'text/html',
  'application/xhtml+xml',
  // XML documents may embed XHTML <script> or pull an XSLT that builds HTML; every *+xml type
  // (image/svg+xml, application/rss+xml, …) is an XML MIME type to a browser (WHATWG MIME
  // Sniffing), and Chromium renders XSLT stylesheets (text/xsl) as XML too.
  'text/xml',
  'application/xml',
  'text/xsl',
  // Firefox renders each part of a multipart/x-mixed-replace stream as a document.
  'multipart/x-mixed-replace',
  // WHATWG's JavaScript MIME type essences.
  'application/ecmascript',
  'application/javascript',
  'application/x-ecmascript',
  'application/x-javascript',
  'text/ecmascript',
  'text/javascript',
  'text/javascript1.0',
  'text/javascript1.1',
  'text/javascript1.2',
  'text/javascript1.3',
  'text/javascript1.4',
  'text/javascript1.5',
  'text/jscript',
  'text/livescript',
  'text/x-ecmascript',
  'text/x-javascript',
]);

const isActive = (essence: string) => ACTIVE_TYPES.has(essence) || essence.endsWith('+xml');

const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
/** type/subtype, then parameters in visible ASCII without a comma (browsers split on commas). */
const MEDIA_TYPE = new RegExp(`^(${TOKEN})/(${TOKEN})[\\t ]*(;[\\t\\x20-\\x2b\\x2d-\\x7e]*)?$`);

/** `type/subtype` in lower case, or undefined when the value is not one media type. */
export function mediaTypeEssence(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const match = MEDIA_TYPE.exec(value.trim());
  return match ? `${match[1]}/${match[2]}`.toLowerCase() : undefined;
}

export interface ObjectContentHeaders {
  'content-type': string;
  'x-content-type-options': 'nosniff';
  /** Present for active content the bucket does not explicitly allow. */
  'content-disposition'?: 'attachment;';
  'content-security-policy'?: 'sandbox';
}

export function objectContentHeaders(
  storedType: unknown,
  allowedMimeTypes: string[] | null,
): ObjectContentHeaders {
  const essence = mediaTypeEssence(storedType);
  if (essence === undefined) {
    const unknown = {
      'content-type': 'application/octet-stream',
      'x-content-type-options': 'nosniff',
    } as const;
    // No type at all (a row written in SQL) is plain bytes; a malformed one was meant to trick.
    return storedType === undefined || storedType === null
      ? unknown
      : { ...unknown, 'content-disposition': 'attachment;', 'content-security-policy': 'sandbox' };
  }
  const headers: ObjectContentHeaders = {
    'content-type': essence === 'text/html' ? 'text/plain' : (storedType as string).trim(),
    'x-content-type-options': 'nosniff',
  };
  const explicitlyAllowed = (allowedMimeTypes ?? []).some((entry) => mediaTypeEssence(entry) === essence);
  if (isActive(essence) && !explicitlyAllowed) {
    headers['content-disposition'] = 'attachment;';
    headers['content-security-policy'] = 'sandbox';
  }
  return headers;
}
