import { createHash } from 'node:crypto';
import { createClient, type Provider } from '@supabase/supabase-js';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_ID, CLIENT_SECRET, startIdp } from './fake-oidc-provider.js';
import { startTestStack, type TestStack } from './harness.js';

let idp: Awaited<ReturnType<typeof startIdp>>;
let t: TestStack;
const APP = 'http://127.0.0.1:5173/welcome';

beforeAll(async () => {
  idp = await startIdp();
  process.env.HARMONY_OIDC_TESTIDP_ISSUER = idp.issuer;
  process.env.HARMONY_OIDC_TESTIDP_CLIENT_ID = CLIENT_ID;
  process.env.HARMONY_OIDC_TESTIDP_CLIENT_SECRET = CLIENT_SECRET;
  t = await startTestStack();
});
afterAll(async () => {
  await t.stop();
  idp.server?.closeAllConnections();
  await new Promise((resolve) => idp.server?.close(resolve));
});

const PROVIDER = 'testidp' as Provider;

/** Follows redirects by hand (as a browser would) until leaving the stack and the provider. */
async function browse(start: string): Promise<URL> {
  let url = start;
  for (let hops = 0; hops < 5; hops++) {
    if (!url.startsWith(t.url) && !url.startsWith(idp.issuer)) return new URL(url);
    const res = await fetch(url, { redirect: 'manual' });
    const location = res.headers.get('location');
    if (!location) throw new Error(`no redirect from ${url}: ${res.status} ${await res.text()}`);
    url = new URL(location, url).toString();
  }
  throw new Error('too many redirects');
}

async function implicitSignIn(redirectTo = APP) {
  const client = t.anon();
  const { data, error } = await client.auth.signInWithOAuth({
    provider: PROVIDER,
    options: { redirectTo, skipBrowserRedirect: true },
  });
  expect(error).toBeNull();
  const landed = await browse(data.url ?? '');
  return { client, landed, fragment: new URLSearchParams(landed.hash.slice(1)) };
}

