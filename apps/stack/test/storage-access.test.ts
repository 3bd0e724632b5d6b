import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { request } from 'node:http';
import { dirname, join } from 'node:path';
import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signJwt } from '../src/jwt.js';
import { startTestStack, TEST_JWT_SECRET, type TestStack } from './harness.js';
import {
  accessToken,
  clientWithToken,
  createStorageUser,
  type StorageUser,
  sqlBucket,
  storageFetch,
  text,
} from './storage-fixtures.js';

let t: TestStack;
let service: SupabaseClient;
let alice: StorageUser;
let bob: StorageUser;
let storageDir: string;

/** Every file under the storage directory, relative to it. */
function filesOnDisk(dir = storageDir, prefix = ''): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? filesOnDisk(join(dir, entry.name), `${prefix}${entry.name}/`)
      : [`${prefix}${entry.name}`],
  );
}

async function rowCount(bucket: string, name: string): Promise<number> {
  const { rows } = await t.db.query<{ n: number }>(
    'select count(*)::int as n from storage.objects where bucket_id = $1 and name = $2',
    [bucket, name],
  );
  return rows[0]?.n ?? 0;
}

/** An HTTP request whose path is sent exactly as written (fetch would normalise dot segments). */
function rawRequest(path: string, method: string, body: string, token: string) {
  const url = new URL(t.url);
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path,
        method,
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'text/plain',
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

beforeAll(async () => {
  t = await startTestStack();
  storageDir = t.stack.ctx.config.storageDir;
  service = t.service();
  [alice, bob] = await Promise.all([createStorageUser(t), createStorageUser(t)]);
  await sqlBucket(t, 'user-files');
  await sqlBucket(t, 'open');
  await sqlBucket(t, 'small', { fileSizeLimit: 10 });
  await sqlBucket(t, 'images', { allowedMimeTypes: ['image/*', 'application/pdf'] });
  await sqlBucket(t, 'trav');
  await sqlBucket(t, 'atomic');
  const own = `bucket_id = 'user-files' and (storage.foldername(name))[1] = auth.uid()::text`;
  const open = `bucket_id in ('open', 'small', 'images', 'trav', 'atomic')`;
  await t.db.query(`
    create policy "test own read" on storage.objects for select to authenticated using (${own});
    create policy "test own insert" on storage.objects for insert to authenticated with check (${own});
    create policy "test own update" on storage.objects for update to authenticated using (${own}) with check (${own});
    create policy "test own delete" on storage.objects for delete to authenticated using (${own});
    create policy "test open all" on storage.objects for all to authenticated using (${open}) with check (${open});
  `);
});
afterAll(() => t.stop());

describe('storage RLS and ownership', () => {
  it('lets a user write only under their own uid folder', async () => {
    const mine = `${alice.id}/note.txt`;
    const ok = await alice.client.storage.from('user-files').upload(mine, text('mine'));
    expect(ok.error).toBeNull();
    const { rows } = await t.db.query('select owner, owner_id from storage.objects where name = $1', [mine]);
    expect(rows).toEqual([{ owner: alice.id, owner_id: alice.id }]);

    const theirs = `${bob.id}/forged.txt`;
    const denied = await alice.client.storage.from('user-files').upload(theirs, text('forged'));
    expect(denied.error).toMatchObject({ status: 400, statusCode: '403', name: 'StorageApiError' });
    expect(denied.error?.message).toBe('new row violates row-level security policy');
    expect(await rowCount('user-files', theirs)).toBe(0);
    expect(filesOnDisk().some((f) => f.includes('forged'))).toBe(false);

    const anonDenied = await t.anon().storage.from('user-files').upload(`${alice.id}/anon.txt`, text('x'));
    expect(anonDenied.error).toMatchObject({ statusCode: '403' });

    const upsert = await alice.client.storage
      .from('user-files')
      .upload(mine, text('mine v2'), { upsert: true });
    expect(upsert.error).toBeNull();
    expect(await (await alice.client.storage.from('user-files').download(mine)).data?.text()).toBe('mine v2');
  });

  it('hides other users’ objects (NoSuchKey, empty lists, nothing removed)', async () => {
    const path = `${alice.id}/private.txt`;
    await alice.client.storage.from('user-files').upload(path, text('private'));
    const bucket = bob.client.storage.from('user-files');

    const download = await bucket.download(path);
    expect(download.error).toMatchObject({ status: 400, statusCode: '404' });
    expect((await bucket.info(path)).error).toMatchObject({ statusCode: '404' });
    expect((await bucket.list(alice.id)).data).toEqual([]);
    expect((await bucket.createSignedUrl(path, 60)).error).toMatchObject({ statusCode: '404' });
    expect((await bucket.move(path, `${bob.id}/stolen.txt`)).error).toMatchObject({ statusCode: '404' });
    expect((await bucket.copy(path, `${bob.id}/stolen.txt`)).error).toMatchObject({ statusCode: '404' });
    expect((await bucket.remove([path])).data).toEqual([]);
    const single = await storageFetch(t, `/object/user-files/${path}`, {
      method: 'DELETE',
      token: bob.token,
    });
    expect(await single.json()).toMatchObject({ statusCode: '403', code: 'AccessDenied' });
    expect(await rowCount('user-files', path)).toBe(1);
    expect(existsSync(join(storageDir, 'user-files', alice.id, 'private.txt'))).toBe(true);

    const own = await alice.client.storage.from('user-files').list(alice.id);
    expect(own.data?.map((f) => f.name)).toContain('private.txt');
    const moveAway = await alice.client.storage.from('user-files').move(path, `${bob.id}/gift.txt`);
    expect(moveAway.error).toMatchObject({ statusCode: '403' });
    const removed = await alice.client.storage.from('user-files').remove([path]);
    expect(removed.data?.map((f) => f.name)).toEqual([path]);
    expect(existsSync(join(storageDir, 'user-files', alice.id, 'private.txt'))).toBe(false);
  });

  it('records owner_id for any sub and owner only for uuids; service uploads have neither', async () => {
    const odd = clientWithToken(t, await accessToken('not-a-uuid'));
    expect((await odd.storage.from('open').upload('odd.txt', text('odd'))).error).toBeNull();
    expect((await service.storage.from('open').upload('svc.txt', text('svc'))).error).toBeNull();
    const { rows } = await t.db.query(
      `select name, owner, owner_id from storage.objects where bucket_id = 'open' order by name`,
    );
    expect(rows).toEqual([
      { name: 'odd.txt', owner: null, owner_id: 'not-a-uuid' },
      { name: 'svc.txt', owner: null, owner_id: null },
    ]);
  });
});

describe('storage signed URLs', () => {
  it('serves a signed URL without auth and rejects expired, tampered and misdirected tokens', async () => {
    const bucket = alice.client.storage.from('user-files');
    const path = `${alice.id}/signed.txt`;
    const other = `${alice.id}/other.txt`;
    await bucket.upload(path, text('signed content'));
    await bucket.upload(other, text('other content'));

    const { data, error } = await bucket.createSignedUrl(path, 60);
    expect(error).toBeNull();
    const res = await fetch(data?.signedUrl ?? '');
    expect(res.status).toBe(200);
    expect(res.headers.get('expires')).toBeTruthy();
    expect(await res.text()).toBe('signed content');
    const download = await fetch(`${data?.signedUrl}&download=`);
    expect(download.headers.get('content-disposition')).toBe('attachment;');
    await download.arrayBuffer();

    const token = new URL(data?.signedUrl ?? '').searchParams.get('token') ?? '';
    const signedPath = (p: string, tok: string) =>
      `${t.url}/storage/v1/object/sign/user-files/${p}?token=${tok}`;

    const misdirected = await fetch(signedPath(other, token));
    expect(misdirected.status).toBe(400);
    expect(await misdirected.json()).toMatchObject({ statusCode: '400', code: 'InvalidSignature' });

    const [header, payload, signature] = token.split('.');
    const forgedPayload = Buffer.from(
      JSON.stringify({
        ...JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()),
        url: `user-files/${other}`,
      }),
    ).toString('base64url');
    const tampered = await fetch(signedPath(other, `${header}.${forgedPayload}.${signature}`));
    expect(tampered.status).toBe(400);
    expect(await tampered.json()).toMatchObject({ statusCode: '400', code: 'InvalidJWT' });

    const now = Math.floor(Date.now() / 1000);
    const expiredToken = await signJwt(
      { url: `user-files/${path}`, scope: 'download', iat: now - 120, exp: now - 60 },
      TEST_JWT_SECRET,
    );
    const expired = await fetch(signedPath(path, expiredToken));
    expect(await expired.json()).toMatchObject({
      statusCode: '400',
      code: 'ExpiredToken',
      message: 'The provided token has expired.',
    });

    // An access token is not a signed-URL token, and a download token cannot upload.
    expect((await fetch(signedPath(path, alice.token))).status).toBe(400);
    const upload = await fetch(`${t.url}/storage/v1/object/upload/sign/user-files/${path}?token=${token}`, {
      method: 'PUT',
      body: 'overwrite',
    });
    expect(await upload.json()).toMatchObject({ code: 'InvalidSignature' });

    const many = await bucket.createSignedUrls([path, `${alice.id}/missing.txt`], 60);
    expect(many.error).toBeNull();
    expect(many.data?.[0]).toMatchObject({ error: null, path });
    expect(many.data?.[0]?.signedUrl).toContain('/object/sign/user-files/');
    expect(many.data?.[1]).toMatchObject({
      error: 'Either the object does not exist or you do not have access to it',
      signedUrl: null,
    });
  });

  it('uploads through a signed upload URL with the signer as owner', async () => {
    const path = `${alice.id}/via-signed.txt`;
    const bucket = alice.client.storage.from('user-files');
    const { data, error } = await bucket.createSignedUploadUrl(path);
    expect(error).toBeNull();
    const res = await fetch(data?.signedUrl ?? '', {
      method: 'PUT',
      headers: { 'content-type': 'text/plain' },
      body: 'signed upload',
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ Key: `user-files/${path}` });
    const { rows } = await t.db.query('select owner_id from storage.objects where name = $1', [path]);
    expect(rows).toEqual([{ owner_id: alice.id }]);
    expect(await (await bucket.download(path)).data?.text()).toBe('signed upload');

    const again = await bucket.uploadToSignedUrl(path, data?.token ?? '', text('again'));
    expect(again.error).toMatchObject({ statusCode: '409' });

    const wrongPath = await fetch(
      `${t.url}/storage/v1/object/upload/sign/user-files/${alice.id}/elsewhere.txt?token=${data?.token}`,
      { method: 'PUT', body: 'x' },
    );
    expect(await wrongPath.json()).toMatchObject({ code: 'InvalidSignature' });

    const forOthers = await bucket.createSignedUploadUrl(`${bob.id}/x.txt`);
    expect(forOthers.error).toMatchObject({ statusCode: '403' });
  });
});

