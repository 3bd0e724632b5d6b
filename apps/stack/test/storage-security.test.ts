import { randomUUID } from 'node:crypto';
import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from './harness.js';
import { body, rest } from './rest-fixtures.js';
import { createStorageUser, type StorageUser, sqlBucket, storageFetch } from './storage-fixtures.js';

/**
 * Attacks on storage by a signed-in user: rewriting an object's row (its content type, its owner)
 * outside the Storage API, getting active content (HTML, SVG, XML, JavaScript) served from the
 * API origin, and signing a URL that never expires.
 */

let t: TestStack;
let service: SupabaseClient;
let attacker: StorageUser;
let victim: StorageUser;

const PNG = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]);
const SCRIPT = '<svg xmlns="http://www.w3.org/2000/svg"><script>fetch("/auth/v1/user")</script></svg>';

beforeAll(async () => {
  t = await startTestStack();
  service = t.service();
  [attacker, victim] = await Promise.all([createStorageUser(t), createStorageUser(t)]);
});
afterAll(() => t?.stop());

/** The attacker's own avatar, uploaded through the Storage API as Harmony's web app does. */
async function uploadAvatar(user: StorageUser): Promise<string> {
  const path = `${user.id}/${randomUUID()}.png`;
  const { error } = await user.client.storage.from('avatars').upload(path, PNG, { contentType: 'image/png' });
  expect(error).toBeNull();
  return path;
}

async function objectRow(bucket: string, name: string) {
  const { rows } = await t.db.query(
    `select owner::text, owner_id, metadata->>'mimetype' as mimetype
     from storage.objects where bucket_id = $1 and name = $2`,
    [bucket, name],
  );
  return rows[0];
}

const untouched = (user: StorageUser) => ({ owner: user.id, owner_id: user.id, mimetype: 'image/png' });

describe('the REST API does not expose the storage schema', () => {
  it('answers PATCH /objects with Content-Profile: storage with PGRST106 and changes nothing', async () => {
    const path = await uploadAvatar(attacker);
    const res = await rest(t, `/objects?bucket_id=eq.avatars&name=eq.${encodeURIComponent(path)}`, {
      method: 'PATCH',
      token: attacker.token,
      headers: { 'Content-Profile': 'storage', 'Content-Type': 'application/json' },
      body: JSON.stringify({ metadata: { mimetype: 'text/html' }, owner: victim.id, owner_id: victim.id }),
    });
    expect(res.status).toBe(406);
    expect(await body(res)).toEqual({
      code: 'PGRST106',
      details: null,
      hint: 'Only the following schemas are exposed: public, graphql_public',
      message: 'Invalid schema: storage',
    });
    expect(await objectRow('avatars', path)).toEqual(untouched(attacker));
  });

  it('refuses reads of storage tables (Accept-Profile, supabase-js .schema)', async () => {
    const res = await rest(t, '/objects?select=name,owner', {
      token: attacker.token,
      headers: { 'Accept-Profile': 'storage' },
    });
    expect(res.status).toBe(406);
    expect((await body(res)).code).toBe('PGRST106');
    const { error, status } = await attacker.client
      .schema('storage')
      .from('buckets')
      .update({ public: true });
    expect(status).toBe(406);
    expect(error?.code).toBe('PGRST106');
  });
});