describe('auth: OpenID Connect sign-in', () => {
  it('lists the provider in /settings', async () => {
    const res = await fetch(`${t.url}/auth/v1/settings`, { headers: { apikey: t.stack.keys.anon } });
    expect(((await res.json()) as { external: unknown }).external).toMatchObject({
      email: true,
      testidp: true,
    });
  });

  it('signs in with the implicit flow: tokens in the fragment, account and identity created', async () => {
    idp.nextUser = { sub: 'idp-implicit', email: 'implicit@example.com', email_verified: true, name: 'Imp' };
    const { client, landed, fragment } = await implicitSignIn();
    expect(`${landed.origin}${landed.pathname}`).toBe(APP);
    expect([...fragment.keys()].sort()).toEqual(
      [
        'access_token',
        'expires_at',
        'expires_in',
        'provider_token',
        'refresh_token',
        'sb',
        'token_type',
      ].sort(),
    );
    expect(fragment.get('token_type')).toBe('bearer');
    expect(fragment.get('provider_token')).toBe('idp-access');
    const { data, error } = await client.auth.setSession({
      access_token: fragment.get('access_token') ?? '',
      refresh_token: fragment.get('refresh_token') ?? '',
    });
    expect(error).toBeNull();
    const user = data.user;
    expect(user?.email).toBe('implicit@example.com');
    expect(user?.app_metadata).toEqual({ provider: 'testidp', providers: ['testidp'] });
    expect(user?.identities?.[0]).toMatchObject({ provider: 'testidp', id: 'idp-implicit' });
    expect(user?.user_metadata).toMatchObject({ name: 'Imp', full_name: 'Imp', email_verified: true });
    const claims = decodeJwt(fragment.get('access_token') ?? '');
    expect(claims.amr).toEqual([{ method: 'oauth', timestamp: expect.any(Number) }]);
    const profile = await t.db.query('select username from public.profiles where user_id = $1', [user?.id]);
    expect(profile.rows[0]?.username).toBe('implicit');

    // The same subject signs in to the same account.
    const again = await implicitSignIn();
    expect(decodeJwt(again.fragment.get('access_token') ?? '').sub).toBe(user?.id);
  });

  it('links a verified provider email to the existing password account', async () => {
    const email = 'linked@example.com';
    const { data: signedUp } = await t.anon().auth.signUp({ email, password: 'password one' });
    idp.nextUser = { sub: 'idp-linked', email, email_verified: true };
    const { fragment } = await implicitSignIn();
    expect(decodeJwt(fragment.get('access_token') ?? '').sub).toBe(signedUp.user?.id);
    const { data } = await t.service().auth.admin.getUserById(signedUp.user?.id ?? '');
    expect(data.user?.app_metadata.providers).toEqual(['email', 'testidp']);
    expect(data.user?.identities?.map((i) => i.provider).sort()).toEqual(['email', 'testidp']);
  });

  it('refuses to link an unverified provider email', async () => {
    const email = 'unverified@example.com';
    await t.anon().auth.signUp({ email, password: 'password one' });
    idp.nextUser = { sub: 'idp-unverified', email, email_verified: false };
    const { fragment } = await implicitSignIn();
    expect(fragment.get('access_token')).toBeNull();
    expect(fragment.get('error_code')).toBe('email_exists');
  });

  it('supports the PKCE flow: ?code= then POST /token?grant_type=pkce', async () => {
    idp.nextUser = { sub: 'idp-pkce', email: 'pkce@example.com', email_verified: true };
    const client = createClient(t.url, t.stack.keys.anon, {
      auth: { flowType: 'pkce', persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
    });
    const { data } = await client.auth.signInWithOAuth({
      provider: PROVIDER,
      options: { redirectTo: APP, skipBrowserRedirect: true },
    });
    expect(data.url).toContain('code_challenge=');
    const landed = await browse(data.url ?? '');
    expect(landed.hash).toBe('');
    const code = landed.searchParams.get('code') ?? '';
    expect(code).not.toBe('');
    const exchanged = await client.auth.exchangeCodeForSession(code);
    expect(exchanged.error).toBeNull();
    expect(exchanged.data.session?.user.email).toBe('pkce@example.com');
    expect(exchanged.data.session?.provider_token).toBe('idp-access');

    const replay = await fetch(`${t.url}/auth/v1/token?grant_type=pkce`, {
      method: 'POST',
      headers: { apikey: t.stack.keys.anon, 'content-type': 'application/json' },
      body: JSON.stringify({ auth_code: code, code_verifier: 'x'.repeat(43) }),
    });
    expect(replay.status).toBe(404);
    expect(await replay.json()).toMatchObject({ error_code: 'flow_state_not_found' });
  });

  it('rejects a PKCE exchange with the wrong verifier', async () => {
    idp.nextUser = { sub: 'idp-pkce-2', email: 'pkce2@example.com', email_verified: true };
    const challenge = createHash('sha256').update('v'.repeat(50)).digest('base64url');
    const start = `${t.url}/auth/v1/authorize?provider=testidp&redirect_to=${encodeURIComponent(APP)}&code_challenge=${challenge}&code_challenge_method=s256`;
    const landed = await browse(start);
    const res = await fetch(`${t.url}/auth/v1/token?grant_type=pkce`, {
      method: 'POST',
      headers: { apikey: t.stack.keys.anon, 'content-type': 'application/json' },
      body: JSON.stringify({ auth_code: landed.searchParams.get('code'), code_verifier: 'w'.repeat(50) }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error_code: 'bad_code_verifier' });
  });

  it('rejects ID tokens signed with a key outside the JWKS', async () => {
    idp.nextUser = { sub: 'idp-forged', email: 'forged@example.com', email_verified: true };
    idp.forgeNext = true;
    const { fragment } = await implicitSignIn();
    expect(fragment.get('access_token')).toBeNull();
    expect(fragment.get('error_code')).toBe('bad_oauth_callback');
    const rows = await t.db.query("select 1 from auth.users where email = 'forged@example.com'");
    expect(rows.rowCount).toBe(0);
  });

  it('never redirects tokens to a foreign site, and rejects unknown providers and states', async () => {
    idp.nextUser = { sub: 'idp-implicit', email: 'implicit@example.com', email_verified: true };
    const { landed } = await implicitSignIn('https://evil.example/steal');
    expect(landed.origin).toBe('http://127.0.0.1:5173');
    const unknown = await fetch(`${t.url}/auth/v1/authorize?provider=nope`, { redirect: 'manual' });
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({ error_code: 'validation_failed' });
    const badState = await fetch(`${t.url}/auth/v1/callback?code=x&state=not-a-flow`, { redirect: 'manual' });
    expect(badState.status).toBe(400);
    const denied = await fetch(
      `${t.url}/auth/v1/authorize?provider=testidp&redirect_to=${encodeURIComponent(APP)}`,
      {
        redirect: 'manual',
      },
    );
    const state = new URL(denied.headers.get('location') ?? '').searchParams.get('state');
    const back = await fetch(
      `${t.url}/auth/v1/callback?error=access_denied&error_description=nope&state=${state}`,
      {
        redirect: 'manual',
      },
    );
    const fragment = new URLSearchParams(new URL(back.headers.get('location') ?? '').hash.slice(1));
    expect(fragment.get('error')).toBe('access_denied');
    expect(fragment.get('error_description')).toBe('nope');
  });
});
