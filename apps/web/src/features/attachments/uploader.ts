import type { HarmonyClient } from '../../lib/supabase.js';
import type { Attachment } from '../../lib/types.js';
import { formatBytes } from './format.js';

/** The attachments bucket's file_size_limit (supabase/config.toml); Storage refuses larger files. */
export const MAX_ATTACHMENT_BYTES = 50 * 1024 * 1024;
/** How long the browser may take to read a video's or sound's size and length. */
const PROBE_TIMEOUT_MS = 5000;

export type MediaDetails = Pick<Attachment, 'width' | 'height' | 'duration' | 'waveform'>;

/** An upload Storage refused: its {statusCode, error, message}, read by describeError. */
export class StorageUploadError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Uploads a file to the private attachments bucket, `<channel>/<uuid>/<name>`, through a signed
 * upload URL. supabase-js's upload reports no progress, so the bytes go with XMLHttpRequest to the
 * same Storage endpoint supabase-js's uploadToSignedUrl uses (works unchanged on Supabase).
 * Width, height and duration are read from the file meanwhile and stored with it.
 */
export async function uploadAttachment(
  client: HarmonyClient,
  channelId: string,
  file: File,
  options: { onProgress(fraction: number): void; signal: AbortSignal; details?: MediaDetails },
): Promise<Attachment> {
  if (file.size > MAX_ATTACHMENT_BYTES)
    throw new Error(
      `${file.name} is ${formatBytes(file.size)}: files can be at most ${formatBytes(MAX_ATTACHMENT_BYTES)}`,
    );
  const safeName = file.name.replace(/[^\w.\- ]+/g, '_').slice(-120) || 'file';
  const path = `${channelId}/${crypto.randomUUID()}/${safeName}`;
  const details = options.details ? Promise.resolve(options.details) : probeMedia(file);
  const { data, error } = await client.storage.from('attachments').createSignedUploadUrl(path);
  if (error || !data) throw error ?? new Error('Upload refused');
  const contentType = file.type || 'application/octet-stream';
  await send(data.signedUrl, file, contentType, options);
  return {
    path,
    name: file.name.slice(0, 255) || 'file',
    size: file.size,
    content_type: contentType,
    ...(await details.catch(() => ({}))),
  };
}

function send(
  url: string,
  file: File,
  contentType: string,
  options: { onProgress(fraction: number): void; signal: AbortSignal },
) {
  return new Promise<void>((resolve, reject) => {
    if (options.signal.aborted) {
      reject(new DOMException('Upload cancelled', 'AbortError'));
      return;
    }
    const xhr = new XMLHttpRequest();
    xhr.open('PUT', url);
    xhr.setRequestHeader('content-type', contentType);
    xhr.upload.onprogress = (e) => e.lengthComputable && options.onProgress(e.loaded / e.total);
    xhr.onload = () => {
      if (xhr.status < 300) return resolve();
      reject(storageError(xhr));
    };
    xhr.onerror = () => reject(new TypeError('Upload failed: network error'));
    xhr.onabort = () => reject(new DOMException('Upload cancelled', 'AbortError'));
    options.signal.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(file);
  });
}

/** Storage's error body; it sends its real status as `statusCode` (HTTP itself may say 400). */
function storageError(xhr: XMLHttpRequest): Error {
  try {
    const body = JSON.parse(xhr.responseText) as { statusCode?: string | number; message?: string };
    return new StorageUploadError(Number(body.statusCode ?? xhr.status), body.message ?? 'Upload failed');
  } catch {
    return new StorageUploadError(xhr.status, 'Upload failed');
  }
}

/** Width and height of images and videos, and the length of videos and sounds. */
async function probeMedia(file: File): Promise<MediaDetails> {
  const type = file.type.toLowerCase();
  if (/^image\/(png|jpeg|gif|webp|avif|bmp)$/.test(type)) {
    const bitmap = await createImageBitmap(file);
    const size = { width: bitmap.width, height: bitmap.height };
    bitmap.close();
    return size;
  }
  if (!type.startsWith('video/') && !type.startsWith('audio/')) return {};
  const element = document.createElement(type.startsWith('video/') ? 'video' : 'audio');
  const url = URL.createObjectURL(file);
  try {
    await new Promise<void>((resolve, reject) => {
      element.onloadedmetadata = () => resolve();
      element.onerror = () => reject(new Error('unreadable media'));
      setTimeout(() => reject(new Error('media probe timed out')), PROBE_TIMEOUT_MS);
      element.preload = 'metadata';
      element.src = url;
    });
    const details: MediaDetails = {};
    // The database accepts up to a day.
    if (Number.isFinite(element.duration) && element.duration > 0 && element.duration <= 86400)
      details.duration = Math.round(element.duration * 100) / 100;
    if (element instanceof HTMLVideoElement && element.videoWidth > 0 && element.videoHeight > 0) {
      details.width = element.videoWidth;
      details.height = element.videoHeight;
    }
    return details;
  } finally {
    element.removeAttribute('src');
    URL.revokeObjectURL(url);
  }
}