describe('storage.objects is written only through the Storage API', () => {
  beforeAll(async () => {
    // An app function that forgets it runs as its caller: SECURITY INVOKER, exposed over REST.
    await t.db.query(`
      create function public.zz_retag_object(p_name text, p_mimetype text, p_owner uuid)
      returns void language sql security invoker set search_path = '' as $$
        update storage.objects
        set metadata = jsonb_set(coalesce(metadata, '{}'), '{mimetype}', to_jsonb(p_mimetype)),
            owner = p_owner, owner_id = p_owner::text
        where bucket_id = 'avatars' and name = p_name
      $$;
      create function public.zz_forge_object(p_name text, p_owner uuid)
      returns void language sql security invoker set search_path = '' as $$
        insert into storage.objects (bucket_id, name, owner, owner_id, metadata)
        values ('avatars', p_name, p_owner, p_owner::text, '{"mimetype": "text/html"}')
      $$;
      create function public.zz_drop_object(p_name text)
      returns void language sql security invoker set search_path = '' as $$
        delete from storage.objects where bucket_id = 'avatars' and name = p_name
      $$;
      grant execute on function public.zz_retag_object(text, text, uuid), public.zz_forge_object(text, uuid),
        public.zz_drop_object(text) to authenticated;
    `);
  });

  it('refuses an UPDATE of the caller’s own object through a SECURITY INVOKER RPC', async () => {
    const path = await uploadAvatar(attacker);
    const { error, status } = await attacker.client.rpc('zz_retag_object', {
      p_name: path,
      p_mimetype: 'text/html',
      p_owner: victim.id,
    });
    expect(status).toBe(403);
    expect(error).toMatchObject({ code: '42501' });
    expect(await objectRow('avatars', path)).toEqual(untouched(attacker));
  });

  it('refuses an INSERT of a forged row and a DELETE that would orphan the file', async () => {
    const forged = `${attacker.id}/${randomUUID()}.png`;
    const insert = await attacker.client.rpc('zz_forge_object', { p_name: forged, p_owner: victim.id });
    expect(insert.status).toBe(403);
    expect(insert.error).toMatchObject({ code: '42501' });
    expect(await objectRow('avatars', forged)).toBeUndefined();

    const path = await uploadAvatar(attacker);
    const remove = await attacker.client.rpc('zz_drop_object', { p_name: path });
    expect(remove.error).toMatchObject({ code: '42501' });
    expect(await objectRow('avatars', path)).toEqual(untouched(attacker));
  });

  it('still checks the caller’s policies on upload, update, move, copy and delete', async () => {
    const own = await uploadAvatar(attacker);
    const victims = await uploadAvatar(victim);
    const bucket = attacker.client.storage.from('avatars');
    const into = (name: string) => `${victim.id}/${name}`;
    const denied = { statusCode: '403' };

    expect((await bucket.upload(into('a.png'), PNG, { contentType: 'image/png' })).error).toMatchObject(
      denied,
    );
    expect((await bucket.update(victims, PNG, { contentType: 'image/png' })).error).toMatchObject(denied);
    expect((await bucket.move(own, into('b.png'))).error).toMatchObject(denied);
    expect((await bucket.copy(own, into('c.png'))).error).toMatchObject(denied);
    expect((await bucket.remove([victims])).data).toEqual([]);
    expect(await objectRow('avatars', victims)).toEqual(untouched(victim));
    expect(await objectRow('avatars', into('a.png'))).toBeUndefined();

    // The attacker's own folder works, and every row the server writes is owned by the caller.
    const moved = `${attacker.id}/${randomUUID()}.png`;
    expect((await bucket.update(own, PNG, { contentType: 'image/png' })).error).toBeNull();
    expect((await bucket.move(own, moved)).error).toBeNull();
    expect((await bucket.copy(moved, `${moved}.copy.png`)).error).toBeNull();
    expect(await objectRow('avatars', `${moved}.copy.png`)).toEqual(untouched(attacker));
    expect((await bucket.remove([moved])).data?.map((file) => file.name)).toEqual([moved]);
  });
});

