import type { HarmonyClient } from '../../lib/supabase.js';

interface ExportedAttachment {
  path?: string;
  bucket?: string;
  url?: string | null;
}

/** The storage paths of the attachments listed in an export. */
export function attachmentPaths(data: Record<string, unknown>): string[] {
  const list = (data.attachments ?? []) as ExportedAttachment[];
  return [...new Set(list.map((a) => a.path).filter((p): p is string => Boolean(p)))];
}

const WEEK_SECONDS = 7 * 24 * 3600;

/** Adds a download URL to each attachment of an export (signed: the bucket is private). */
export async function withDownloadUrls(client: HarmonyClient, data: Record<string, unknown>) {
  const paths = attachmentPaths(data);
  if (!paths.length) return data;
  const { data: signed, error } = await client.storage
    .from('attachments')
    .createSignedUrls(paths, WEEK_SECONDS);
  if (error) throw error;
  const urls = new Map(signed.map((s) => [s.path, s.signedUrl]));
  const attachments = (data.attachments as ExportedAttachment[]).map((a) => ({
    ...a,
    url: (a.path && urls.get(a.path)) || null,
  }));
  return { ...data, attachments };
}

/** Offers a JSON document as a file download. */
export function downloadJson(fileName: string, data: unknown): void {
  const url = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/**
 * Removes the account's files through the Storage API (SQL cannot): its avatar and banner
 * images, and the given attachments.
 */
export async function removeAccountFiles(client: HarmonyClient, userId: string, attachments: string[]) {
  for (const bucket of ['avatars', 'banners']) {
    const store = client.storage.from(bucket);
    const { data } = await store.list(userId);
    const own = (data ?? []).filter((f) => f.id).map((f) => `${userId}/${f.name}`);
    if (own.length) await store.remove(own);
  }
  for (let i = 0; i < attachments.length; i += 100) {
    const { error } = await client.storage.from('attachments').remove(attachments.slice(i, i + 100));
    if (error) throw error;
  }
}
