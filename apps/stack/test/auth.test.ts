import { isAuthApiError, isAuthSessionMissingError, isAuthWeakPasswordError } from '@supabase/supabase-js';
import { decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signJwt } from '../src/jwt.js';
import { startTestStack, TEST_JWT_SECRET, type TestStack } from './harness.js';

let t: TestStack;
beforeAll(async () => {
  // Many sign-ins from one IP: the limiter has its own test file.
  process.env.HARMONY_AUTH_RATE_LIMIT_SIGN_IN_SIGN_UPS = '10000';
  t = await startTestStack();
});
afterAll(() => t.stop());

const PASSWORD = 'correct horse 1';
let counter = 0;
const unique = () => `${Date.now().toString(36)}${counter++}`;
const newEmail = () => `user.${unique()}@example.com`;

/** A fresh client and account; `username` goes through the profile trigger. */
async function signUp(data: Record<string, unknown> = {}) {
  const client = t.anon();
  const email = newEmail();
  const { data: result, error } = await client.auth.signUp({ email, password: PASSWORD, options: { data } });
  expect(error).toBeNull();
  if (!result.session || !result.user) throw new Error('expected a session (autoconfirm)');
  return { client, email, session: result.session, user: result.user };
}

/** Raw request to the auth API with the anon key. */
function api(path: string, init: RequestInit & { headers?: Record<string, string> } = {}) {
  return fetch(`${t.url}/auth/v1${path}`, {
    ...init,
    headers: { apikey: t.stack.keys.anon, 'content-type': 'application/json', ...init.headers },
  });
}

describe('auth: sign-up', () => {
  it('creates the account, its email identity, a session and the profile row', async () => {
    const username = `ada_${unique()}`;
    const { user, session, email } = await signUp({ username, display_name: 'Ada' });
    expect(user.email).toBe(email);
    expect(user.aud).toBe('authenticated');
    expect(user.app_metadata).toEqual({ provider: 'email', providers: ['email'] });
    expect(user.user_metadata).toMatchObject({
      username,
      email,
      email_verified: true,
      phone_verified: false,
    });
    expect(user.identities?.[0]).toMatchObject({ provider: 'email', id: user.id, user_id: user.id });
    expect(user.email_confirmed_at).toBeTruthy();
    expect(session.token_type).toBe('bearer');
    expect(session.expires_in).toBe(3600);
    const profile = await t.db.query(
      'select username, display_name from public.profiles where user_id = $1',
      [user.id],
    );
    expect(profile.rows).toEqual([{ username, display_name: 'Ada' }]);
    const stored = await t.db.query('select encrypted_password from auth.users where id = $1', [user.id]);
    expect(stored.rows[0]?.encrypted_password).toMatch(/^\$2[ab]\$10\$/);
  });

  it('refuses a registered address with 422 user_already_exists', async () => {
    const { email } = await signUp();
    const { data, error } = await t.anon().auth.signUp({ email, password: PASSWORD });
    expect(data.user).toBeNull();
    expect(isAuthApiError(error)).toBe(true);
    expect(error?.status).toBe(422);
    expect(error?.code).toBe('user_already_exists');
    expect(error?.message).toBe('User already registered');
  });

  it('refuses a weak password with the reasons', async () => {
    const { error } = await t.anon().auth.signUp({ email: newEmail(), password: '12345' });
    expect(isAuthWeakPasswordError(error)).toBe(true);
    expect(error?.status).toBe(422);
    expect(error?.code).toBe('weak_password');
    expect(error?.message).toBe('Password should be at least 6 characters.');
    if (isAuthWeakPasswordError(error)) expect(error.reasons).toEqual(['length']);
  });

  it("answers the profile trigger's rejections as 4xx with its message, leaving no account", async () => {
    const email = newEmail();
    const bad = await t
      .anon()
      .auth.signUp({ email, password: PASSWORD, options: { data: { username: 'A!' } } });
    expect(bad.error?.status).toBe(400);
    expect(bad.error?.code).toBe('validation_failed');
    expect(bad.error?.message).toBe('username must be 2 to 32 characters of a-z, 0-9, _ and .');

    const username = `taken_${unique()}`;
    await signUp({ username });
    const taken = await t.anon().auth.signUp({ email, password: PASSWORD, options: { data: { username } } });
    expect(taken.error?.status).toBe(422);
    expect(taken.error?.message).toBe(`username "${username}" is already taken`);
    const rows = await t.db.query('select 1 from auth.users where email = $1', [email]);
    expect(rows.rowCount).toBe(0);
  });

  it('validates the address and the password', async () => {
    const noPassword = await api('/signup', { method: 'POST', body: JSON.stringify({ email: newEmail() }) });
    expect(noPassword.status).toBe(400);
    expect(await noPassword.json()).toMatchObject({ error_code: 'validation_failed' });
    const badEmail = await t.anon().auth.signUp({ email: 'not-an-email', password: PASSWORD });
    expect(badEmail.error?.code).toBe('validation_failed');
    const anonymous = await t.anon().auth.signInAnonymously();
    expect(anonymous.error?.code).toBe('anonymous_provider_disabled');
  });
});

