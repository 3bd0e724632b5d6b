import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from './harness.js';
import { createStorageUser, type StorageUser, sqlBucket, storageFetch, text } from './storage-fixtures.js';

let t: TestStack;
let service: SupabaseClient;
let user: StorageUser;

beforeAll(async () => {
  t = await startTestStack();
  service = t.service();
  user = await createStorageUser(t);
});
afterAll(() => t.stop());

describe('storage buckets', () => {
  it('creates, reads, lists, updates, empties and deletes buckets as service_role', async () => {
    const created = await service.storage.createBucket('crud', {
      public: false,
      fileSizeLimit: '1MB',
      allowedMimeTypes: ['image/png'],
    });
    expect(created).toEqual({ data: { name: 'crud' }, error: null });

    const { data: bucket } = await service.storage.getBucket('crud');
    expect(bucket).toMatchObject({
      id: 'crud',
      name: 'crud',
      public: false,
      file_size_limit: 1_000_000,
      allowed_mime_types: ['image/png'],
    });

    const { data: list } = await service.storage.listBuckets();
    expect(list?.map((b) => b.id)).toContain('crud');
    const { data: searched } = await service.storage.listBuckets({ search: 'cru', sortColumn: 'name' });
    expect(searched?.map((b) => b.id)).toEqual(['crud']);

    const updated = await service.storage.updateBucket('crud', {
      public: true,
      fileSizeLimit: null,
      allowedMimeTypes: null,
    });
    expect(updated).toEqual({ data: { message: 'Successfully updated' }, error: null });
    const { data: after } = await service.storage.getBucket('crud');
    expect(after).toMatchObject({ public: true, file_size_limit: null, allowed_mime_types: null });

    expect((await service.storage.from('crud').upload('a.txt', text('x'))).error).toBeNull();
    const notEmpty = await service.storage.deleteBucket('crud');
    expect(notEmpty.error).toMatchObject({ status: 400, statusCode: '409', name: 'StorageApiError' });
    expect(notEmpty.error?.message).toBe('The bucket you tried to delete is not empty');

    const emptied = await service.storage.emptyBucket('crud');
    expect(emptied.error).toBeNull();
    const { data: files } = await service.storage.from('crud').list();
    expect(files).toEqual([]);

    const deleted = await service.storage.deleteBucket('crud');
    expect(deleted).toEqual({ data: { message: 'Successfully deleted' }, error: null });
    const gone = await service.storage.getBucket('crud');
    expect(gone.error).toMatchObject({ status: 400, statusCode: '404', message: 'Bucket not found' });
  });

  it('answers duplicates and bad names the way Storage does', async () => {
    await service.storage.createBucket('dup');
    const again = await service.storage.createBucket('dup');
    expect(again.error).toMatchObject({
      status: 400,
      statusCode: '409',
      message: 'The resource already exists',
    });
    const bad = await service.storage.createBucket('no/slash');
    expect(bad.error).toMatchObject({ status: 400, statusCode: '400', message: 'Bucket name invalid' });
  });

  it('refuses bucket changes to anon and users (RLS on storage.buckets decides)', async () => {
    const anon = t.anon();
    const byAnon = await anon.storage.createBucket('anon-bucket');
    expect(byAnon.error).toMatchObject({ status: 400, statusCode: '403' });
    expect(byAnon.error?.message).toBe('new row violates row-level security policy');
    const byUser = await user.client.storage.createBucket('user-bucket');
    expect(byUser.error).toMatchObject({ status: 400, statusCode: '403' });

    await sqlBucket(t, 'locked');
    expect((await user.client.storage.listBuckets()).data).toEqual([]);
    expect((await user.client.storage.getBucket('locked')).error?.message).toBe('Bucket not found');
    expect((await user.client.storage.updateBucket('locked', { public: true })).error?.message).toBe(
      'Bucket not found',
    );
    expect((await user.client.storage.deleteBucket('locked')).error?.message).toBe('Bucket not found');

    const empty = await storageFetch(t, '/bucket/locked/empty', {
      method: 'POST',
      token: user.token,
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(empty.status).toBe(403);
    expect(await empty.json()).toEqual({
      statusCode: '403',
      code: 'AccessDenied',
      error: 'Unauthorized',
      message: 'Access denied: Invalid role',
    });
    const { rows } = await t.db.query('select public from storage.buckets where id = $1', ['locked']);
    expect(rows).toEqual([{ public: false }]);
  });

  it('requires a valid JWT on authenticated routes', async () => {
    const res = await storageFetch(t, '/bucket', { headers: { authorization: 'Bearer not-a-jwt' } });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      statusCode: '403',
      code: 'AccessDenied',
      error: 'Unauthorized',
    });
    const none = await storageFetch(t, '/bucket');
    expect(none.status).toBe(400);
  });
});

