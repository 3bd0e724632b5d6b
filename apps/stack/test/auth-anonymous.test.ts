import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from './harness.js';

let t: TestStack;
beforeAll(async () => {
  process.env.GOTRUE_EXTERNAL_ANONYMOUS_USERS_ENABLED = 'true';
  t = await startTestStack();
});
afterAll(async () => {
  delete process.env.GOTRUE_EXTERNAL_ANONYMOUS_USERS_ENABLED;
  await t.stop();
});

let counter = 0;
const newEmail = () => `anon.${Date.now().toString(36)}${counter++}@example.com`;

async function signInAnonymously(data?: Record<string, unknown>) {
  const client = t.anon();
  const { data: result, error } = await client.auth.signInAnonymously(
    data ? { options: { data } } : undefined,
  );
  expect(error).toBeNull();
  if (!result.session || !result.user) throw new Error('expected a session');
  return { client, session: result.session, user: result.user };
}

describe('auth: anonymous sign-ins (enabled)', () => {
  it('creates an anonymous user with a session whose claims say so', async () => {
    const { user, session } = await signInAnonymously({ display_name: 'Guest' });
    expect(user).toMatchObject({
      aud: 'authenticated',
      role: 'authenticated',
      email: '',
      phone: '',
      is_anonymous: true,
      app_metadata: { provider: 'anonymous', providers: ['anonymous'] },
      user_metadata: { display_name: 'Guest' },
      identities: [],
    });
    const claims = decodeJwt(session.access_token);
    expect(claims).toMatchObject({ sub: user.id, role: 'authenticated', is_anonymous: true, aal: 'aal1' });
    expect((claims.amr as { method: string }[]).map((a) => a.method)).toEqual(['anonymous']);
    const row = await t.db.query('select is_anonymous, email from auth.users where id = $1', [user.id]);
    expect(row.rows).toEqual([{ is_anonymous: true, email: null }]);
  });

  it('advertises the provider in /settings', async () => {
    const res = await fetch(`${t.url}/auth/v1/settings`, { headers: { apikey: t.stack.keys.anon } });
    const body = (await res.json()) as { external: Record<string, boolean> };
    expect(body.external.anonymous_users).toBe(true);
  });

  it('refuses a password for an anonymous user without an email', async () => {
    const { client } = await signInAnonymously();
    const { error } = await client.auth.updateUser({ password: 'correct horse 1' });
    expect(error?.status).toBe(422);
    expect(error?.code).toBe('validation_failed');
    expect(error?.message).toBe(
      'Updating password of an anonymous user without an email or phone is not allowed',
    );
  });

  it('becomes a permanent user by adding an email, then a password', async () => {
    const { client, user } = await signInAnonymously();
    const email = newEmail();
    const added = await client.auth.updateUser({ email });
    expect(added.error).toBeNull();
    expect(added.data.user).toMatchObject({
      id: user.id,
      email,
      is_anonymous: false,
      app_metadata: { provider: 'email', providers: ['email'] },
    });
    expect(added.data.user?.email_confirmed_at).toBeTruthy();
    expect(added.data.user?.identities?.[0]).toMatchObject({ provider: 'email', id: user.id });
    const withPassword = await client.auth.updateUser({ password: 'correct horse 1' });
    expect(withPassword.error).toBeNull();

    const refreshed = await client.auth.refreshSession();
    expect(decodeJwt(refreshed.data.session?.access_token ?? '').is_anonymous).toBe(false);
    const signIn = await t.anon().auth.signInWithPassword({ email, password: 'correct horse 1' });
    expect(signIn.error).toBeNull();
    expect(signIn.data.user?.id).toBe(user.id);
    const row = await t.db.query('select is_anonymous from auth.users where id = $1', [user.id]);
    expect(row.rows).toEqual([{ is_anonymous: false }]);
  });

  it('cannot take an address another account holds', async () => {
    const first = await signInAnonymously();
    const email = newEmail();
    expect((await first.client.auth.updateUser({ email })).error).toBeNull();
    const second = await signInAnonymously();
    const { error } = await second.client.auth.updateUser({ email });
    expect(error?.status).toBe(422);
    expect(error?.code).toBe('email_exists');
    const row = await t.db.query('select is_anonymous from auth.users where id = $1', [second.user.id]);
    expect(row.rows).toEqual([{ is_anonymous: true }]);
  });
});

describe('auth: anonymous sign-ins, limits and switches', () => {
  it('charges the per-IP anonymous limit before refusing because sign-ups are off', async () => {
    process.env.HARMONY_AUTH_RATE_LIMIT_ANONYMOUS_USERS = '1';
    const closed = await startTestStack({ DISABLE_SIGNUP: 'true' });
    delete process.env.HARMONY_AUTH_RATE_LIMIT_ANONYMOUS_USERS;
    try {
      const first = await closed.anon().auth.signInAnonymously();
      expect({ status: first.error?.status, code: first.error?.code }).toEqual({
        status: 422,
        code: 'signup_disabled',
      });
      const second = await closed.anon().auth.signInAnonymously();
      expect({ status: second.error?.status, code: second.error?.code }).toEqual({
        status: 429,
        code: 'over_request_rate_limit',
      });
      const rows = await closed.db.query('select count(*)::int as n from auth.users where is_anonymous');
      expect(rows.rows).toEqual([{ n: 0 }]);
    } finally {
      await closed.stop();
    }
  });
});