describe('auth: password sign-in', () => {
  it('signs in with the right password and records the session', async () => {
    const { email, user } = await signUp();
    const client = t.anon();
    const { data, error } = await client.auth.signInWithPassword({
      email: email.toUpperCase(),
      password: PASSWORD,
    });
    expect(error).toBeNull();
    expect(data.user?.id).toBe(user.id);
    expect(data.user?.last_sign_in_at).toBeTruthy();
    const claims = decodeJwt(data.session?.access_token ?? '');
    const session = await t.db.query('select aal, user_agent, ip from auth.sessions where id = $1', [
      claims.session_id,
    ]);
    expect(session.rows[0]).toMatchObject({ aal: 'aal1', ip: '127.0.0.1' });
    const audit = await t.db.query(
      "select payload from auth.audit_log_entries where payload->>'actor_id' = $1",
      [user.id],
    );
    const actions = audit.rows.map((r) => (r.payload as { action: string }).action);
    expect(actions).toEqual(expect.arrayContaining(['user_signedup', 'login']));
  });

  it('gives wrong passwords and unknown addresses the same answer', async () => {
    const { email } = await signUp();
    const wrong = await t.anon().auth.signInWithPassword({ email, password: 'wrong password' });
    const unknown = await t.anon().auth.signInWithPassword({ email: newEmail(), password: PASSWORD });
    for (const { error } of [wrong, unknown]) {
      expect(error?.status).toBe(400);
      expect(error?.code).toBe('invalid_credentials');
      expect(error?.message).toBe('Invalid login credentials');
    }
  });

  it('issues access tokens with exactly GoTrue claims', async () => {
    const username = `claims_${unique()}`;
    const { session, user, email } = await signUp({ username });
    const header = decodeProtectedHeader(session.access_token);
    expect(header).toMatchObject({ alg: 'HS256', typ: 'JWT' });
    const { payload } = await jwtVerify(session.access_token, new TextEncoder().encode(TEST_JWT_SECRET));
    expect(Object.keys(payload).sort()).toEqual(
      [
        'aal',
        'amr',
        'app_metadata',
        'aud',
        'email',
        'exp',
        'iat',
        'is_anonymous',
        'iss',
        'phone',
        'role',
        'session_id',
        'sub',
        'user_metadata',
      ].sort(),
    );
    expect(payload.iss).toBe(`${t.url}/auth/v1`);
    expect(payload.sub).toBe(user.id);
    expect(payload.aud).toBe('authenticated');
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(3600);
    expect(Math.abs((payload.iat ?? 0) - Date.now() / 1000)).toBeLessThan(10);
    expect(payload.email).toBe(email);
    expect(payload.phone).toBe('');
    expect(payload.app_metadata).toEqual({ provider: 'email', providers: ['email'] });
    expect(payload.user_metadata).toEqual({
      username,
      sub: user.id,
      email,
      email_verified: true,
      phone_verified: false,
    });
    expect(payload.role).toBe('authenticated');
    expect(payload.aal).toBe('aal1');
    expect(payload.amr).toEqual([{ method: 'password', timestamp: expect.any(Number) }]);
    expect(payload.is_anonymous).toBe(false);
    expect(session.expires_at).toBe(payload.exp);
    const row = await t.db.query('select user_id from auth.sessions where id = $1', [payload.session_id]);
    expect(row.rows[0]?.user_id).toBe(user.id);
    // Refresh tokens are opaque, not JWTs.
    expect(session.refresh_token).toMatch(/^[A-Za-z0-9]{12,}$/);
  });
});

