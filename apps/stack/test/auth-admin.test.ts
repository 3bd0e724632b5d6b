import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from './harness.js';

let t: TestStack;
beforeAll(async () => {
  process.env.HARMONY_AUTH_RATE_LIMIT_SIGN_IN_SIGN_UPS = '10000';
  t = await startTestStack();
});
afterAll(() => t.stop());

const PASSWORD = 'admin test pass 1';
let counter = 0;
const unique = () => `${Date.now().toString(36)}${counter++}`;
const newEmail = () => `admin.${unique()}@example.com`;

async function createUser(extra: Record<string, unknown> = {}) {
  const { data, error } = await t.service().auth.admin.createUser({
    email: newEmail(),
    password: PASSWORD,
    email_confirm: true,
    ...extra,
  });
  expect(error).toBeNull();
  if (!data.user) throw new Error('no user');
  return data.user;
}

const signIn = (email: string, password = PASSWORD) => t.anon().auth.signInWithPassword({ email, password });

describe('auth admin API', () => {
  it('creates confirmed users with metadata, a profile and a working password', async () => {
    const username = `made_${unique()}`;
    const user = await createUser({ user_metadata: { username }, app_metadata: { plan: 'pro' } });
    expect(user.app_metadata).toEqual({ provider: 'email', providers: ['email'], plan: 'pro' });
    expect(user.user_metadata).toEqual({ username, email_verified: true });
    expect(user.email_confirmed_at).toBeTruthy();
    expect(user.identities?.[0]?.provider).toBe('email');
    const profile = await t.db.query('select username from public.profiles where user_id = $1', [user.id]);
    expect(profile.rows[0]?.username).toBe(username);
    const { data, error } = await signIn(user.email ?? '');
    expect(error).toBeNull();
    expect(data.session?.user.app_metadata.plan).toBe('pro');
  });

  it('refuses duplicates and keeps unconfirmed users from signing in', async () => {
    const user = await createUser();
    const dup = await t.service().auth.admin.createUser({ email: user.email, password: PASSWORD });
    expect(dup.error?.status).toBe(422);
    expect(dup.error?.code).toBe('email_exists');
    const email = newEmail();
    const unconfirmed = await t.service().auth.admin.createUser({ email, password: PASSWORD });
    expect(unconfirmed.data.user?.email_confirmed_at).toBeUndefined();
    const { error } = await signIn(email);
    expect(error?.code).toBe('email_not_confirmed');
  });

  it('refuses a malformed address with GoTrue email check, storing nothing', async () => {
    for (const email of ['not-an-email', 'two@@example.com', 'space in@example.com', 'dot@example..com']) {
      const { data, error } = await t.service().auth.admin.createUser({ email, password: PASSWORD });
      expect(data.user).toBeNull();
      expect({ status: error?.status, code: error?.code, message: error?.message }).toEqual({
        status: 400,
        code: 'validation_failed',
        message: 'Unable to validate email address: invalid format',
      });
      const stored = await t.db.query('select 1 from auth.users where email = $1', [email]);
      expect(stored.rowCount).toBe(0);
    }
  });

  it('lists users newest first with GoTrue pagination', async () => {
    for (let i = 0; i < 3; i++) await createUser();
    const { data, error } = await t.service().auth.admin.listUsers({ page: 1, perPage: 2 });
    if (error) throw error;
    expect(data.users).toHaveLength(2);
    expect(data.aud).toBe('authenticated');
    const total = await t.db.query("select count(*)::int as n from auth.users where aud = 'authenticated'");
    expect(data.total).toBe(total.rows[0]?.n);
    expect(data.nextPage).toBe(2);
    expect(data.lastPage).toBe(Math.ceil((total.rows[0]?.n as number) / 2));
    const [first, second] = data.users;
    expect(new Date(first?.created_at ?? 0) >= new Date(second?.created_at ?? 0)).toBe(true);

    const res = await fetch(`${t.url}/auth/v1/admin/users?page=&per_page=`, {
      headers: { apikey: t.stack.keys.serviceRole, authorization: `Bearer ${t.stack.keys.serviceRole}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('link')).toMatch(/^<\/admin\/users\?page=1&per_page=>; rel="last"$/);
    const bad = await fetch(`${t.url}/auth/v1/admin/users?page=x`, {
      headers: { apikey: t.stack.keys.serviceRole, authorization: `Bearer ${t.stack.keys.serviceRole}` },
    });
    expect(bad.status).toBe(400);
  });

  it('gets, updates and deletes users by id', async () => {
    const user = await createUser({ user_metadata: { username: `upd_${unique()}`, a: 1 } });
    const admin = t.service().auth.admin;
    expect((await admin.getUserById(user.id)).data.user?.id).toBe(user.id);
    const email = newEmail();
    const { data, error } = await admin.updateUserById(user.id, {
      email,
      password: 'changed pass 2',
      user_metadata: { b: 2 },
      app_metadata: { plan: 'team' },
    });
    expect(error).toBeNull();
    expect(data.user?.email).toBe(email);
    expect(data.user?.user_metadata).toMatchObject({ a: 1, b: 2 });
    expect(data.user?.app_metadata.plan).toBe('team');
    expect((await signIn(email, 'changed pass 2')).error).toBeNull();

    const removed = await admin.deleteUser(user.id);
    expect(removed.error).toBeNull();
    const gone = await admin.getUserById(user.id);
    expect(gone.error?.status).toBe(404);
    expect(gone.error?.code).toBe('user_not_found');
    const profile = await t.db.query('select 1 from public.profiles where user_id = $1', [user.id]);
    expect(profile.rowCount).toBe(0);
    expect((await signIn(email, 'changed pass 2')).error?.code).toBe('invalid_credentials');
    const badId = await fetch(`${t.url}/auth/v1/admin/users/not-a-uuid`, {
      headers: { apikey: t.stack.keys.secret },
    });
    expect(badId.status).toBe(404);
  });

  it('bans: no sign-in, no refresh, no /user, until the ban is lifted', async () => {
    const user = await createUser();
    const client = t.anon();
    const { data: before } = await client.auth.signInWithPassword({
      email: user.email ?? '',
      password: PASSWORD,
    });
    const admin = t.service().auth.admin;
    const banned = await admin.updateUserById(user.id, { ban_duration: '24h' });
    const until = new Date(banned.data.user?.banned_until ?? 0).getTime();
    expect(Math.abs(until - Date.now() - 24 * 3600 * 1000)).toBeLessThan(60_000);

    const signInError = (await signIn(user.email ?? '')).error;
    expect(signInError?.status).toBe(400);
    expect(signInError?.code).toBe('user_banned');
    const wrong = await signIn(user.email ?? '', 'not the password');
    expect(wrong.error?.code).toBe('invalid_credentials');
    const me = await client.auth.getUser();
    expect(me.error?.status).toBe(403);
    expect(me.error?.code).toBe('user_banned');
    const refresh = await t
      .anon()
      .auth.refreshSession({ refresh_token: before.session?.refresh_token ?? '' });
    expect(refresh.error?.code).toBe('user_banned');

    const bad = await admin.updateUserById(user.id, { ban_duration: 'forever' });
    expect(bad.error?.status).toBe(400);
    const lifted = await admin.updateUserById(user.id, { ban_duration: 'none' });
    expect(lifted.data.user?.banned_until).toBeUndefined();
    expect((await signIn(user.email ?? '')).error).toBeNull();
  });

  it('is refused to anon keys and user tokens with 403 not_admin', async () => {
    const anon = await t.anon().auth.admin.listUsers();
    expect(anon.error?.status).toBe(403);
    expect(anon.error?.code).toBe('not_admin');
    expect(anon.error?.message).toBe('User not allowed');
    const user = await createUser();
    const { data } = await signIn(user.email ?? '');
    for (const [method, path] of [
      ['GET', '/admin/users'],
      ['POST', '/admin/users'],
      ['GET', `/admin/users/${user.id}`],
      ['PUT', `/admin/users/${user.id}`],
      ['DELETE', `/admin/users/${user.id}`],
    ] as const) {
      const res = await fetch(`${t.url}/auth/v1${path}`, {
        method,
        headers: {
          apikey: t.stack.keys.anon,
          authorization: `Bearer ${data.session?.access_token}`,
          'content-type': 'application/json',
        },
        body: method === 'GET' ? undefined : JSON.stringify({ email: newEmail(), ban_duration: '1h' }),
      });
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(await res.json()).toMatchObject({ error_code: 'not_admin' });
    }
    expect((await t.service().auth.admin.getUserById(user.id)).data.user?.banned_until).toBeUndefined();
  });

  it('accepts the opaque secret key as the service role', async () => {
    const res = await fetch(`${t.url}/auth/v1/admin/users?per_page=1`, {
      headers: { apikey: t.stack.keys.secret },
    });
    expect(res.status).toBe(200);
    expect(Number(res.headers.get('x-total-count'))).toBeGreaterThan(0);
  });
});