describe('storage input safety and limits', () => {
  it('rejects path traversal before touching the disk', async () => {
    const marker = `pwned-${randomUUID().slice(0, 8)}`;
    const token = alice.token;
    const attempts = [
      `/storage/v1/object/trav/../../${marker}`,
      `/storage/v1/object/trav/a/../../etc/${marker}`,
      `/storage/v1/object/trav/%2e%2e/%2e%2e/${marker}`,
      `/storage/v1/object/trav/a%2F..%2F..%2F..%2F${marker}`,
      `/storage/v1/object/trav/..%2F${marker}`,
      `/storage/v1/object/trav/%2E%2E%5C${marker}`,
      `/storage/v1/object/trav/a%00b/${marker}`,
    ];
    for (const path of attempts) {
      const res = await rawRequest(path, 'POST', 'evil', token);
      expect(res.status, path).toBeGreaterThanOrEqual(400);
    }
    const encoded = await rawRequest(
      `/storage/v1/object/trav/a%2F..%2F..%2F${marker}`,
      'POST',
      'evil',
      token,
    );
    expect(JSON.parse(encoded.body)).toMatchObject({ statusCode: '400', code: 'InvalidKey' });

    const viaClient = await alice.client.storage.from('trav').upload(`../${marker}`, text('evil'));
    expect(viaClient.error).not.toBeNull();

    await alice.client.storage.from('trav').upload('legit.txt', text('ok'));
    for (const destinationKey of [
      `../${marker}`,
      `a/../../${marker}`,
      `..\\${marker}`,
      `/${marker}`,
      'a//b',
    ]) {
      const moved = await alice.client.storage.from('trav').move('legit.txt', destinationKey);
      expect(moved.error, destinationKey).toMatchObject({ statusCode: '400' });
      const copied = await alice.client.storage.from('trav').copy('legit.txt', destinationKey);
      expect(copied.error, destinationKey).toMatchObject({ statusCode: '400' });
    }
    const signed = await alice.client.storage.from('trav').createSignedUploadUrl(`../../${marker}`);
    expect(signed.error).not.toBeNull();

    expect(filesOnDisk().filter((f) => f.includes(marker))).toEqual([]);
    for (const dir of [storageDir, dirname(storageDir), join(storageDir, 'trav')]) {
      expect(
        readdirSync(dir).some((f) => f.includes(marker)),
        dir,
      ).toBe(false);
    }
    const { rows } = await t.db.query(`select name from storage.objects where name like '%' || $1 || '%'`, [
      marker,
    ]);
    expect(rows).toEqual([]);
  });

  it('rejects oversized uploads with EntityTooLarge and leaves nothing behind', async () => {
    const bucket = alice.client.storage.from('small');
    expect((await bucket.upload('fits.txt', text('0123456789'))).error).toBeNull();

    const multipart = await bucket.upload('big.txt', text('01234567890'));
    expect(multipart.error).toMatchObject({ status: 400, statusCode: '413' });
    expect(multipart.error?.message).toBe('The object exceeded the maximum allowed size');

    const raw = await storageFetch(t, '/object/small/raw.bin', {
      method: 'POST',
      token: alice.token,
      headers: { 'content-type': 'application/octet-stream' },
      body: Buffer.alloc(64),
    });
    expect(raw.status).toBe(400);
    expect(await raw.json()).toEqual({
      statusCode: '413',
      code: 'EntityTooLarge',
      error: 'Payload too large',
      message: 'The object exceeded the maximum allowed size',
    });

    // Chunked (no Content-Length): the stream is cut off at the limit.
    const chunks = [Buffer.alloc(6, 1), Buffer.alloc(6, 2)];
    const streamed = await storageFetch(t, '/object/small/streamed.bin', {
      method: 'POST',
      token: alice.token,
      headers: { 'content-type': 'application/octet-stream' },
      body: new ReadableStream({
        pull(controller) {
          const next = chunks.shift();
          if (next) controller.enqueue(next);
          else controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(await streamed.json()).toMatchObject({ statusCode: '413' });

    for (const name of ['big.txt', 'raw.bin', 'streamed.bin']) expect(await rowCount('small', name)).toBe(0);
    expect(filesOnDisk().filter((f) => f.startsWith('small/'))).toEqual(['small/fits.txt']);
  });

  it('rejects MIME types the bucket does not allow', async () => {
    const bucket = alice.client.storage.from('images');
    const denied = await bucket.upload('note.txt', text('nope'));
    expect(denied.error).toMatchObject({ status: 400, statusCode: '415' });
    expect(denied.error?.message).toBe('mime type text/plain is not supported');
    const png = await bucket.upload(
      'pic.png',
      new Blob([Buffer.from([137, 80, 78, 71])], { type: 'image/png' }),
    );
    expect(png.error).toBeNull();
    const pdf = await bucket.upload('doc.pdf', Buffer.from('%PDF'), { contentType: 'application/pdf' });
    expect(pdf.error).toBeNull();
    expect(await rowCount('images', 'note.txt')).toBe(0);
  });

  it('leaves neither file nor row when the database refuses at commit, and keeps the old bytes on upsert', async () => {
    await t.db.query(`
      create function public.test_fail_storage_commit() returns trigger language plpgsql as $$
      begin raise exception 'refused at commit'; end $$;
      create constraint trigger test_fail_storage_commit after insert or update on storage.objects
        deferrable initially deferred for each row
        when (new.bucket_id = 'atomic' and new.name like 'doomed/%' and new.version <> '1')
        execute function public.test_fail_storage_commit();
    `);
    const bucket = alice.client.storage.from('atomic');
    const failed = await bucket.upload('doomed/new.txt', text('never'));
    expect(failed.error).toMatchObject({ status: 500, statusCode: '500' });
    expect(await rowCount('atomic', 'doomed/new.txt')).toBe(0);
    expect(filesOnDisk().filter((f) => f.startsWith('atomic/'))).toEqual([]);

    await t.db.query(`alter table storage.objects disable trigger test_fail_storage_commit`);
    expect((await bucket.upload('doomed/keep.txt', text('old bytes'))).error).toBeNull();
    await t.db.query(`alter table storage.objects enable trigger test_fail_storage_commit`);
    const upsert = await bucket.upload('doomed/keep.txt', text('new bytes'), { upsert: true });
    expect(upsert.error).toMatchObject({ statusCode: '500' });
    expect(await (await bucket.download('doomed/keep.txt')).data?.text()).toBe('old bytes');
    const moved = await bucket.move('doomed/keep.txt', 'doomed/moved.txt');
    expect(moved.error).not.toBeNull();
    expect(filesOnDisk().filter((f) => f.startsWith('atomic/'))).toEqual(['atomic/doomed/keep.txt']);
    await t.db.query(`drop trigger test_fail_storage_commit on storage.objects`);
  });
});