describe('auth: the signed-in user', () => {
  it('returns the user from GET /user', async () => {
    const { client, user } = await signUp();
    const { data, error } = await client.auth.getUser();
    expect(error).toBeNull();
    expect(data.user?.id).toBe(user.id);
    expect(data.user?.identities).toHaveLength(1);
  });

  it('merges user_metadata and removes keys set to null', async () => {
    const { client } = await signUp({ username: `meta_${unique()}`, theme: 'dark' });
    const { data, error } = await client.auth.updateUser({ data: { bio: 'hi', theme: null } });
    expect(error).toBeNull();
    expect(data.user?.user_metadata.bio).toBe('hi');
    expect(data.user?.user_metadata.username).toMatch(/^meta_/);
    expect(data.user?.user_metadata).not.toHaveProperty('theme');
  });

  it('changes the password: the old one stops working, other sessions end', async () => {
    const { client, email } = await signUp();
    const other = t.anon();
    await other.auth.signInWithPassword({ email, password: PASSWORD });
    const same = await client.auth.updateUser({ password: PASSWORD });
    expect(same.error?.code).toBe('same_password');
    const weak = await client.auth.updateUser({ password: 'abc' });
    expect(weak.error?.code).toBe('weak_password');

    const { error } = await client.auth.updateUser({ password: 'a new password 2' });
    expect(error).toBeNull();
    const old = await t.anon().auth.signInWithPassword({ email, password: PASSWORD });
    expect(old.error?.code).toBe('invalid_credentials');
    const fresh = await t.anon().auth.signInWithPassword({ email, password: 'a new password 2' });
    expect(fresh.error).toBeNull();
    expect((await client.auth.getUser()).error).toBeNull();
    expect(isAuthSessionMissingError((await other.auth.getUser()).error)).toBe(true);
  });

  it('keeps an email change pending until confirmed by mail (as GoTrue), refusing a taken one', async () => {
    const { client, email } = await signUp();
    const { email: taken } = await signUp();
    const clash = await client.auth.updateUser({ email: taken });
    expect(clash.error?.status).toBe(422);
    expect(clash.error?.code).toBe('email_exists');
    const next = newEmail();
    const { data, error } = await client.auth.updateUser({ email: next });
    expect(error).toBeNull();
    expect(data.user?.email).toBe(email);
    expect(data.user?.new_email).toBe(next);
    expect(data.user?.email_change_sent_at).toBeTruthy();
  });

  it('does not let users set app_metadata', async () => {
    const { session } = await signUp();
    const res = await api('/user', {
      method: 'PUT',
      headers: { authorization: `Bearer ${session.access_token}` },
      body: JSON.stringify({ app_metadata: { role: 'admin' } }),
    });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error_code: 'not_admin' });
  });
});

describe('auth: refresh tokens', () => {
  it('rotates, tolerates a lost response, and revokes the family on late reuse', async () => {
    const { client, session } = await signUp();
    const r0 = session.refresh_token;
    const first = await client.auth.refreshSession({ refresh_token: r0 });
    expect(first.error).toBeNull();
    const r1 = first.data.session?.refresh_token ?? '';
    expect(r1).not.toBe(r0);
    const rows = await t.db.query(
      'select token, parent, revoked from auth.refresh_tokens where token = any($1)',
      [[r0, r1]],
    );
    expect(rows.rows).toEqual(
      expect.arrayContaining([
        { token: r0, parent: null, revoked: true },
        { token: r1, parent: r0, revoked: false },
      ]),
    );
    expect(decodeJwt(first.data.session?.access_token ?? '').session_id).toBe(
      decodeJwt(session.access_token).session_id,
    );

    // The parent of the active token (a client that missed the answer) gets the active token.
    const again = await t.anon().auth.refreshSession({ refresh_token: r0 });
    expect(again.data.session?.refresh_token).toBe(r1);

    const second = await client.auth.refreshSession({ refresh_token: r1 });
    const r2 = second.data.session?.refresh_token ?? '';
    expect(r2).not.toBe(r1);
    // Within refresh_token_reuse_interval (10 s) an older token still gets the current one.
    const within = await t.anon().auth.refreshSession({ refresh_token: r0 });
    expect(within.data.session?.refresh_token).toBe(r2);

    // Past the interval, reuse kills the whole session: old and new tokens alike.
    await t.db.query(
      "update auth.refresh_tokens set updated_at = now() - interval '1 minute' where revoked and session_id = $1",
      [decodeJwt(session.access_token).session_id],
    );
    const late = await t.anon().auth.refreshSession({ refresh_token: r0 });
    expect(late.error?.status).toBe(400);
    expect(late.error?.code).toBe('refresh_token_already_used');
    expect(late.error?.message).toBe('Invalid Refresh Token: Already Used');
    for (const token of [r1, r2]) {
      const dead = await t.anon().auth.refreshSession({ refresh_token: token });
      expect(dead.error?.status).toBe(400);
      expect(dead.error?.code).toMatch(/^refresh_token_(not_found|already_used)$/);
    }
    expect(isAuthSessionMissingError((await t.anon().auth.getUser(session.access_token)).error)).toBe(true);
  });

  it('answers unknown and missing refresh tokens as GoTrue does', async () => {
    const unknown = await t.anon().auth.refreshSession({ refresh_token: 'nosuchtoken12' });
    expect(unknown.error?.code).toBe('refresh_token_not_found');
    expect(unknown.error?.message).toBe('Invalid Refresh Token: Refresh Token Not Found');
    const missing = await api('/token?grant_type=refresh_token', { method: 'POST', body: '{}' });
    expect(missing.status).toBe(400);
    expect(await missing.json()).toEqual({
      error: 'invalid_request',
      error_description: 'refresh_token required',
    });
  });
});

