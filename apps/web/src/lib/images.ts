/** What the avatars and server-icons buckets accept (97_storage_buckets.sql). */
export const IMAGE_TYPES: Record<string, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/gif': 'gif',
  'image/webp': 'webp',
};
export const MAX_IMAGE_BYTES = 5 * 1024 * 1024;

/** A reason the file cannot be uploaded as an avatar or icon, or null when it can. */
export function imageProblem(file: { type: string; size: number }): string | null {
  if (!IMAGE_TYPES[file.type]) return 'Choose a PNG, JPEG, GIF or WebP image.';
  if (file.size > MAX_IMAGE_BYTES) return 'Images must be 5 MB or smaller.';
  return null;
}

/** `<folder>/<prefix>-<timestamp>.<ext>`: a new name each time, so caches never serve the old image. */
export function imagePath(folder: string, prefix: string, file: { type: string }, now = Date.now()): string {
  return `${folder}/${prefix}-${now}.${IMAGE_TYPES[file.type] ?? 'png'}`;
}

/**
 * An <img> source for the TOTP QR code. auth-js returns `data:image/svg+xml;utf-8,<svg…>` with
 * the markup unescaped, which browsers may misread ('#' ends a URL); re-encode it. Anything that
 * is neither SVG markup nor a data: URI is not shown (the secret is shown as text instead).
 */
export function qrImageSrc(qr: string | undefined | null): string | null {
  if (!qr) return null;
  const svgPrefix = /^data:image\/svg\+xml(;[^,]*)?,/i.exec(qr);
  const markup = svgPrefix ? qr.slice(svgPrefix[0].length) : qr.trimStart().startsWith('<svg') ? qr : null;
  if (markup !== null) {
    if (/^\s*</.test(markup)) return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(markup)}`;
    return svgPrefix ? qr : null;
  }
  return /^data:image\/(png|jpeg|gif|webp);base64,/i.test(qr) ? qr : null;
}
