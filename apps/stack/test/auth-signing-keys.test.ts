import { generateKeyPairSync, type KeyObject, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '@harmony/db/testing';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { createLocalJWKSet, decodeProtectedHeader, type JSONWebKeySet, jwtVerify, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadStackConfig } from '../src/config.js';
import { signJwt } from '../src/jwt.js';
import { type LocalStack, projectEnvironment, startLocalStack } from '../src/local.js';
import { startTestStack, type TestStack } from './harness.js';

// The Supabase CLI's demo keys (HS256 with its demo secret): they keep working beside signing keys.
const CLI_ANON_KEY =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6ImFub24iLCJleHAiOjE5ODM4MTI5OTZ9.CRXP1A7WOeoJeXxjNni43kdQwgnWNReilDMblYTn_I0';
const CLI_SERVICE_ROLE_KEY =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6InNlcnZpY2Vfcm9sZSIsImV4cCI6MTk4MzgxMjk5Nn0.EGIM96RAZx35lJzdJsyH-qQwv8Hdp7fsn3W0YpN81IU';
const DEMO_SECRET = 'super-secret-jwt-token-with-at-least-32-characters-long';

type Alg = 'ES256' | 'RS256';

/** A key as `supabase gen signing-key --algorithm <alg>` writes it, with its private KeyObject. */
function cliKey(alg: Alg, keyOps = ['sign', 'verify']) {
  const pair =
    alg === 'ES256'
      ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
      : generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = {
    kty: alg === 'ES256' ? 'EC' : 'RSA',
    kid: randomUUID(),
    use: 'sig',
    key_ops: keyOps,
    alg,
    ext: true,
    ...pair.privateKey.export({ format: 'jwk' }),
  };
  return { jwk, privateKey: pair.privateKey };
}

const dir = mkdtempSync(join(tmpdir(), 'harmony-signing-keys-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const keysFile = (content: unknown) => {
  const file = join(dir, `keys-${++files}.json`);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return file;
};

const inAnHour = () => Math.floor(Date.now() / 1000) + 3600;
const sign = (claims: Record<string, unknown>, alg: Alg, kid: string, key: KeyObject) =>
  new SignJWT(claims).setProtectedHeader({ alg, kid, typ: 'JWT' }).sign(key);

const SETUP_SQL = `
  create table public.sk_notes (id int, owner uuid);
  alter table public.sk_notes enable row level security;
  create policy sk_notes_own on public.sk_notes for select to authenticated using (owner = (select auth.uid()));
  grant select on public.sk_notes to anon, authenticated, service_role;
  insert into storage.buckets (id, name) values ('sk', 'sk');
  create policy sk_upload on storage.objects for insert to authenticated with check (bucket_id = 'sk');
  create policy sk_read on storage.objects for select to authenticated using (bucket_id = 'sk');
  create policy sk_room on realtime.messages for select to authenticated using ((select realtime.topic()) = 'sk-room');
  create function public.sk_whoami() returns json language sql stable
    as $$ select json_build_object('role', current_user, 'sub', auth.uid()) $$;
  grant execute on function public.sk_whoami() to anon, authenticated, service_role;`;

/** Subscribes; resolves 'SUBSCRIBED', or the join error's reason. */
function joinChannel(client: SupabaseClient, topic: string, isPrivate: boolean): Promise<string> {
  return new Promise((resolve) => {
    client.channel(topic, { config: { private: isPrivate } }).subscribe((status, err) => {
      if (status === 'SUBSCRIBED') resolve(status);
      else if (status !== 'CLOSED') resolve(err?.message ?? status);
    });
  });
}

describe('ES256 signing keys from [auth] signing_keys_path', () => {
  const signing = cliKey('ES256');
  let db: TestDatabase;
  let local: LocalStack;
  let url: string;
  const before = { ...process.env };

  beforeAll(async () => {
    // A project laid out as the CLI's: supabase/config.toml naming ./signing_keys.json beside it.
    const supabaseDir = join(dir, 'es256', 'supabase');
    mkdirSync(supabaseDir, { recursive: true });
    writeFileSync(join(supabaseDir, 'signing_keys.json'), JSON.stringify([signing.jwk], null, 2));
    writeFileSync(join(supabaseDir, 'config.toml'), '[auth]\nsigning_keys_path = "./signing_keys.json"\n');
    db = await createTestDatabase();
    await db.query(SETUP_SQL);
    local = await startLocalStack({
      HARMONY_SUPABASE_CONFIG: join(supabaseDir, 'config.toml'),
      HARMONY_STACK_PORT: '0',
      DATABASE_URL: db.url(),
      HARMONY_STORAGE_DIR: join(dir, 'es256', 'storage'),
      LOG_LEVEL: 'silent',
    });
    url = local.stack.url;
  });
  afterAll(async () => {
    await local.stop();
    await db.close();
    process.env = before;
  });

  const signUp = async () => {
    const client = createClient(url, CLI_ANON_KEY);
    const { data, error } = await client.auth.signUp({
      email: `sk-${randomUUID()}@example.com`,
      password: 'signing-keys-password',
    });
    expect(error).toBeNull();
    if (!data.session) throw new Error('sign-up gave no session');
    return { client, session: data.session, userId: data.session.user.id };
  };

  it('signs sessions with the signing key: ES256 with its kid, verifiable through the published JWKS', async () => {
    const { client, session, userId } = await signUp();
    expect(decodeProtectedHeader(session.access_token)).toEqual({
      alg: 'ES256',
      kid: signing.jwk.kid,
      typ: 'JWT',
    });
    const jwks = (await (await fetch(`${url}/auth/v1/.well-known/jwks.json`)).json()) as JSONWebKeySet;
    const { payload } = await jwtVerify(session.access_token, createLocalJWKSet(jwks));
    expect(payload).toMatchObject({ sub: userId, role: 'authenticated' });
    // auth-js verifies asymmetric tokens itself against the JWKS; GoTrue's /user accepts them too.
    const { data: claims, error } = await client.auth.getClaims();
    expect(error).toBeNull();
    expect(claims?.claims.sub).toBe(userId);
    expect((await client.auth.getUser()).data.user?.id).toBe(userId);
    const { error: signInError, data: signIn } = await createClient(
      url,
      CLI_ANON_KEY,
    ).auth.signInWithPassword({
      email: session.user.email ?? '',
      password: 'signing-keys-password',
    });
    expect(signInError).toBeNull();
    expect(decodeProtectedHeader(signIn.session?.access_token ?? '').kid).toBe(signing.jwk.kid);
  });

  it('publishes the public key only, as GoTrue does, without an apikey', async () => {
    const res = await fetch(`${url}/auth/v1/.well-known/jwks.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('public, max-age=600');
    const { kty, kid, alg, crv, x, y } = signing.jwk as Record<string, unknown>;
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({
      keys: [{ kty, kid, use: 'sig', key_ops: ['verify'], alg, ext: true, crv, x, y }],
    });
    expect(text).not.toContain('"d"');
  });

  it('lets the session read through REST, upload to storage and join a private realtime channel', async () => {
    const { client, userId } = await signUp();
    await db.query('insert into public.sk_notes values (1, $1), (2, gen_random_uuid())', [userId]);
    const { data, error } = await client.from('sk_notes').select('id');
    expect(error).toBeNull();
    expect(data).toEqual([{ id: 1 }]);
    const upload = await client.storage.from('sk').upload(`${userId}/hello.txt`, 'hello');
    expect(upload.error).toBeNull();
    const { rows: owner } = await db.query<{ owner_id: string }>(
      "select owner_id from storage.objects where bucket_id = 'sk' and name = $1",
      [`${userId}/hello.txt`],
    );
    expect(owner).toEqual([{ owner_id: userId }]);
    expect(await joinChannel(client, 'sk-room', true)).toBe('SUBSCRIBED');
    await client.removeAllChannels();
  });

  it('still takes the legacy HS256 anon and service_role keys everywhere', async () => {
    const anon = createClient(url, CLI_ANON_KEY);
    const { data, error } = await anon.from('sk_notes').select('id');
    expect({ data, error }).toEqual({ data: [], error: null });
    expect(await joinChannel(anon, 'sk-public', false)).toBe('SUBSCRIBED');
    await anon.removeAllChannels();
    const service = createClient(url, CLI_SERVICE_ROLE_KEY);
    expect((await service.auth.admin.listUsers()).error).toBeNull();
    expect((await service.storage.listBuckets()).error).toBeNull();
    expect((await service.from('sk_notes').select('id')).data?.length).toBeGreaterThan(0);
  });

  describe('refuses a token signed by another ES256 key, in each service envelope', () => {
    const attacker = cliKey('ES256');
    const forged = async (kid: string, userId: string) =>
      sign(
        { sub: userId, role: 'authenticated', aud: 'authenticated', exp: inAnHour() },
        'ES256',
        kid,
        attacker.privateKey,
      );
    const headers = (token: string) => ({ apikey: CLI_ANON_KEY, authorization: `Bearer ${token}` });

    it('REST: 401 PGRST301', async () => {
      const { userId } = await signUp();
      const sameKid = await fetch(`${url}/rest/v1/sk_notes`, {
        headers: headers(await forged(signing.jwk.kid, userId)),
      });
      expect(sameKid.status).toBe(401);
      expect(await sameKid.json()).toEqual({
        code: 'PGRST301',
        details: null,
        hint: null,
        message: 'JWT cryptographic operation failed',
      });
      const otherKid = await fetch(`${url}/rest/v1/sk_notes`, {
        headers: headers(await forged(attacker.jwk.kid, userId)),
      });
      expect(otherKid.status).toBe(401);
      expect(await otherKid.json()).toEqual({
        code: 'PGRST301',
        details: 'No suitable key was found to decode the JWT',
        hint: null,
        message: 'No suitable key or wrong key type',
      });
    });

    it('auth: 403 bad_jwt', async () => {
      const { userId } = await signUp();
      const sameKid = await fetch(`${url}/auth/v1/user`, {
        headers: headers(await forged(signing.jwk.kid, userId)),
      });
      expect(sameKid.status).toBe(403);
      expect(await sameKid.json()).toMatchObject({
        code: 403,
        error_code: 'bad_jwt',
        msg: 'invalid JWT: unable to parse or verify signature, token signature is invalid: crypto/ecdsa: verification error',
      });
      const otherKid = await fetch(`${url}/auth/v1/user`, {
        headers: headers(await forged(attacker.jwk.kid, userId)),
      });
      expect(await otherKid.json()).toMatchObject({
        error_code: 'bad_jwt',
        msg: `invalid JWT: unable to parse or verify signature, token is unverifiable: error while executing keyfunc: unrecognized JWT kid ${attacker.jwk.kid} for algorithm ES256`,
      });
    });

    it('storage: AccessDenied', async () => {
      const { userId } = await signUp();
      for (const kid of [signing.jwk.kid, attacker.jwk.kid]) {
        const res = await fetch(`${url}/storage/v1/object/sk/${userId}/forged.txt`, {
          method: 'POST',
          headers: { ...headers(await forged(kid, userId)), 'content-type': 'text/plain' },
          body: 'forged',
        });
        expect(res.status).toBe(400);
        expect(await res.json()).toMatchObject({
          statusCode: '403',
          code: 'AccessDenied',
          error: 'Unauthorized',
        });
      }
      const { rows } = await db.query("select 1 from storage.objects where name like '%forged.txt'");
      expect(rows).toEqual([]);
    });

    it('realtime: the join fails', async () => {
      const { userId } = await signUp();
      const reasons: string[] = [];
      for (const kid of [signing.jwk.kid, attacker.jwk.kid]) {
        const token = await forged(kid, userId);
        const client = createClient(url, CLI_ANON_KEY);
        await client.realtime.setAuth(token);
        reasons.push(await joinChannel(client, 'sk-room', true));
        await client.removeAllChannels();
      }
      expect(reasons[0]).toContain('JwtSignatureError: Failed to validate JWT signature');
      expect(reasons[1]).toContain(
        `JwtSignerError: Failed to generate JWT signer for key ID (kid) "${attacker.jwk.kid}", check your JWT secret or JWKS configuration`,
      );
    });

    it('never verifies an HMAC token with a public key or under a signing key kid', async () => {
      const { userId } = await signUp();
      const claims = { sub: userId, role: 'service_role', exp: inAnHour() };
      const { kty, crv, x, y } = signing.jwk;
      const publicJson = JSON.stringify({ kty, crv, x, y });
      for (const token of [
        await signJwt(claims, publicJson, { kid: signing.jwk.kid }),
        await signJwt(claims, DEMO_SECRET, { kid: signing.jwk.kid }),
      ]) {
        const res = await fetch(`${url}/rest/v1/sk_notes`, { headers: headers(token) });
        expect(res.status).toBe(401);
        expect(((await res.json()) as { message: string }).message).toBe('No suitable key or wrong key type');
      }
    });
  });
});

describe('RS256 signing keys, and a verify-only key kept through a rotation', () => {
  const signing = cliKey('RS256');
  const previous = cliKey('ES256', ['verify']);
  let t: TestStack;
  beforeAll(async () => {
    t = await startTestStack({ HARMONY_JWT_SIGNING_KEYS_PATH: keysFile([signing.jwk, previous.jwk]) });
    await t.db.query(SETUP_SQL);
  });
  afterAll(() => t.stop());

  it('signs with the RS256 key, publishes both public keys and accepts tokens of the previous key', async () => {
    const client = createClient(t.url, t.stack.keys.anon);
    const { data, error } = await client.auth.signUp({
      email: 'rs256@example.com',
      password: 'rs256-password',
    });
    expect(error).toBeNull();
    if (!data.session) throw new Error('sign-up gave no session');
    const { access_token: token, user } = data.session;
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'RS256', kid: signing.jwk.kid, typ: 'JWT' });
    expect((await client.rpc('sk_whoami')).data).toEqual({ role: 'authenticated', sub: user.id });
    expect((await client.auth.getClaims()).data?.claims.sub).toBe(user.id);

    const jwks = (await (await fetch(`${t.url}/auth/v1/.well-known/jwks.json`)).json()) as {
      keys: Record<string, unknown>[];
    };
    expect(jwks.keys.map((k) => [k.kid, k.kty, k.alg, k.key_ops])).toEqual([
      [signing.jwk.kid, 'RSA', 'RS256', ['verify']],
      [previous.jwk.kid, 'EC', 'ES256', ['verify']],
    ]);
    for (const secretPart of ['d', 'p', 'q', 'dp', 'dq', 'qi']) {
      expect(jwks.keys[0]).not.toHaveProperty(secretPart);
    }

    const old = await sign(
      { sub: user.id, role: 'authenticated', exp: inAnHour() },
      'ES256',
      previous.jwk.kid,
      previous.privateKey,
    );
    const res = await fetch(`${t.url}/auth/v1/user`, {
      headers: { apikey: t.stack.keys.anon, authorization: `Bearer ${old}` },
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { id: string }).id).toBe(user.id);
  });
});

describe('a signing keys file that cannot be used', () => {
  const load = (file: string) => () => loadStackConfig({ HARMONY_JWT_SIGNING_KEYS_PATH: file });

  it('stops the stack with a message naming the file and the key', () => {
    const missing = join(dir, 'missing.json');
    expect(load(missing)).toThrow(`JWT signing keys ${missing} (auth.signing_keys_path): no such file`);
    const notJson = keysFile('{ nope');
    expect(load(notJson)).toThrow(new RegExp(`^JWT signing keys ${notJson} .*cannot read it as JSON`));
    expect(load(keysFile({ keys: [] }))).toThrow(
      /expected a JSON array of JWKs, as `supabase gen signing-key` writes/,
    );
    const { jwk } = cliKey('ES256');
    expect(load(keysFile([{ ...jwk, crv: 'P-384' }]))).toThrow(/\[0\]\.crv: /);
    expect(load(keysFile([{ ...jwk, kid: undefined }]))).toThrow(/\[0\]\.kid: a key id \(kid\) is required/);
    expect(load(keysFile([{ ...jwk, kty: 'oct' }]))).toThrow(
      /\[0\]\.kty: expected kty "EC" \(ES256\) or "RSA" \(RS256\)/,
    );
    expect(load(keysFile([{ ...jwk, key_ops: ['verify'] }]))).toThrow(/no signing key/);
    expect(load(keysFile([{ ...jwk, d: undefined }]))).toThrow(/the signing key has no private part \(d\)/);
    expect(load(keysFile([{ ...jwk, x: jwk.y }]))).toThrow(new RegExp(`\\[0\\] \\(kid ${jwk.kid}\\): `));
  });

  it('resolves signing_keys_path from config.toml against the supabase/ directory, as the CLI', () => {
    const project = join(dir, 'project', 'supabase');
    mkdirSync(project, { recursive: true });
    writeFileSync(join(project, 'config.toml'), '[auth]\nsigning_keys_path = "./signing_keys.json"\n');
    const { env } = projectEnvironment({ HARMONY_SUPABASE_CONFIG: join(project, 'config.toml') });
    expect(env.HARMONY_JWT_SIGNING_KEYS_PATH).toBe(join(project, 'signing_keys.json'));
    expect(() => loadStackConfig(env)).toThrow(`JWT signing keys ${join(project, 'signing_keys.json')}`);
    writeFileSync(join(project, 'config.toml'), '[auth]\nsigning_keys_path = 3\n');
    expect(() => projectEnvironment({ HARMONY_SUPABASE_CONFIG: join(project, 'config.toml') })).toThrow(
      /config\.toml:2: auth\.signing_keys_path: /,
    );
  });
});
