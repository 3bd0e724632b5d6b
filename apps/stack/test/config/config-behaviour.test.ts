import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '@harmony/db/testing';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../../src/local.js';
import { GITHUB_CLIENT_ID, GITHUB_SECRET, startFakeGithub } from '../fake-github.js';
import { CLIENT_ID, CLIENT_SECRET, startIdp } from '../fake-oidc-provider.js';

/**
 * Settings of supabase/config.toml that `supabase start` hands to GoTrue and storage-api,
 * seen through supabase-js (default options) against a stack started from the file, laid
 * out as a CLI project: <project>/supabase/config.toml beside supabase/.env.
 */
const root = mkdtempSync(join(tmpdir(), 'harmony-config-behaviour-'));
const running: { local: LocalStack; db: TestDatabase }[] = [];
afterAll(async () => {
  await Promise.all(
    running.map(async ({ local, db }) => {
      await local.stop();
      await db.close();
    }),
  );
  rmSync(root, { recursive: true, force: true });
});

let projects = 0;
async function stackFrom(toml: string, dotenv = '') {
  const supabaseDir = join(root, `project-${++projects}`, 'supabase');
  mkdirSync(supabaseDir, { recursive: true });
  writeFileSync(join(supabaseDir, 'config.toml'), toml);
  if (dotenv) writeFileSync(join(supabaseDir, '.env'), dotenv);
  const db = await createTestDatabase();
  const before = { ...process.env };
  try {
    const local = await startLocalStack({
      HARMONY_SUPABASE_CONFIG: join(supabaseDir, 'config.toml'),
      HARMONY_STACK_PORT: '0',
      DATABASE_URL: db.url(),
      HARMONY_STORAGE_DIR: join(supabaseDir, 'storage'),
      LOG_LEVEL: 'silent',
    });
    running.push({ local, db });
    return { local, db, client: () => createClient(local.stack.url, local.stack.keys.anon) };
  } finally {
    // Auth read its settings from process.env when the stack started.
    process.env = before;
  }
}

let counter = 0;
async function signedIn(client: SupabaseClient) {
  const email = `behaviour.${Date.now().toString(36)}${counter++}@example.com`;
  const { data, error } = await client.auth.signUp({ email, password: 'behaviour pass 1' });
  expect(error).toBeNull();
  return data.user?.id ?? '';
}

const MiB = 1024 * 1024;
const APP = 'http://127.0.0.1:5173/welcome';

let idp: Awaited<ReturnType<typeof startIdp>>;
let github: Awaited<ReturnType<typeof startFakeGithub>>;
let on: Awaited<ReturnType<typeof stackFrom>>;
let off: Awaited<ReturnType<typeof stackFrom>>;
beforeAll(async () => {
  idp = await startIdp();
  github = await startFakeGithub();
  on = await stackFrom(
    `[storage]
file_size_limit = "1MB"
[auth]
enable_manual_linking = true
[auth.mfa]
max_enrolled_factors = 1
[auth.mfa.totp]
enroll_enabled = true
verify_enabled = true
[auth.external.keycloak]
enabled = true
client_id = "${CLIENT_ID}"
secret = "env(KEYCLOAK_SECRET)"
url = "${idp.issuer}"
[auth.external.github]
enabled = true
client_id = "${GITHUB_CLIENT_ID}"
secret = "env(SUPABASE_AUTH_EXTERNAL_GITHUB_SECRET)"
url = "${github.url}"
`,
    `KEYCLOAK_SECRET=${CLIENT_SECRET}\nSUPABASE_AUTH_EXTERNAL_GITHUB_SECRET=${GITHUB_SECRET}\n`,
  );
  // No [auth.mfa.totp] table: the CLI's defaults switch TOTP off. A 20-character secret is
  // one the CLI accepts.
  off = await stackFrom(
    '[auth]\njwt_secret = "twenty-chars-secret!"\n[auth.mfa.phone]\nenroll_enabled = false\nverify_enabled = false\n',
  );
});
afterAll(() => {
  idp.server?.close();
  github.server?.close();
});