describe('object responses cannot run on the API origin', () => {
  /** Active: a browser runs script in it when it is opened (documents) or loaded (scripts). */
  const ACTIVE = [
    ['page.html', 'text/html; charset=utf-8'],
    ['image.svg', 'image/svg+xml'],
    ['page.xhtml', 'application/xhtml+xml'],
    ['data.xml', 'text/xml'],
    ['app.xml', 'application/xml'],
    ['feed.rss', 'application/rss+xml'],
    ['style.xsl', 'text/xsl'],
    ['app.js', 'text/javascript'],
    ['old.js', 'application/x-javascript'],
    ['MIXED.SVG', 'Image/SVG+XML'],
  ] as const;
  const PASSIVE = [
    ['photo.png', 'image/png'],
    ['notes.txt', 'text/plain'],
    ['paper.pdf', 'application/pdf'],
    ['data.json', 'application/json'],
  ] as const;
  let signedToken: (name: string) => Promise<string>;

  beforeAll(async () => {
    await sqlBucket(t, 'open-files', { public: true });
    await sqlBucket(t, 'explicit-svg', { public: true, allowedMimeTypes: ['image/svg+xml', 'text/html'] });
    await sqlBucket(t, 'any-image', { public: true, allowedMimeTypes: ['image/*'] });
    const put = async (bucket: string, name: string, type: string) => {
      const res = await storageFetch(t, `/object/${bucket}/${name}`, {
        method: 'POST',
        token: t.stack.keys.serviceRole,
        headers: { 'content-type': type },
        body: SCRIPT,
      });
      expect(res.status, await res.text()).toBe(200);
    };
    for (const [name, type] of [...ACTIVE, ...PASSIVE]) await put('open-files', name, type);
    await put('explicit-svg', 'image.svg', 'image/svg+xml');
    await put('explicit-svg', 'page.html', 'text/html');
    await put('any-image', 'image.svg', 'image/svg+xml');
    signedToken = async (name) => {
      const { data, error } = await service.storage.from('open-files').createSignedUrl(name, 60);
      expect(error).toBeNull();
      return new URL(data?.signedUrl ?? '').searchParams.get('token') ?? '';
    };
  });

  /** Every route that answers with an object's bytes, for one object of open-files. */
  async function everyRoute(name: string) {
    const token = t.stack.keys.serviceRole;
    const responses = [
      await storageFetch(t, `/object/public/open-files/${name}`),
      await storageFetch(t, `/object/public/open-files/${name}`, { method: 'HEAD' }),
      await storageFetch(t, `/object/authenticated/open-files/${name}`, { token }),
      await storageFetch(t, `/object/open-files/${name}`, { token }),
      await storageFetch(t, `/object/sign/open-files/${name}?token=${await signedToken(name)}`),
      await storageFetch(t, `/object/public/open-files/${name}`, { headers: { range: 'bytes=0-3' } }),
    ];
    for (const res of responses) expect([200, 206]).toContain(res.status);
    return Promise.all(
      responses.map(async (res) => {
        await res.arrayBuffer();
        return res.headers;
      }),
    );
  }

  it.each(ACTIVE)('%s (%s) is served as an attachment in a sandbox, with nosniff', async (name) => {
    for (const headers of await everyRoute(name)) {
      expect(headers.get('x-content-type-options')).toBe('nosniff');
      expect(headers.get('content-disposition')).toMatch(/^attachment/);
      expect(headers.get('content-security-policy')).toBe('sandbox');
    }
  });

  it.each(PASSIVE)('%s (%s) is served inline, with nosniff', async (name, type) => {
    for (const headers of await everyRoute(name)) {
      expect(headers.get('x-content-type-options')).toBe('nosniff');
      expect(headers.get('content-type')).toBe(type);
      expect(headers.get('content-disposition')).toBeNull();
      expect(headers.get('content-security-policy')).toBeNull();
    }
  });

  it('serves HTML as text/plain, as Supabase Storage does', async () => {
    const res = await storageFetch(t, '/object/public/open-files/page.html');
    expect(res.headers.get('content-type')).toBe('text/plain');
    expect(await res.text()).toBe(SCRIPT);
  });

  it('keeps ?download= names on active content', async () => {
    const res = await storageFetch(t, '/object/public/open-files/image.svg?download=cat.svg');
    expect(res.headers.get('content-disposition')).toBe(
      "attachment; filename=cat.svg; filename*=UTF-8''cat.svg",
    );
    expect(res.headers.get('content-security-policy')).toBe('sandbox');
    await res.arrayBuffer();
  });

  it('serves a type inline where the bucket lists it explicitly (a wildcard is not enough)', async () => {
    const svg = await storageFetch(t, '/object/public/explicit-svg/image.svg');
    expect(svg.headers.get('content-type')).toBe('image/svg+xml');
    expect(svg.headers.get('content-disposition')).toBeNull();
    expect(svg.headers.get('content-security-policy')).toBeNull();
    expect(svg.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await storageFetch(t, '/object/public/explicit-svg/page.html');
    expect(html.headers.get('content-type')).toBe('text/plain');
    expect(html.headers.get('content-disposition')).toBeNull();
    const wildcard = await storageFetch(t, '/object/public/any-image/image.svg');
    expect(wildcard.headers.get('content-disposition')).toBe('attachment;');
    expect(wildcard.headers.get('content-security-policy')).toBe('sandbox');
    await Promise.all([svg, html, wildcard].map((res) => res.arrayBuffer()));
  });

  it('a copy that relabels an avatar as SVG or HTML is not rendered from the public URL', async () => {
    const own = await uploadAvatar(attacker);
    for (const mimetype of ['image/svg+xml', 'text/html', 'image/png, text/html']) {
      const destination = `${attacker.id}/${randomUUID()}.png`;
      const copy = await storageFetch(t, '/object/copy', {
        method: 'POST',
        token: attacker.token,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          bucketId: 'avatars',
          sourceKey: own,
          destinationKey: destination,
          copyMetadata: false,
          metadata: { mimetype },
        }),
      });
      expect(copy.status).toBe(200);
      const res = await storageFetch(t, `/object/public/avatars/${destination}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('content-type')).not.toMatch(/html/);
      expect(res.headers.get('content-disposition')).toMatch(/^attachment/);
      expect(res.headers.get('content-security-policy')).toBe('sandbox');
      await res.arrayBuffer();
    }
  });

  it('a content type that is not one valid header value is served as an application/octet-stream attachment', async () => {
    const own = await uploadAvatar(attacker);
    const destination = `${attacker.id}/${randomUUID()}.png`;
    const copy = await storageFetch(t, '/object/copy', {
      method: 'POST',
      token: attacker.token,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        bucketId: 'avatars',
        sourceKey: own,
        destinationKey: destination,
        copyMetadata: false,
        metadata: {
          mimetype: 'text/plain\r\nSet-Cookie: session=stolen',
          cacheControl: 'max-age=1\r\nX-Evil: 1',
        },
      }),
    });
    expect(copy.status).toBe(200);
    const res = await storageFetch(t, `/object/public/avatars/${destination}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    expect(res.headers.get('content-disposition')).toBe('attachment;');
    expect(res.headers.get('set-cookie')).toBeNull();
    expect(res.headers.get('x-evil')).toBeNull();
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    await res.arrayBuffer();
  });
});

describe('signed URL expiry', () => {
  let path: string;
  beforeAll(async () => {
    path = await uploadAvatar(attacker);
  });
  const bucket = () => attacker.client.storage.from('avatars');
  const invalidParameter = { statusCode: '400', message: 'Invalid Parameter expiresIn' };

  it.each([1e308, 1e21, Number.MAX_SAFE_INTEGER])(
    'refuses expiresIn %s (past the largest JWT expiry)',
    async (n) => {
      expect((await bucket().createSignedUrl(path, n)).error).toMatchObject(invalidParameter);
      expect((await bucket().createSignedUrls([path], n)).error).toMatchObject(invalidParameter);
    },
  );

  it.each([
    [0, 'body/expiresIn must be >= 1'],
    [-60, 'body/expiresIn must be >= 1'],
    // JSON has no Infinity or NaN: supabase-js sends null, which Fastify coerces to 0.
    [Number.POSITIVE_INFINITY, 'body/expiresIn must be >= 1'],
    [Number.NaN, 'body/expiresIn must be >= 1'],
    [1.5, 'body/expiresIn must be integer'],
  ])('refuses expiresIn %s: %s', async (n, message) => {
    for (const { error } of [
      await bucket().createSignedUrl(path, n),
      await bucket().createSignedUrls([path], n),
    ]) {
      expect(error).toMatchObject({ statusCode: '400', message });
    }
  });

  it('refuses the same over raw HTTP, including a JSON number that overflows to Infinity', async () => {
    const sign = (raw: string, many = false) =>
      storageFetch(t, many ? '/object/sign/avatars' : `/object/sign/avatars/${path}`, {
        method: 'POST',
        token: attacker.token,
        headers: { 'content-type': 'application/json' },
        body: many ? `{"paths": ["${path}"], "expiresIn": ${raw}}` : `{"expiresIn": ${raw}}`,
      });
    for (const many of [false, true]) {
      const huge = await sign('1e308', many);
      expect(huge.status).toBe(400);
      expect(await body(huge)).toEqual({
        statusCode: '400',
        code: 'InvalidParameter',
        error: 'InvalidParameter',
        message: 'Invalid Parameter expiresIn',
      });
      const overflow = await sign('1e999', many);
      expect(overflow.status).toBe(400);
      expect((await body(overflow)).message).toContain('finite');
      const missing = await storageFetch(t, many ? '/object/sign/avatars' : `/object/sign/avatars/${path}`, {
        method: 'POST',
        token: attacker.token,
        headers: { 'content-type': 'application/json' },
        body: many ? `{"paths": ["${path}"]}` : '{}',
      });
      expect(missing.status).toBe(400);
      expect((await body(missing)).message).toBe("body must have required property 'expiresIn'");
    }
  });

  it('signs an ordinary expiry, and a numeric string as Fastify coerces it', async () => {
    const { data, error } = await bucket().createSignedUrl(path, 60);
    expect(error).toBeNull();
    const token = new URL(data?.signedUrl ?? '').searchParams.get('token') ?? '';
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString());
    expect(claims.exp - claims.iat).toBe(60);
    const res = await storageFetch(t, `/object/sign/avatars/${path}`, {
      method: 'POST',
      token: attacker.token,
      headers: { 'content-type': 'application/json' },
      body: '{"expiresIn": "120"}',
    });
    expect(res.status).toBe(200);
  });
});
