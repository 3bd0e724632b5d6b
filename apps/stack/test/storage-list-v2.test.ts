import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from './harness.js';
import { createStorageUser, type StorageUser, sqlBucket, storageFetch, text } from './storage-fixtures.js';

let t: TestStack;
let service: SupabaseClient;
let user: StorageUser;

const NAMES = [
  'docs/b.txt',
  'docs/a.txt',
  'docs/B.txt',
  'docs/sub/x.txt',
  'docs/sub/y.txt',
  'docs/sub.txt',
  'docs/zed/q.txt',
  'top.txt',
];

beforeAll(async () => {
  t = await startTestStack();
  service = t.service();
  user = await createStorageUser(t);
  await sqlBucket(t, 'v2');
  for (const name of NAMES) {
    const { error } = await service.storage.from('v2').upload(name, text(name));
    expect(error).toBeNull();
  }
  // Distinct, known creation times (in NAMES order) for the timestamp sort.
  for (const [i, name] of NAMES.entries()) {
    await t.db.query(
      `update storage.objects set created_at = timestamptz '2026-01-01' + make_interval(mins => $2)
       where bucket_id = 'v2' and name = $1`,
      [name, i],
    );
  }
});
afterAll(() => t.stop());

type Page = {
  hasNext: boolean;
  nextCursor?: string;
  folders: { name: string }[];
  objects: { name: string }[];
};

/** Every page of a listing, following nextCursor as a client does (folders, then objects, per page). */
async function walk(options: Record<string, unknown>, limit: number) {
  const pages: Page[] = [];
  let cursor: string | undefined;
  do {
    const { data, error } = await service.storage.from('v2').listV2({ ...options, limit, cursor });
    expect(error).toBeNull();
    const page = data as unknown as Page;
    pages.push(page);
    cursor = page.nextCursor;
    expect(page.hasNext).toBe(cursor !== undefined);
  } while (cursor && pages.length < 20);
  return pages.flatMap((p) => [
    ...p.folders.map((f) => `${f.name} (folder)`),
    ...p.objects.map((o) => o.name),
  ]);
}

describe('storage list-v2', () => {
  it('lists every object under a prefix in byte order, page by page', async () => {
    const all = [
      'docs/B.txt',
      'docs/a.txt',
      'docs/b.txt',
      'docs/sub.txt',
      'docs/sub/x.txt',
      'docs/sub/y.txt',
      'docs/zed/q.txt',
    ];
    expect(await walk({ prefix: 'docs/' }, 1000)).toEqual(all);
    expect(await walk({ prefix: 'docs/' }, 2)).toEqual(all);
    const { data } = await service.storage.from('v2').listV2({ prefix: 'docs/', limit: 1 });
    expect(data?.objects[0]).toMatchObject({
      name: 'docs/B.txt',
      metadata: { size: 10, mimetype: 'text/plain' },
    });
    expect(data?.nextCursor).toBe(Buffer.from('l:docs/B.txt').toString('base64'));
  });

  it('groups the first level into folders with with_delimiter, a cursor on a folder skipping it', async () => {
    const expected = [
      'docs/B.txt',
      'docs/a.txt',
      'docs/b.txt',
      'docs/sub.txt',
      'docs/sub/ (folder)',
      'docs/zed/ (folder)',
    ];
    const whole = await service.storage.from('v2').listV2({ prefix: 'docs/', with_delimiter: true });
    expect(whole.data?.folders.map((f) => f.name)).toEqual(['docs/sub/', 'docs/zed/']);
    expect(whole.data?.folders[0]).toMatchObject({ id: null, key: 'sub', metadata: null });
    expect(whole.data?.objects.map((o) => o.name)).toEqual(expected.slice(0, 4));
    // One entry a page: the order across pages is the byte order of names, folders in place.
    const paged = await walk({ prefix: 'docs/', with_delimiter: true }, 1);
    expect(paged).toEqual(expected);
    const desc = await walk(
      { prefix: 'docs/', with_delimiter: true, sortBy: { column: 'name', order: 'desc' } },
      2,
    );
    expect(desc).toEqual([...expected].reverse());
    const root = await service.storage.from('v2').listV2({ with_delimiter: true });
    expect(root.data?.folders.map((f) => f.name)).toEqual(['docs/']);
    expect(root.data?.objects.map((o) => o.name)).toEqual(['top.txt']);
  });

  it('sorts by created_at with a cursor that carries the timestamp', async () => {
    const byCreated = await walk({ prefix: 'docs/', sortBy: { column: 'created_at', order: 'desc' } }, 3);
    expect(byCreated).toEqual([...NAMES].filter((n) => n.startsWith('docs/')).reverse());
    const folders = await walk(
      { prefix: 'docs/', with_delimiter: true, sortBy: { column: 'created_at' } },
      1,
    );
    // A folder takes its oldest member's creation time.
    expect(folders).toEqual([
      'docs/b.txt',
      'docs/a.txt',
      'docs/B.txt',
      'docs/sub/ (folder)',
      'docs/sub.txt',
      'docs/zed/ (folder)',
    ]);
  });

  it('lists only what RLS lets the caller select', async () => {
    const { data, error } = await user.client.storage.from('v2').listV2({ prefix: 'docs/' });
    expect(error).toBeNull();
    expect(data).toEqual({ hasNext: false, folders: [], objects: [] });
  });

  it('refuses a bad cursor and a bad limit as storage-api does', async () => {
    const bad = await service.storage
      .from('v2')
      .listV2({ cursor: Buffer.from('nonsense').toString('base64') });
    expect(bad.error).toMatchObject({ statusCode: '400', message: 'Invalid Parameter continuation token' });
    const zero = await service.storage.from('v2').listV2({ limit: 0 });
    expect(zero.error).toMatchObject({ statusCode: '400', message: 'body/limit must be >= 1' });
  });
});

describe('storage corners', () => {
  it('info() of an upload without metadata says metadata: {}', async () => {
    await service.storage.from('v2').upload('plain.txt', text('plain'));
    const { data, error } = await service.storage.from('v2').info('plain.txt');
    expect(error).toBeNull();
    expect(data?.metadata).toEqual({});
  });

  it('a malformed JWT gets "Invalid Compact JWS"', async () => {
    const res = await storageFetch(t, '/object/list-v2/v2', {
      method: 'POST',
      token: 'this is not a jwt',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      statusCode: '403',
      code: 'AccessDenied',
      error: 'Unauthorized',
      message: 'Invalid Compact JWS',
    });
  });
});
