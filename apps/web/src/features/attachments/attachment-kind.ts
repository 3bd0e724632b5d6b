import type { CSSProperties } from 'react';
import type { Attachment } from '../../lib/types.js';

export type AttachmentKind = 'image' | 'video' | 'audio' | 'voice' | 'file';

/** The largest box an image or video takes in the message list. */
export const MEDIA_MAX = { width: 400, height: 300 } as const;

/** Raster images every browser shows in an <img> (SVG is a document: it is a download). */
const INLINE_IMAGES = /^image\/(png|jpeg|gif|webp|avif|bmp)$/;

/**
 * Types a browser would run as a page or script when opened (HTML, SVG and every XML, JavaScript):
 * never rendered, only offered as a download, whatever the uploader claimed.
 */
export function isExecutableType(contentType: string, name: string): boolean {
  const essence = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  return (
    /(^text\/html$|^application\/xhtml|xml$|\+xml$|javascript|ecmascript|^text\/xsl$|^multipart\/)/.test(
      essence,
    ) || /\.(html?|xhtml|svgz?|xml|xsl|m?js)$/i.test(name)
  );
}

export function attachmentKind(attachment: Attachment): AttachmentKind {
  const type = attachment.content_type.split(';')[0]?.trim().toLowerCase() ?? '';
  if (isExecutableType(type, attachment.name)) return 'file';
  if (INLINE_IMAGES.test(type)) return 'image';
  if (type.startsWith('video/')) return 'video';
  if (type.startsWith('audio/')) return attachment.waveform ? 'voice' : 'audio';
  return 'file';
}

/** Heights of the cards that have no picture, so a placeholder takes exactly their place. */
const CARD_HEIGHT: Record<Exclude<AttachmentKind, 'image' | 'video'>, number> = {
  voice: 48,
  audio: 96,
  file: 56,
};

/** An image's or video's stored size (or a default aspect) and the width it is shown at. */
function mediaSize(attachment: Attachment, kind: 'image' | 'video') {
  const width = attachment.width ?? (kind === 'video' ? 16 : 4);
  const height = attachment.height ?? (kind === 'video' ? 9 : 3);
  const scale = Math.min(1, MEDIA_MAX.width / width, MEDIA_MAX.height / height);
  const shown = attachment.width ? Math.round(width * scale) : MEDIA_MAX.width;
  return { width, height, shown };
}

/**
 * The box an attachment takes before and after it loads: stored width and height give images
 * and videos their aspect ratio, so nothing below them moves when the file arrives.
 */
export function attachmentBox(attachment: Attachment): CSSProperties {
  const kind = attachmentKind(attachment);
  if (kind !== 'image' && kind !== 'video') return { height: CARD_HEIGHT[kind] };
  const { width, height, shown } = mediaSize(attachment, kind);
  return { aspectRatio: `${width} / ${height}`, width: `min(${shown}px, 100%)` };
}

/** The height of that box in a list wide enough for it (the message list's estimate before layout). */
export function attachmentHeight(attachment: Attachment): number {
  const kind = attachmentKind(attachment);
  if (kind !== 'image' && kind !== 'video') return CARD_HEIGHT[kind];
  const { width, height, shown } = mediaSize(attachment, kind);
  return Math.round((shown * height) / width);
}
