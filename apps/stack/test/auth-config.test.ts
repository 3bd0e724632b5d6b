import { afterAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from './harness.js';

/** Stacks started with other auth settings; each gets its own database clone. */
const stacks: TestStack[] = [];
async function stackWith(env: Record<string, string>, stackEnv: NodeJS.ProcessEnv = {}) {
  // Auth reads its own settings from process.env when the router is built.
  for (const key of Object.keys(process.env)) if (key.startsWith('HARMONY_AUTH_')) delete process.env[key];
  Object.assign(process.env, env);
  const t = await startTestStack(stackEnv);
  stacks.push(t);
  return t;
}
afterAll(async () => {
  await Promise.all(stacks.map((t) => t.stop()));
});

const PASSWORD = 'config pass 1';
let counter = 0;
const newEmail = () => `cfg.${Date.now().toString(36)}${counter++}@example.com`;

function signIn(t: TestStack, email: string, forwardedFor?: string) {
  return fetch(`${t.url}/auth/v1/token?grant_type=password`, {
    method: 'POST',
    headers: {
      apikey: t.stack.keys.anon,
      'content-type': 'application/json',
      'x-supabase-api-version': '2024-01-01',
      ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}),
    },
    body: JSON.stringify({ email, password: 'wrong password' }),
  });
}

describe('auth: rate limits', () => {
  it('answers 429 over_request_rate_limit past the per-IP budget', async () => {
    const t = await stackWith({ HARMONY_AUTH_RATE_LIMIT_SIGN_IN_SIGN_UPS: '3' });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await signIn(t, newEmail())).status);
    expect(statuses).toEqual([400, 400, 400, 429]);
    const limited = await signIn(t, newEmail());
    expect(await limited.json()).toEqual({
      code: 'over_request_rate_limit',
      message: 'Request rate limit reached',
    });
    const viaClient = await t.anon().auth.signUp({ email: newEmail(), password: PASSWORD });
    expect(viaClient.error?.status).toBe(429);
    expect(viaClient.error?.code).toBe('over_request_rate_limit');
  });

  it('limits one address across IPs, and IPs separately, behind a trusted proxy', async () => {
    const t = await stackWith({
      HARMONY_AUTH_RATE_LIMIT_SIGN_IN_SIGN_UPS: '2',
      HARMONY_AUTH_TRUST_PROXY: 'true',
    });
    const target = newEmail();
    const perEmail = [];
    for (const ip of ['10.0.0.1', '10.0.0.2', '10.0.0.3'])
      perEmail.push((await signIn(t, target, ip)).status);
    expect(perEmail).toEqual([400, 400, 429]);
    // A fresh IP with fresh addresses is not held back by the others.
    expect((await signIn(t, newEmail(), '10.0.0.9')).status).toBe(400);
  });
});

describe('auth: without autoconfirm', () => {
  it('returns the user without a session, then a fake user for a registered address', async () => {
    const t = await stackWith({}, { ENABLE_EMAIL_AUTOCONFIRM: 'false' });
    const settings = (await (
      await fetch(`${t.url}/auth/v1/settings`, { headers: { apikey: t.stack.keys.anon } })
    ).json()) as { mailer_autoconfirm: boolean };
    expect(settings.mailer_autoconfirm).toBe(false);

    const email = newEmail();
    const { data, error } = await t.anon().auth.signUp({ email, password: PASSWORD });
    expect(error).toBeNull();
    expect(data.session).toBeNull();
    expect(data.user?.email).toBe(email);
    expect(data.user?.confirmation_sent_at).toBeTruthy();
    expect(data.user?.email_confirmed_at).toBeUndefined();
    const unconfirmed = await t.anon().auth.signInWithPassword({ email, password: PASSWORD });
    expect(unconfirmed.error?.code).toBe('email_not_confirmed');

    // Confirmed through the admin API (there is no mail server), then signing up again
    // must not reveal that the address is taken.
    await t.service().auth.admin.updateUserById(data.user?.id ?? '', { email_confirm: true });
    expect((await t.anon().auth.signInWithPassword({ email, password: PASSWORD })).error).toBeNull();
    const repeat = await t.anon().auth.signUp({ email, password: 'different pass 2' });
    expect(repeat.error).toBeNull();
    expect(repeat.data.session).toBeNull();
    expect(repeat.data.user?.email).toBe(email);
    expect(repeat.data.user?.id).not.toBe(data.user?.id);
    expect(repeat.data.user?.identities).toEqual([]);
  });

  it('refuses sign-ups when they are disabled', async () => {
    const t = await stackWith({}, { DISABLE_SIGNUP: 'true' });
    const { error } = await t.anon().auth.signUp({ email: newEmail(), password: PASSWORD });
    expect(error?.status).toBe(422);
    expect(error?.code).toBe('signup_disabled');
  });
});