describe('auth: sign-out', () => {
  async function threeSessions() {
    const { email } = await signUp();
    const clients = [t.anon(), t.anon(), t.anon()];
    for (const c of clients) await c.auth.signInWithPassword({ email, password: PASSWORD });
    return clients;
  }
  const alive = async (c: ReturnType<TestStack['anon']>) => {
    const { data } = await c.auth.getSession();
    const res = await api('/user', { headers: { authorization: `Bearer ${data.session?.access_token}` } });
    return res.status === 200;
  };

  it('scope=others ends every other session', async () => {
    const [a, b, c] = await threeSessions();
    if (!a || !b || !c) throw new Error('clients');
    const tokenB = (await b.auth.getSession()).data.session?.refresh_token ?? '';
    expect((await a.auth.signOut({ scope: 'others' })).error).toBeNull();
    expect(await alive(a)).toBe(true);
    expect(await alive(b)).toBe(false);
    expect(await alive(c)).toBe(false);
    const refresh = await t.anon().auth.refreshSession({ refresh_token: tokenB });
    expect(refresh.error?.code).toBe('refresh_token_not_found');
  });

  it('scope=local ends only this session; global ends all', async () => {
    const [a, b, c] = await threeSessions();
    if (!a || !b || !c) throw new Error('clients');
    const tokenA = (await a.auth.getSession()).data.session?.access_token ?? '';
    expect((await a.auth.signOut({ scope: 'local' })).error).toBeNull();
    expect((await a.auth.getSession()).data.session).toBeNull();
    const afterLocal = await api('/user', { headers: { authorization: `Bearer ${tokenA}` } });
    expect(afterLocal.status).toBe(403);
    expect(await afterLocal.json()).toMatchObject({ error_code: 'session_not_found' });
    expect(await alive(b)).toBe(true);
    const userId = decodeJwt(tokenA).sub;
    expect((await b.auth.signOut()).error).toBeNull();
    expect(await alive(c)).toBe(false);
    const left = await t.db.query('select count(*)::int as n from auth.sessions where user_id = $1', [
      userId,
    ]);
    expect(left.rows[0]?.n).toBe(0);
  });

  it('rejects an unknown scope', async () => {
    const { session } = await signUp();
    const res = await api('/logout?scope=everything', {
      method: 'POST',
      headers: { authorization: `Bearer ${session.access_token}` },
    });
    expect(res.status).toBe(400);
  });
});