describe('[storage] file_size_limit', () => {
  it('caps every upload at the global limit with storage-api’s 413', async () => {
    const storage = createClient(on.local.stack.url, on.local.stack.keys.serviceRole).storage;
    expect((await storage.createBucket('cfg-files')).error).toBeNull();
    const files = storage.from('cfg-files');
    // "1MB" is 1 MiB to the CLI (binary units).
    expect((await files.upload('exact.bin', new Blob([new Uint8Array(MiB)]))).error).toBeNull();
    const { error } = await files.upload('over.bin', new Blob([new Uint8Array(MiB + 1)]));
    // storage-api's envelope: HTTP 400 carrying statusCode "413".
    expect(error).toMatchObject({
      message: 'The object exceeded the maximum allowed size',
      status: 400,
      statusCode: '413',
    });
    expect((await files.list()).data?.map((f) => f.name)).toEqual(['exact.bin']);
  });

  it('refuses bucket limits above the global limit, as storage-api does', async () => {
    const storage = createClient(on.local.stack.url, on.local.stack.keys.serviceRole).storage;
    const above = await storage.createBucket('cfg-big', { public: false, fileSizeLimit: '2MB' });
    expect(above.error).toMatchObject({
      message: 'The object exceeded the maximum allowed size',
      statusCode: '413',
    });
    expect(
      (await storage.createBucket('cfg-small', { public: false, fileSizeLimit: '1MB' })).error,
    ).toBeNull();
    const raised = await storage.updateBucket('cfg-small', { public: false, fileSizeLimit: MiB + 1 });
    expect(raised.error).toMatchObject({ statusCode: '413' });
  });
});

describe('[auth.mfa]', () => {
  it('answers a disabled factor type as GoTrue does', async () => {
    const client = off.client();
    const userId = await signedIn(client);
    const totp = await client.auth.mfa.enroll({ factorType: 'totp' });
    expect(totp.error).toMatchObject({
      status: 422,
      code: 'mfa_totp_enroll_not_enabled',
      message: 'MFA enroll is disabled for TOTP',
    });
    const phone = await client.auth.mfa.enroll({ factorType: 'phone', phone: '+15555550100' });
    expect(phone.error).toMatchObject({ status: 422, code: 'mfa_phone_enroll_not_enabled' });

    // A factor enrolled while TOTP was on cannot be challenged or verified once it is off.
    const { rows } = await off.db.query<{ id: string }>(
      `insert into auth.mfa_factors (id, user_id, friendly_name, factor_type, status, created_at, updated_at, secret)
       values (gen_random_uuid(), $1, 'app', 'totp', 'unverified', now(), now(), 'JBSWY3DPEHPK3PXP') returning id`,
      [userId],
    );
    const factorId = rows[0]?.id ?? '';
    const verifyOff = {
      status: 422,
      code: 'mfa_totp_verify_not_enabled',
      message: 'MFA verification is disabled for TOTP',
    };
    expect((await client.auth.mfa.challenge({ factorId })).error).toMatchObject(verifyOff);
    const verify = await client.auth.mfa.verify({
      factorId,
      challengeId: crypto.randomUUID(),
      code: '123456',
    });
    expect(verify.error).toMatchObject(verifyOff);
  });

  it('keeps TOTP working when enabled, up to max_enrolled_factors', async () => {
    const client = on.client();
    await signedIn(client);
    const first = await client.auth.mfa.enroll({ factorType: 'totp', friendlyName: 'phone app' });
    expect(first.error).toBeNull();
    expect(first.data?.totp?.secret).toBeTruthy();
    const second = await client.auth.mfa.enroll({ factorType: 'totp', friendlyName: 'other app' });
    expect(second.error).toMatchObject({
      status: 422,
      code: 'too_many_enrolled_mfa_factors',
      message: 'Maximum number of verified factors reached, unenroll to continue',
    });
  });
});

/** Follows the browser's redirects from the provider back to the app; the session or code it lands with. */
async function completeAtProvider(url: string) {
  const atIdp = await fetch(url, { redirect: 'manual' });
  const callback = atIdp.headers.get('location') ?? '';
  const back = await fetch(callback, { redirect: 'manual' });
  return new URL(back.headers.get('location') ?? '');
}

