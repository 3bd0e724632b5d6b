import type { HarmonyClient } from './supabase.js';
import type { Attachment } from './types.js';

export const MAX_ATTACHMENT_BYTES = 50 * 1024 * 1024;

/**
 * Uploads a file to the private attachments bucket under the channel's folder through a
 * signed upload URL, reporting progress (fetch cannot, XMLHttpRequest can).
 */
export async function uploadAttachment(
  client: HarmonyClient,
  channelId: string,
  file: File,
  onProgress: (fraction: number) => void,
): Promise<Attachment> {
  if (file.size > MAX_ATTACHMENT_BYTES) throw new Error(`${file.name} is larger than 50 MB`);
  const safeName = file.name.replace(/[^\w.\- ]+/g, '_').slice(-120) || 'file';
  const path = `${channelId}/${crypto.randomUUID()}/${safeName}`;
  const { data, error } = await client.storage.from('attachments').createSignedUploadUrl(path);
  if (error || !data) throw error ?? new Error('Upload refused');
  await new Promise<void>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('PUT', data.signedUrl);
    xhr.setRequestHeader('content-type', file.type || 'application/octet-stream');
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onload = () => (xhr.status < 300 ? resolve() : reject(new Error(`Upload failed (${xhr.status})`)));
    xhr.onerror = () => reject(new Error('Upload failed: network error'));
    xhr.send(file);
  });
  const dimensions = file.type.startsWith('image/')
    ? await imageSize(file).catch(() => undefined)
    : undefined;
  return {
    path,
    name: file.name,
    size: file.size,
    content_type: file.type || 'application/octet-stream',
    ...dimensions,
  };
}

async function imageSize(file: File): Promise<{ width: number; height: number }> {
  const bitmap = await createImageBitmap(file);
  const size = { width: bitmap.width, height: bitmap.height };
  bitmap.close();
  return size;
}