describe('auth: bad tokens on GET /user', () => {
  const userWith = (token: string, headers: Record<string, string> = {}) =>
    api('/user', { headers: { authorization: `Bearer ${token}`, ...headers } });

  it('refuses expired, forged and foreign-secret JWTs with 403 bad_jwt', async () => {
    const { session } = await signUp();
    const claims = decodeJwt(session.access_token);
    const now = Math.floor(Date.now() / 1000);
    const expired = await signJwt({ ...claims, iat: now - 7200, exp: now - 3600 }, TEST_JWT_SECRET);
    const foreign = await signJwt(claims, 'another-secret-that-is-long-enough-to-sign');
    const [h, p, s] = session.access_token.split('.');
    const payload = JSON.parse(Buffer.from(p ?? '', 'base64url').toString());
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...payload, role: 'service_role' })).toString('base64url')}.${s}`;
    for (const token of [expired, foreign, forged, 'not.a.jwt']) {
      const res = await userWith(token);
      expect(res.status).toBe(403);
      const body = (await res.json()) as { msg: string };
      expect(body).toMatchObject({ code: 403, error_code: 'bad_jwt' });
      expect(body.msg).toMatch(/^invalid JWT: unable to parse or verify signature/);
    }
    const expiredBody = (await (await userWith(expired)).json()) as { msg: string };
    expect(expiredBody.msg).toContain('token is expired');
  });

  it('answers in the 2024-01-01 shape when asked, as auth-js does', async () => {
    const res = await userWith('not.a.jwt', { 'x-supabase-api-version': '2024-01-01' });
    expect(res.status).toBe(403);
    expect(res.headers.get('x-supabase-api-version')).toBe('2024-01-01');
    const body = (await res.json()) as { code: string; message: unknown };
    expect(body.code).toBe('bad_jwt');
    expect(typeof body.message).toBe('string');
  });

  it('refuses non-Bearer authorization, key-only calls and deleted users', async () => {
    const basic = await api('/user', { headers: { authorization: 'Basic dXNlcjpwdw==' } });
    expect(basic.status).toBe(401);
    expect(await basic.json()).toMatchObject({ error_code: 'no_authorization' });
    const keyOnly = await api('/user');
    expect(keyOnly.status).toBe(403);
    expect(await keyOnly.json()).toMatchObject({
      error_code: 'bad_jwt',
      msg: 'invalid claim: missing sub claim',
    });
    const { session, user } = await signUp();
    await t.db.query('delete from auth.users where id = $1', [user.id]);
    const gone = await userWith(session.access_token);
    expect(gone.status).toBe(403);
    expect(await gone.json()).toMatchObject({ error_code: 'user_not_found' });
  });
});

describe('auth: malformed requests', () => {
  it('answers bad JSON with 400 bad_json, never 500', async () => {
    const { session } = await signUp();
    const service = { authorization: `Bearer ${t.stack.keys.serviceRole}`, apikey: t.stack.keys.serviceRole };
    const cases: [string, string, Record<string, string>][] = [
      ['POST', '/signup', {}],
      ['POST', '/token?grant_type=password', {}],
      ['POST', '/token?grant_type=refresh_token', {}],
      ['PUT', '/user', { authorization: `Bearer ${session.access_token}` }],
      ['POST', '/admin/users', service],
    ];
    for (const [method, path, headers] of cases) {
      for (const body of [
        '{bad json',
        '[1,2]',
        '"text"',
        JSON.stringify({ email: 5, password: true, refresh_token: 5 }),
      ]) {
        const res = await api(path, { method, headers, body });
        expect(res.status, `${method} ${path} ${body}`).toBe(400);
        expect(await res.json()).toMatchObject({ error_code: 'bad_json' });
      }
    }
  });

  it('rejects unknown grant types', async () => {
    const res = await api('/token?grant_type=magic', { method: 'POST', body: '{}' });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      error_code: 'invalid_credentials',
      msg: 'unsupported_grant_type',
    });
  });
});

describe('auth: routing and settings', () => {
  it('needs no apikey, as behind the CLI gateway: only a user route asks for a token', async () => {
    expect((await fetch(`${t.url}/auth/v1/user`)).status).toBe(401);
    expect((await fetch(`${t.url}/auth/v1/settings`)).status).toBe(200);
    const jwks = await fetch(`${t.url}/auth/v1/.well-known/jwks.json`);
    expect(jwks.status).toBe(200);
    expect(await jwks.json()).toEqual({ keys: [] });
    const verify = await fetch(`${t.url}/auth/v1/verify?token=x&type=signup`, { redirect: 'manual' });
    expect(verify.status).toBe(303);
    expect(verify.headers.get('location')).toContain('error_code=otp_expired');
  });

  it('serves health and settings', async () => {
    expect((await api('/health')).status).toBe(200);
    const settings = await (await api('/settings')).json();
    expect(settings).toMatchObject({
      disable_signup: false,
      mailer_autoconfirm: true,
      external: { email: true, phone: false, github: false },
    });
  });
});