describe('[auth] enable_manual_linking', () => {
  it('answers manual_linking_disabled when off', async () => {
    const client = off.client();
    await signedIn(client);
    const link = await client.auth.linkIdentity({
      provider: 'keycloak',
      options: { skipBrowserRedirect: true },
    });
    expect(link.error).toMatchObject({
      status: 404,
      code: 'manual_linking_disabled',
      message: 'Manual linking is disabled',
    });
    const { data } = await client.auth.getUserIdentities();
    const unlink = await client.auth.unlinkIdentity(data?.identities[0] as never);
    expect(unlink.error).toMatchObject({ status: 404, code: 'manual_linking_disabled' });
  });

  it('links a provider identity to the signed-in user and unlinks it, keeping the last one', async () => {
    const client = on.client();
    const userId = await signedIn(client);
    idp.nextUser = { sub: `linked-${Date.now()}`, email: 'linked@example.org', email_verified: true };
    const { data, error } = await client.auth.linkIdentity({
      provider: 'keycloak',
      options: { redirectTo: APP, skipBrowserRedirect: true },
    });
    expect(error).toBeNull();
    expect(data.url).toMatch(new RegExp(`^${idp.issuer}/authorize\\?`));

    const landed = await completeAtProvider(data.url ?? '');
    const code = landed.searchParams.get('code');
    if (code) {
      expect((await client.auth.exchangeCodeForSession(code)).error).toBeNull();
    } else {
      const fragment = new URLSearchParams(landed.hash.slice(1));
      expect(fragment.get('error_code')).toBeNull();
    }
    const identities = (await client.auth.getUserIdentities()).data?.identities ?? [];
    expect(identities.map((i) => i.provider).sort()).toEqual(['email', 'keycloak']);
    expect(new Set(identities.map((i) => i.user_id))).toEqual(new Set([userId]));

    // The same provider account cannot join a second user.
    const other = on.client();
    await signedIn(other);
    const again = await other.auth.linkIdentity({
      provider: 'keycloak',
      options: { redirectTo: APP, skipBrowserRedirect: true },
    });
    const refused = await completeAtProvider(again.data.url ?? '');
    const params = new URLSearchParams(refused.search || refused.hash.slice(1));
    expect(params.get('error_code') ?? new URLSearchParams(refused.hash.slice(1)).get('error_code')).toBe(
      'identity_already_exists',
    );

    const keycloak = identities.find((i) => i.provider === 'keycloak');
    expect((await client.auth.unlinkIdentity(keycloak as never)).error).toBeNull();
    await client.auth.refreshSession();
    const left = (await client.auth.getUserIdentities()).data?.identities ?? [];
    expect(left.map((i) => i.provider)).toEqual(['email']);
    const { data: user } = await client.auth.getUser();
    expect(user.user?.app_metadata.providers).toEqual(['email']);
    const last = await client.auth.unlinkIdentity(left[0] as never);
    expect(last.error).toMatchObject({
      status: 422,
      code: 'single_identity_not_deletable',
      message: 'User must have at least 1 identity after unlinking',
    });
  });
});

describe('[auth.external.github] (OAuth2, GitHub Enterprise at `url`)', () => {
  /** supabase-js's redirect, followed as a browser would, back to the app with a session. */
  async function signInWithGithub(client: SupabaseClient, scopes?: string) {
    const { data, error } = await client.auth.signInWithOAuth({
      provider: 'github',
      options: { redirectTo: APP, skipBrowserRedirect: true, scopes },
    });
    expect(error).toBeNull();
    const atStack = await fetch(data.url ?? '', { redirect: 'manual' });
    expect(atStack.status).toBe(302);
    const landed = await completeAtProvider(atStack.headers.get('location') ?? '');
    const code = landed.searchParams.get('code');
    if (code) return client.auth.exchangeCodeForSession(code);
    const fragment = new URLSearchParams(landed.hash.slice(1));
    if (fragment.get('error_code')) return { error: Object.fromEntries(fragment) };
    return client.auth.setSession({
      access_token: fragment.get('access_token') ?? '',
      refresh_token: fragment.get('refresh_token') ?? '',
    });
  }

  it('signs up with the primary GitHub address and GoTrue’s identity data', async () => {
    github.next = {
      id: 9001,
      login: 'octo-dev',
      name: 'Octo Dev',
      emails: [
        { email: 'octo-secondary@example.org', primary: false, verified: true },
        { email: 'Octo@Example.org', primary: true, verified: true },
      ],
    };
    const client = on.client();
    const { error } = await signInWithGithub(client, 'read:org');
    expect(error).toBeNull();
    expect(github.lastScope).toBe('user:email read:org');
    const { data } = await client.auth.getUser();
    expect(data.user?.email).toBe('octo@example.org');
    expect(data.user?.app_metadata).toMatchObject({ provider: 'github', providers: ['github'] });
    expect(data.user?.identities?.[0]?.identity_data).toMatchObject({
      iss: `${github.url}/api/v3`,
      sub: '9001',
      provider_id: '9001',
      email: 'octo@example.org',
      email_verified: true,
      name: 'Octo Dev',
      full_name: 'Octo Dev',
      user_name: 'octo-dev',
      preferred_username: 'octo-dev',
      avatar_url: `${github.url}/avatars/9001`,
    });

    // The same GitHub account signs in to the same user again.
    const again = on.client();
    expect((await signInWithGithub(again)).error).toBeNull();
    expect((await again.auth.getUser()).data.user?.id).toBe(data.user?.id);
  });

  it('reports a GitHub account without an address back to the app', async () => {
    github.next = { id: 9002, login: 'no-mail', name: 'No Mail', emails: [] };
    const { error } = await signInWithGithub(on.client());
    expect(error).toMatchObject({ error_code: 'bad_oauth_callback' });
  });

  it('is listed as enabled in /settings', async () => {
    const res = await fetch(`${on.local.stack.url}/auth/v1/settings`, {
      headers: { apikey: on.local.stack.keys.anon },
    });
    expect(((await res.json()) as { external: Record<string, boolean> }).external).toMatchObject({
      github: true,
      keycloak: true,
      gitlab: false,
    });
  });
});
