import { useMemo } from 'react';
import { create } from 'zustand';
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

/**
 * Files picked in each channel's composer, kept while people switch channels. What the composer
 * needs to send lives here; uploading, cancelling and retrying load with the first file picked
 * (upload-actions.ts).
 */
export const useUploads = create<{ items: UploadItem[] }>(() => ({ items: [] }));

export function useChannelUploads(channelId: string): UploadItem[] {
  const items = useUploads((s) => s.items);
  return useMemo(() => items.filter((u) => u.channelId === channelId), [items, channelId]);
}

export function addUploads(channelId: string, files: Iterable<File>) {
  const added: UploadItem[] = Array.from(files, (file) => ({
    id: crypto.randomUUID(),
    channelId,
    file,
    progress: 0,
    status: 'uploading',
    spoiler: file.name.startsWith('SPOILER_'),
  }));
  useUploads.setState((s) => ({ items: [...s.items, ...added] }));
  void import('./upload-actions.js').then(({ startUpload }) => {
    for (const item of added) void startUpload(item.id);
  });
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