describe('storage objects (service_role)', () => {
  beforeAll(async () => {
    await sqlBucket(t, 'files');
    await sqlBucket(t, 'pics', { public: true });
  });

  it('uploads and downloads (multipart and raw bodies) with Storage response shapes', async () => {
    const bucket = service.storage.from('files');
    const up = await bucket.upload('docs/hello.txt', text('hello world'), { cacheControl: '120' });
    expect(up.error).toBeNull();
    expect(up.data).toMatchObject({ path: 'docs/hello.txt', fullPath: 'files/docs/hello.txt' });
    expect(up.data?.id).toMatch(/^[0-9a-f-]{36}$/);

    const raw = await bucket.upload('docs/raw.bin', Buffer.from([1, 2, 3, 4]), {
      contentType: 'application/octet-stream',
      metadata: { tag: 'raw' },
    });
    expect(raw.error).toBeNull();

    const { data: blob } = await bucket.download('docs/hello.txt');
    expect(await blob?.text()).toBe('hello world');
    const { data: bytes } = await bucket.download('docs/raw.bin');
    expect(Buffer.from(await (bytes as Blob).arrayBuffer())).toEqual(Buffer.from([1, 2, 3, 4]));

    const res = await storageFetch(t, '/object/files/docs/hello.txt', { token: t.stack.keys.serviceRole });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain');
    expect(res.headers.get('cache-control')).toBe('max-age=120');
    expect(res.headers.get('content-length')).toBe('11');
    expect(res.headers.get('etag')).toBe('"5eb63bbbe01eeed093cb22bb8f5acdc3"');
    expect(res.headers.get('last-modified')).toBeTruthy();
    await res.arrayBuffer();

    const notModified = await storageFetch(t, '/object/files/docs/hello.txt', {
      token: t.stack.keys.serviceRole,
      headers: { 'if-none-match': '"5eb63bbbe01eeed093cb22bb8f5acdc3"' },
    });
    expect(notModified.status).toBe(304);

    const partial = await storageFetch(t, '/object/files/docs/hello.txt', {
      token: t.stack.keys.serviceRole,
      headers: { range: 'bytes=6-' },
    });
    expect(partial.status).toBe(206);
    expect(partial.headers.get('content-range')).toBe('bytes 6-10/11');
    expect(await partial.text()).toBe('world');

    const head = await storageFetch(t, '/object/files/docs/hello.txt', {
      method: 'HEAD',
      token: t.stack.keys.serviceRole,
    });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe('11');

    const attachment = await storageFetch(t, '/object/authenticated/files/docs/hello.txt?download=hi.txt', {
      token: t.stack.keys.serviceRole,
    });
    expect(attachment.headers.get('content-disposition')).toBe(
      "attachment; filename=hi.txt; filename*=UTF-8''hi.txt",
    );
    await attachment.arrayBuffer();
  });

  it('streams uploads larger than the gateway body limit (storage has its own cap)', async () => {
    const big = Buffer.alloc(3 * 1024 * 1024, 7);
    const up = await service.storage.from('files').upload('big/three-mib.bin', big, {
      contentType: 'application/octet-stream',
    });
    expect(up.error).toBeNull();
    const { data } = await service.storage.from('files').download('big/three-mib.bin');
    expect((await (data as Blob).arrayBuffer()).byteLength).toBe(big.length);
  });

  it('refuses a duplicate upload unless upsert, and update replaces the bytes', async () => {
    const bucket = service.storage.from('files');
    await bucket.upload('dupe.txt', text('one'));
    const dup = await bucket.upload('dupe.txt', text('two'));
    expect(dup.error).toMatchObject({
      status: 400,
      statusCode: '409',
      message: 'The resource already exists',
    });
    expect(await (await bucket.download('dupe.txt')).data?.text()).toBe('one');

    const upsert = await bucket.upload('dupe.txt', text('three'), { upsert: true });
    expect(upsert.error).toBeNull();
    expect(await (await bucket.download('dupe.txt')).data?.text()).toBe('three');

    const update = await bucket.update('dupe.txt', text('four'));
    expect(update.error).toBeNull();
    expect(await (await bucket.download('dupe.txt')).data?.text()).toBe('four');
    const { rows } = await t.db.query(
      `select count(*)::int as n from storage.objects where name = 'dupe.txt'`,
    );
    expect(rows[0]).toEqual({ n: 1 });
  });

  it('lets exactly one of several concurrent uploads of a new key win', async () => {
    const bucket = service.storage.from('files');
    const results = await Promise.all(
      ['a', 'b', 'c', 'd', 'e'].map((body) => bucket.upload('race/key.txt', text(body))),
    );
    const winners = results.filter((r) => r.error === null);
    expect(winners).toHaveLength(1);
    for (const loser of results.filter((r) => r.error !== null)) {
      expect(loser.error).toMatchObject({ statusCode: '409', message: 'The resource already exists' });
    }
    const { rows } = await t.db.query(`select id from storage.objects where name = 'race/key.txt'`);
    expect(rows).toEqual([{ id: winners[0]?.data?.id }]);
    expect(['a', 'b', 'c', 'd', 'e']).toContain(await (await bucket.download('race/key.txt')).data?.text());
    // Losers leave no temp files next to the winner.
    expect(readdirSync(join(t.stack.ctx.config.storageDir, 'files', 'race'))).toEqual(['key.txt']);
  });

  it('reports info and exists', async () => {
    const bucket = service.storage.from('files');
    await bucket.upload('info/me.txt', text('12345'), { metadata: { color: 'blue' } });
    const { data: info, error } = await bucket.info('info/me.txt');
    expect(error).toBeNull();
    expect(info).toMatchObject({
      name: 'info/me.txt',
      bucketId: 'files',
      size: 5,
      contentType: 'text/plain',
      cacheControl: 'max-age=3600',
      metadata: { color: 'blue' },
    });
    expect(info?.etag).toMatch(/^"[0-9a-f]{32}"$/);
    expect((await bucket.exists('info/me.txt')).data).toBe(true);
    expect((await bucket.exists('info/nope.txt')).data).toBe(false);
    const missing = await bucket.download('info/nope.txt');
    expect(missing.error).toMatchObject({ status: 400, statusCode: '404' });
  });

  it('lists one folder level with folders, prefix, search, sort, limit and offset', async () => {
    const bucket = service.storage.from('files');
    for (const name of [
      'list/b.txt',
      'list/a.txt',
      'list/C.txt',
      'list/sub/x.txt',
      'list/sub/y.txt',
      'list/zed/q.txt',
    ]) {
      const { error } = await bucket.upload(name, text(name));
      expect(error).toBeNull();
    }
    const { data: all } = await bucket.list('list');
    expect(all?.map((f) => f.name)).toEqual(['a.txt', 'b.txt', 'C.txt', 'sub', 'zed']);
    const folder = all?.find((f) => f.name === 'sub');
    expect(folder).toEqual({
      name: 'sub',
      id: null,
      updated_at: null,
      created_at: null,
      last_accessed_at: null,
      metadata: null,
    });
    const file = all?.find((f) => f.name === 'a.txt');
    expect(file?.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(file?.metadata).toMatchObject({ size: 10, mimetype: 'text/plain' });

    const desc = await bucket.list('list', { sortBy: { column: 'name', order: 'desc' } });
    expect(desc.data?.map((f) => f.name)).toEqual(['zed', 'sub', 'C.txt', 'b.txt', 'a.txt']);
    const page = await bucket.list('list', { limit: 2, offset: 1 });
    expect(page.data?.map((f) => f.name)).toEqual(['b.txt', 'C.txt']);
    const search = await bucket.list('list', { search: 'c' });
    expect(search.data?.map((f) => f.name)).toEqual(['C.txt']);
    const sub = await bucket.list('list/sub/');
    expect(sub.data?.map((f) => f.name)).toEqual(['x.txt', 'y.txt']);
    const byCreated = await bucket.list('list', { sortBy: { column: 'created_at', order: 'desc' } });
    expect(byCreated.data?.map((f) => f.name)).toEqual(['zed', 'sub', 'C.txt', 'a.txt', 'b.txt']);
    const root = await bucket.list();
    expect(root.data?.map((f) => f.name)).toContain('list');
  });

  it('removes, moves and copies', async () => {
    const bucket = service.storage.from('files');
    await bucket.upload('ops/one.txt', text('one'));
    await bucket.upload('ops/two.txt', text('two'));

    const moved = await bucket.move('ops/one.txt', 'ops/moved/one.txt');
    expect(moved.error).toBeNull();
    expect(moved.data).toMatchObject({ message: 'Successfully moved', Key: 'ops/moved/one.txt' });
    expect((await bucket.exists('ops/one.txt')).data).toBe(false);
    expect(await (await bucket.download('ops/moved/one.txt')).data?.text()).toBe('one');

    const copied = await bucket.copy('ops/two.txt', 'ops/copy.txt');
    expect(copied).toEqual({ data: { path: 'files/ops/copy.txt' }, error: null });
    expect(await (await bucket.download('ops/copy.txt')).data?.text()).toBe('two');
    const crossBucket = await bucket.copy('ops/two.txt', 'two.txt', { destinationBucket: 'pics' });
    expect(crossBucket.error).toBeNull();
    expect(await (await service.storage.from('pics').download('two.txt')).data?.text()).toBe('two');

    const moveOnto = await bucket.move('ops/two.txt', 'ops/copy.txt');
    expect(moveOnto.error).toMatchObject({ statusCode: '409' });

    const removed = await bucket.remove(['ops/two.txt', 'ops/copy.txt', 'ops/never.txt']);
    expect(removed.error).toBeNull();
    expect(removed.data?.map((f) => f.name).sort()).toEqual(['ops/copy.txt', 'ops/two.txt']);
    expect((await bucket.exists('ops/two.txt')).data).toBe(false);

    const single = await storageFetch(t, '/object/files/ops/moved/one.txt', {
      method: 'DELETE',
      token: t.stack.keys.serviceRole,
    });
    expect(await single.json()).toEqual({ message: 'Successfully deleted' });
  });

  it('serves public buckets without auth and hides private ones', async () => {
    await service.storage.from('pics').upload('cat.txt', text('meow'));
    await service.storage.from('files').upload('secret.txt', text('psst'));
    const { data } = service.storage.from('pics').getPublicUrl('cat.txt');
    const res = await fetch(data.publicUrl);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('meow');
    const head = await fetch(data.publicUrl, { method: 'HEAD' });
    expect(head.status).toBe(200);

    const priv = await fetch(service.storage.from('files').getPublicUrl('secret.txt').data.publicUrl);
    expect(priv.status).toBe(400);
    expect(await priv.json()).toEqual({
      statusCode: '404',
      code: 'NoSuchBucket',
      error: 'Bucket not found',
      message: 'Bucket not found',
    });
    // Without a JWT the plain object route treats the caller as anon: only public buckets.
    const anonPublic = await fetch(`${t.url}/storage/v1/object/pics/cat.txt`);
    expect(await anonPublic.text()).toBe('meow');
    const anonPrivate = await fetch(`${t.url}/storage/v1/object/files/secret.txt`);
    expect(anonPrivate.status).toBe(400);
    await anonPrivate.arrayBuffer();
    const authRequired = await fetch(`${t.url}/storage/v1/object/authenticated/pics/cat.txt`);
    expect(authRequired.status).toBe(400);
    expect(await authRequired.json()).toMatchObject({ statusCode: '403', code: 'AccessDenied' });
    const missing = await fetch(`${t.url}/storage/v1/object/public/pics/none.txt`);
    expect(await missing.json()).toMatchObject({ statusCode: '404', code: 'NoSuchKey' });
  });
});
