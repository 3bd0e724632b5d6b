import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from './harness.js';
import { RawSocket } from './realtime-helpers.js';
import { createStorageUser, type StorageUser, sqlBucket, storageFetch } from './storage-fixtures.js';

/**
 * Attacker's side: strings PostgreSQL refuses to store (a NUL byte in text, `\u0000` or a lone
 * surrogate in json) sent to every input that reaches the database. Each must be refused as
 * the client's mistake (4xx in the service's own envelope) or stored harmlessly, never a 500.
 */
let t: TestStack;
let owner: StorageUser;
let session: { access_token: string; refresh_token: string };
beforeAll(async () => {
  process.env.HARMONY_AUTH_RATE_LIMIT_SIGN_IN_SIGN_UPS = '10000';
  t = await startTestStack();
  owner = await createStorageUser(t);
  await sqlBucket(t, 'bytes');
  await t.db.query(
    `create policy "bytes bucket is the owner's" on storage.objects for all to authenticated
     using (bucket_id = 'bytes') with check (bucket_id = 'bytes')`,
  );
  const res = await auth('/signup', { email: `bytes.${Date.now()}@example.com`, password: PASSWORD });
  session = (await res.json()) as typeof session;
});
afterAll(() => t.stop());

const PASSWORD = 'correct horse 1';
const NUL = '\u0000';
/** JSON text with escapes JSON.stringify would not write itself. */
const LONE_SURROGATE_JSON = '"\\ud800"';
let counter = 0;
const email = () => `bytes.${Date.now().toString(36)}${counter++}@example.com`;

function auth(path: string, body?: unknown, init: { method?: string; token?: string; raw?: string } = {}) {
  return fetch(`${t.url}/auth/v1${path}`, {
    method: init.method ?? (body === undefined && init.raw === undefined ? 'GET' : 'POST'),
    headers: {
      apikey: t.stack.keys.anon,
      'content-type': 'application/json',
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
    },
    body: init.raw ?? (body === undefined ? undefined : JSON.stringify(body)),
    redirect: 'manual',
  });
}

/** A refusal in GoTrue's envelope: 4xx with `error_code` (or an OAuth-style `error`). */
async function expectAuthRefusal(res: Response, errorCode?: string) {
  const body = (await res.json()) as Record<string, unknown>;
  expect(res.status, JSON.stringify(body)).toBeGreaterThanOrEqual(400);
  expect(res.status, JSON.stringify(body)).toBeLessThan(500);
  if (errorCode) expect(body.error_code).toBe(errorCode);
  return body;
}

