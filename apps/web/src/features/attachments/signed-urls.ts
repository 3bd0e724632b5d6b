import { useEffect, useState } from 'react';
import { client } from '../../app/stores.js';

/** The attachments bucket is private: files are read through signed URLs that last an hour. */
const LIFETIME_S = 3600;
/** A cached URL is used while it has at least this long left. */
const MARGIN_MS = 5 * 60_000;

const cache = new Map<string, { url: string; expires: number }>();
const key = (path: string, download?: string) => `${download === undefined ? 'view' : 'download'}:${path}`;

function cached(path: string, download?: string): string | null {
  const hit = cache.get(key(path, download));
  return hit && hit.expires - MARGIN_MS > Date.now() ? hit.url : null;
}

function remember(path: string, url: string, download?: string) {
  cache.set(key(path, download), { url, expires: Date.now() + LIFETIME_S * 1000 });
}

/**
 * A URL for one file. With `download` (the file name) Storage answers with
 * `Content-Disposition: attachment`, so the browser saves the file instead of opening it.
 */
export function useSignedUrl(path: string, download?: string): string | null {
  const [url, setUrl] = useState(() => cached(path, download));
  useEffect(() => {
    const known = cached(path, download);
    if (known) {
      setUrl(known);
      return;
    }
    let live = true;
    void client.storage
      .from('attachments')
      .createSignedUrl(path, LIFETIME_S, download === undefined ? undefined : { download })
      .then(({ data }) => {
        if (!data) return;
        remember(path, data.signedUrl, download);
        if (live) setUrl(data.signedUrl);
      });
    return () => {
      live = false;
    };
  }, [path, download]);
  return url;
}

/** URLs for many files in one request (the gallery's images); paths it cannot sign are left out. */
export async function signedUrls(paths: string[]): Promise<Map<string, string>> {
  const urls = new Map<string, string>();
  const missing: string[] = [];
  for (const path of paths) {
    const known = cached(path);
    if (known) urls.set(path, known);
    else missing.push(path);
  }
  if (missing.length > 0) {
    const { data } = await client.storage.from('attachments').createSignedUrls(missing, LIFETIME_S);
    for (const item of data ?? []) {
      if (!item.path || !item.signedUrl) continue;
      remember(item.path, item.signedUrl);
      urls.set(item.path, item.signedUrl);
    }
  }
  return urls;
}
