import { useMemo } from 'react';
import { create } from 'zustand';
import { client } from '../../app/stores.js';
import { describeError } from '../../lib/errors.js';
import type { Attachment } from '../../lib/types.js';

export interface UploadItem {
  id: string;
  channelId: string;
  file: File;
  /** 0–1. */
  progress: number;
  status: 'uploading' | 'ready' | 'failed' | 'cancelled';
  attachment?: Attachment;
  error?: string;
  spoiler: boolean;
}

/** Files picked in each channel's composer, kept while people switch channels. */
export const useUploads = create<{ items: UploadItem[] }>(() => ({ items: [] }));
const controllers = new Map<string, AbortController>();

const patch = (id: string, change: Partial<UploadItem>) =>
  useUploads.setState((s) => ({ items: s.items.map((u) => (u.id === id ? { ...u, ...change } : u)) }));
const find = (id: string) => useUploads.getState().items.find((u) => u.id === id);

export function useChannelUploads(channelId: string): UploadItem[] {
  const items = useUploads((s) => s.items);
  return useMemo(() => items.filter((u) => u.channelId === channelId), [items, channelId]);
}

export function addUploads(channelId: string, files: Iterable<File>) {
  for (const file of files) {
    const item: UploadItem = {
      id: crypto.randomUUID(),
      channelId,
      file,
      progress: 0,
      status: 'uploading',
      spoiler: file.name.startsWith('SPOILER_'),
    };
    useUploads.setState((s) => ({ items: [...s.items, item] }));
    void start(item.id);
  }
}

async function start(id: string) {
  const item = find(id);
  if (!item) return;
  const controller = new AbortController();
  controllers.set(id, controller);
  patch(id, { status: 'uploading', progress: 0, error: undefined });
  try {
    const { uploadAttachment } = await import('./uploader.js');
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
export const retryUpload = (id: string) => void start(id);
export const toggleSpoiler = (id: string) => patch(id, { spoiler: !find(id)?.spoiler });

/** Drops a file from the composer; one already uploaded is deleted from Storage too. */
export function removeUpload(id: string) {
  const item = find(id);
  cancelUpload(id);
  useUploads.setState((s) => ({ items: s.items.filter((u) => u.id !== id) }));
  if (item?.attachment) void client.storage.from('attachments').remove([item.attachment.path]);
}

/** True while a file of the channel is still going up (sending waits for it). */
export const hasUploadsInFlight = (channelId: string) =>
  useUploads.getState().items.some((u) => u.channelId === channelId && u.status === 'uploading');

/** The channel's uploaded files for the message being sent; they leave the composer. */
export function takeAttachments(channelId: string): Attachment[] {
  const ready = useUploads.getState().items.filter((u) => u.channelId === channelId && u.status === 'ready');
  useUploads.setState((s) => ({ items: s.items.filter((u) => !ready.includes(u)) }));
  return ready.flatMap((u) =>
    u.attachment ? [{ ...u.attachment, ...(u.spoiler ? { spoiler: true } : {}) }] : [],
  );
}