describe('auth: bytes PostgreSQL rejects', () => {
  it('a NUL byte in the signup email is GoTrue invalid-format validation error, not a 500', async () => {
    const res = await auth('/signup', { email: `ev${NUL}il@example.com`, password: PASSWORD });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      code: 400,
      error_code: 'validation_failed',
      msg: 'Unable to validate email address: invalid format',
    });
  });

  it('NUL and lone surrogates in sign-up metadata are a 400 validation_failed', async () => {
    for (const raw of [
      `{"email":"${email()}","password":"${PASSWORD}","data":{"bio":"a\\u0000b"}}`,
      `{"email":"${email()}","password":"${PASSWORD}","data":{"a\\u0000b":1}}`,
      `{"email":"${email()}","password":"${PASSWORD}","data":{"bio":${LONE_SURROGATE_JSON}}}`,
    ]) {
      await expectAuthRefusal(await auth('/signup', undefined, { raw }), 'validation_failed');
    }
  });

  it('a NUL byte in a password is just a byte of the password', async () => {
    const address = email();
    const password = `${PASSWORD}${NUL}x`;
    expect((await auth('/signup', { email: address, password })).status).toBe(200);
    expect((await auth('/token?grant_type=password', { email: address, password })).status).toBe(200);
    await expectAuthRefusal(
      await auth('/token?grant_type=password', { email: address, password: PASSWORD }),
      'invalid_credentials',
    );
  });

  it('NUL bytes in sign-in, refresh, PKCE and verify inputs are refusals', async () => {
    const refusals = [
      auth('/signup', { phone: `+1555${NUL}0100`, password: PASSWORD }),
      auth('/token?grant_type=password', { email: `a${NUL}@example.com`, password: PASSWORD }),
      auth('/token?grant_type=password', { phone: `+1555${NUL}0100`, password: PASSWORD }),
      auth('/token?grant_type=refresh_token', { refresh_token: `abc${NUL}def` }),
      auth('/token?grant_type=pkce', { auth_code: `abc${NUL}`, code_verifier: 'x'.repeat(43) }),
      auth('/verify', { type: 'signup', token_hash: `abc${NUL}` }),
      auth(`/verify?type=signup&token=abc%00&redirect_to=${encodeURIComponent(`http://x${NUL}/`)}`),
      auth(`/authorize?provider=git%00hub&redirect_to=%00`),
      auth(`/logout?scope=gl%00obal`, {}, { token: session.access_token }),
    ];
    for (const res of await Promise.all(refusals)) {
      expect(res.status, `${res.url}: ${await res.clone().text()}`).toBeLessThan(500);
      expect(res.status).toBeGreaterThanOrEqual(300);
    }
  });

  it('NUL bytes and bad escapes in user updates are a 400 validation_failed', async () => {
    const token = session.access_token;
    for (const raw of [
      '{"data":{"bio":"a\\u0000b"}}',
      `{"data":{"bio":${LONE_SURROGATE_JSON}}}`,
      `{"email":"new${NUL}@example.com"}`.replace(NUL, '\\u0000'),
    ]) {
      await expectAuthRefusal(await auth('/user', undefined, { method: 'PUT', raw, token }));
    }
    await expectAuthRefusal(
      await auth('/factors', { factor_type: 'totp', friendly_name: `phone${NUL}` }, { token }),
    );
  });

  it('admin inputs with NUL bytes are refusals', async () => {
    const admin = (path: string, body?: unknown, method?: string) =>
      fetch(`${t.url}/auth/v1${path}`, {
        method: method ?? (body === undefined ? 'GET' : 'POST'),
        headers: {
          apikey: t.stack.keys.serviceRole,
          authorization: `Bearer ${t.stack.keys.serviceRole}`,
          'content-type': 'application/json',
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    for (const res of await Promise.all([
      admin('/admin/users', { email: `x${NUL}@example.com`, password: PASSWORD }),
      admin('/admin/users', { email: email(), password: PASSWORD, user_metadata: { bio: NUL } }),
      admin('/admin/users', { email: email(), password: PASSWORD, app_metadata: { [NUL]: 1 } }),
      admin('/admin/users/abc%00def'),
      admin('/admin/users/abc%00def', { ban_duration: 'none' }, 'PUT'),
    ])) {
      await expectAuthRefusal(res);
    }
  });
});

describe('storage: bytes PostgreSQL rejects', () => {
  const upload = (name: string, headers: Record<string, string> = {}) =>
    storageFetch(t, `/object/bytes/${name}`, {
      method: 'POST',
      token: owner.token,
      headers: { 'content-type': 'text/plain', ...headers },
      body: 'hello',
    });

  /** A refusal in Storage's envelope: 4xx status and `statusCode` a 4xx string. */
  async function expectStorageRefusal(res: Response) {
    const body = (await res.json()) as Record<string, unknown>;
    expect(res.status, JSON.stringify(body)).toBeGreaterThanOrEqual(400);
    expect(res.status, JSON.stringify(body)).toBeLessThan(500);
    expect(body).toMatchObject({ statusCode: expect.stringMatching(/^4\d\d$/), message: expect.any(String) });
  }

  it('refuses object names with NUL bytes on every path that takes one', async () => {
    expect((await upload('ok.txt')).status).toBe(200);
    const json = (path: string, body: unknown) =>
      storageFetch(t, path, {
        method: 'POST',
        token: owner.token,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    for (const res of await Promise.all([
      upload('a%00b.txt'),
      storageFetch(t, '/object/bytes/a%00b.txt', { token: owner.token }),
      storageFetch(t, '/object/info/bytes/a%00b.txt', { token: owner.token }),
      storageFetch(t, '/object/bytes/a%00b.txt', { method: 'DELETE', token: owner.token }),
      json('/object/list/bytes', { prefix: `a${NUL}`, search: `b${NUL}` }),
      json('/object/move', { bucketId: 'bytes', sourceKey: 'ok.txt', destinationKey: `c${NUL}.txt` }),
      json('/object/copy', { bucketId: 'bytes', sourceKey: `ok${NUL}.txt`, destinationKey: 'c.txt' }),
      json('/object/sign/bytes/a%00b.txt', { expiresIn: 60 }),
      json('/object/sign/bytes', { expiresIn: 60, paths: [`a${NUL}b.txt`] }),
      storageFetch(t, '/object/bytes', {
        method: 'DELETE',
        token: owner.token,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ prefixes: [`a${NUL}b.txt`] }),
      }),
    ])) {
      await expectStorageRefusal(res);
    }
  });

  it('refuses metadata and bucket fields with NUL bytes or bad escapes', async () => {
    const metadata = (json: string) => ({ 'x-metadata': Buffer.from(json).toString('base64') });
    await expectStorageRefusal(await upload('meta1.txt', metadata('{"note":"a\\u0000b"}')));
    await expectStorageRefusal(await upload('meta2.txt', metadata(`{"note":${LONE_SURROGATE_JSON}}`)));
    const bucket = (body: string) =>
      storageFetch(t, '/bucket', {
        method: 'POST',
        token: t.stack.keys.serviceRole,
        headers: { 'content-type': 'application/json' },
        body,
      });
    await expectStorageRefusal(await bucket('{"name":"b\\u0000x"}'));
    await expectStorageRefusal(await bucket('{"name":"bx1","allowed_mime_types":["text/\\u0000"]}'));
  });
});

describe('realtime: bytes PostgreSQL rejects', () => {
  it('a private topic with a NUL byte is an error reply, and the socket stays usable', async () => {
    const s = await RawSocket.open(t, `apikey=${t.stack.keys.anon}&vsn=2.0.0`);
    const [status, response] = await s.push('1', `realtime:a${NUL}b`, 'phx_join', {
      config: { private: true },
    });
    expect(status).toBe('error');
    expect(response).toEqual({ reason: expect.any(String) });
    expect((await s.push('2', 'realtime:plain', 'phx_join', { config: {} }))[0]).toBe('ok');
    s.close();
  });

  it('the broadcast API answers a private topic with a NUL byte without a 500', async () => {
    const res = await fetch(`${t.url}/realtime/v1/api/broadcast`, {
      method: 'POST',
      headers: { apikey: t.stack.keys.anon, 'content-type': 'application/json' },
      body: JSON.stringify({ messages: [{ topic: `a${NUL}b`, event: 'e', payload: {}, private: true }] }),
    });
    expect(res.status).toBeLessThan(500);
  });
});
