import { client } from '../../app/stores.js';
import { describeError } from '../../lib/errors.js';
import { type UploadItem, useUploads } from './upload-store.js';
import { uploadAttachment } from './uploader.js';

const controllers = new Map<string, AbortController>();

const patch = (id: string, change: Partial<UploadItem>) =>
  useUploads.setState((s) => ({ items: s.items.map((u) => (u.id === id ? { ...u, ...change } : u)) }));
const find = (id: string) => useUploads.getState().items.find((u) => u.id === id);

export async function startUpload(id: string) {
  const item = find(id);
  if (!item) return;
  const controller = new AbortController();
  controllers.set(id, controller);
  patch(id, { status: 'uploading', progress: 0, error: undefined });
  try {
    const attachment = await uploadAttachment(client, item.channelId, item.file, {
      signal: controller.signal,
      onProgress: (progress) => patch(id, { progress }),
    });
    if (find(id)) patch(id, { status: 'ready', progress: 1, attachment });
    // Removed while its last bytes went up: the file has no message to belong to.
    else void client.storage.from('attachments').remove([attachment.path]);
  } catch (error) {
    if ((error as Error).name === 'AbortError') patch(id, { status: 'cancelled' });
    else patch(id, { status: 'failed', error: describeError(error, 'attach files here') });
  } finally {
    controllers.delete(id);
  }
}

export const cancelUpload = (id: string) => controllers.get(id)?.abort();
export const retryUpload = (id: string) => void startUpload(id);
export const toggleSpoiler = (id: string) => patch(id, { spoiler: !find(id)?.spoiler });

/** Drops a file from the composer; one already uploaded is deleted from Storage too. */
export function removeUpload(id: string) {
  const item = find(id);
  cancelUpload(id);
  useUploads.setState((s) => ({ items: s.items.filter((u) => u.id !== id) }));
  if (item?.attachment) void client.storage.from('attachments').remove([item.attachment.path]);
}
