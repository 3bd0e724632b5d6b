import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningInbox, startInbox } from '../src/inbox/index.js';
import { startTestStack, type TestStack } from './harness.js';

/**
 * Account flows over email with sign-up confirmations on, through supabase-js with its default
 * options, reading the mails from the local inbox's JSON API as the e2e specs do.
 */
let inbox: RunningInbox;
let inboxDir: string;
let t: TestStack;
const stacks: TestStack[] = [];
const PASSWORD = 'email flows 1';
let counter = 0;
const newEmail = () => `mail.${Date.now().toString(36)}${counter++}@example.com`;
const SITE = 'http://127.0.0.1:5173';

/** Auth reads these from process.env when its router is built. */
async function stackWith(authEnv: Record<string, string>): Promise<TestStack> {
  Object.assign(process.env, {
    GOTRUE_SMTP_HOST: '127.0.0.1',
    GOTRUE_SMTP_PORT: String(inbox.smtpPort),
    GOTRUE_SMTP_MAX_FREQUENCY: '2s',
    GOTRUE_SECURITY_UPDATE_PASSWORD_REQUIRE_REAUTHENTICATION: 'true',
    HARMONY_AUTH_RATE_LIMIT_EMAIL_SENT: '1000',
    HARMONY_AUTH_RATE_LIMIT_TOKEN_VERIFICATIONS: '1000',
    ...authEnv,
  });
  const stack = await startTestStack({ ENABLE_EMAIL_AUTOCONFIRM: 'false', SITE_URL: SITE });
  stacks.push(stack);
  return stack;
}

beforeAll(async () => {
  inboxDir = mkdtempSync(join(tmpdir(), 'harmony-auth-inbox-'));
  inbox = await startInbox({
    host: '127.0.0.1',
    smtpPort: 0,
    webPort: 0,
    dir: inboxDir,
    log: pino({ level: 'silent' }),
  });
  t = await stackWith({});
});
afterAll(async () => {
  await Promise.all(stacks.map((s) => s.stop()));
  await inbox.stop();
  rmSync(inboxDir, { recursive: true, force: true });
});

/** A client as an app creates it: createClient(url, anon key), nothing else. */
const client = (options?: Parameters<typeof createClient>[2]): SupabaseClient =>
  createClient(t.url, t.stack.keys.anon, options);
const service = () => createClient(t.url, t.stack.keys.serviceRole);

interface Mail {
  id: string;
  subject: string;
  to: string[];
  body: { html: string; text: string };
}
const mailbox = async (address: string) =>
  (await (await fetch(`${inbox.url}/api/v1/mailbox/${address}`)).json()) as Array<{
    id: string;
    subject: string;
  }>;
async function latestMail(address: string): Promise<Mail> {
  const res = await fetch(`${inbox.url}/api/v1/mailbox/${address}/latest`);
  if (res.status !== 200) throw new Error(`no mail for ${address}`);
  return (await res.json()) as Mail;
}
const decode = (s: string) =>
  s.replace(/&#(\d+);/g, (_, n) => String.fromCharCode(Number(n))).replaceAll('&amp;', '&');
const linkIn = (mail: Mail) => decode(/href="([^"]+)"/.exec(mail.body.html)?.[1] ?? '');
const codeIn = (mail: Mail) => /\b(\d{6})\b/.exec(mail.body.text)?.[1] ?? '';

/** Follows a mail's link as a browser would, up to the app: the redirect target. */
async function follow(link: string): Promise<URL> {
  const res = await fetch(link, { redirect: 'manual' });
  expect(res.status).toBe(303);
  return new URL(res.headers.get('location') ?? '');
}
const fragment = (url: URL) => Object.fromEntries(new URLSearchParams(url.hash.slice(1)));

async function confirmedUser(email = newEmail()) {
  const { error } = await service().auth.admin.createUser({ email, password: PASSWORD, email_confirm: true });
  expect(error).toBeNull();
  const c = client();
  const { data } = await c.auth.signInWithPassword({ email, password: PASSWORD });
  if (!data.session) throw new Error('sign-in failed');
  return { email, client: c, session: data.session };
}

describe('sign-up with confirmations on', () => {
  it('mails a confirmation and returns the user without a session; the link confirms and signs in', async () => {
    const email = newEmail();
    const c = client();
    const { data, error } = await c.auth.signUp({
      email,
      password: PASSWORD,
      options: { emailRedirectTo: `${SITE}/welcome` },
    });
    expect(error).toBeNull();
    expect(data.session).toBeNull();
    expect(data.user?.email).toBe(email);
    expect(data.user?.email_confirmed_at).toBeUndefined();
    expect(data.user?.confirmation_sent_at).toBeTruthy();
    expect((await c.auth.signInWithPassword({ email, password: PASSWORD })).error?.code).toBe(
      'email_not_confirmed',
    );

    const mail = await latestMail(email);
    expect(mail.subject).toBe('Confirm your email address');
    expect(mail.to).toEqual([`<${email}>`]);
    const link = linkIn(mail);
    expect(link).toMatch(
      new RegExp(`^${t.url}/auth/v1/verify\\?token=[0-9a-f]{56}&type=signup&redirect_to=${SITE}/welcome$`),
    );
    const landed = await follow(link);
    expect(landed.origin + landed.pathname).toBe(`${SITE}/welcome`);
    const session = fragment(landed);
    expect(session).toMatchObject({ token_type: 'bearer', type: 'signup' });
    expect(session.access_token).toBeTruthy();
    expect((await client().auth.getUser(session.access_token)).data.user?.email_confirmed_at).toBeTruthy();
    expect((await c.auth.signInWithPassword({ email, password: PASSWORD })).error).toBeNull();

    // The link worked once.
    const again = fragment(await follow(link));
    expect(again).toMatchObject({ error: 'access_denied', error_code: 'otp_expired' });
  });

  it('confirms with the 6-digit code (verifyOtp type email) and resends within max_frequency', async () => {
    const email = newEmail();
    const c = client();
    await c.auth.signUp({ email, password: PASSWORD });
    const early = await c.auth.resend({ type: 'signup', email });
    expect(early.error?.status).toBe(429);
    expect(early.error?.code).toBe('over_email_send_rate_limit');
    expect(early.error?.message).toMatch(
      /^For security purposes, you can only request this after \d seconds\.$/,
    );
    await new Promise((resolve) => setTimeout(resolve, 2100));
    expect((await c.auth.resend({ type: 'signup', email })).error).toBeNull();
    expect(await mailbox(email)).toHaveLength(2);
    const code = codeIn(await latestMail(email));
    expect(code).toMatch(/^\d{6}$/);
    const wrong = await c.auth.verifyOtp({
      email,
      token: code === '000000' ? '111111' : '000000',
      type: 'email',
    });
    expect(wrong.error?.status).toBe(403);
    expect(wrong.error?.code).toBe('otp_expired');
    expect(wrong.error?.message).toBe('Token has expired or is invalid');
    const { data, error } = await c.auth.verifyOtp({ email, token: code, type: 'email' });
    expect(error).toBeNull();
    expect(data.session?.user.email).toBe(email);
    expect(data.user?.email_confirmed_at).toBeTruthy();
    // Confirmed: resend has nothing to send, unknown addresses neither.
    expect((await c.auth.resend({ type: 'signup', email })).error).toBeNull();
    expect((await c.auth.resend({ type: 'signup', email: newEmail() })).error).toBeNull();
    expect(await mailbox(email)).toHaveLength(2);
    const bad = await c.auth.resend({ type: 'sms' as 'signup', email });
    expect(bad.error?.status).toBe(400);
  });
});

describe('password recovery', () => {
  it('answers 200 for an unknown address and sends nothing', async () => {
    const email = newEmail();
    const { data, error } = await client().auth.resetPasswordForEmail(email);
    expect(error).toBeNull();
    expect(data).toEqual({});
    expect(await mailbox(email)).toEqual([]);
    const invalid = await client().auth.resetPasswordForEmail('not an address');
    expect(invalid.error?.status).toBe(400);
    expect(invalid.error?.code).toBe('validation_failed');
  });

  it('mails a code that signs in once, to set a new password', async () => {
    const { email } = await confirmedUser();
    const c = client();
    expect((await c.auth.resetPasswordForEmail(email, { redirectTo: `${SITE}/reset` })).error).toBeNull();
    const mail = await latestMail(email);
    expect(mail.subject).toBe('Reset your password');
    expect(linkIn(mail)).toContain('type=recovery&redirect_to=http://127.0.0.1:5173/reset');
    const code = codeIn(mail);
    const { data, error } = await c.auth.verifyOtp({ email, token: code, type: 'recovery' });
    expect(error).toBeNull();
    expect(data.session).toBeTruthy();
    expect((await c.auth.updateUser({ password: 'recovered pass 2' })).error).toBeNull();
    expect(
      (await client().auth.signInWithPassword({ email, password: 'recovered pass 2' })).error,
    ).toBeNull();
    const reuse = await client().auth.verifyOtp({ email, token: code, type: 'recovery' });
    expect(reuse.error?.code).toBe('otp_expired');
  });

  it('the link lands with a session of type recovery; an expired link lands with otp_expired', async () => {
    const { email } = await confirmedUser();
    await client().auth.resetPasswordForEmail(email);
    const link = linkIn(await latestMail(email));
    const landed = await follow(link);
    expect(landed.origin).toBe(SITE);
    expect(fragment(landed)).toMatchObject({ type: 'recovery', token_type: 'bearer' });

    const { email: late } = await confirmedUser();
    await client().auth.resetPasswordForEmail(late);
    const lateMail = await latestMail(late);
    await t.db.query(
      `update auth.users set recovery_sent_at = now() - interval '3601 seconds' where email = $1`,
      [late],
    );
    expect(fragment(await follow(linkIn(lateMail)))).toEqual({
      error: 'access_denied',
      error_code: 'otp_expired',
      error_description: 'Email link is invalid or has expired',
      sb: '',
    });
    const code = await client().auth.verifyOtp({ email: late, token: codeIn(lateMail), type: 'recovery' });
    expect(code.error?.code).toBe('otp_expired');
  });
});

describe('magic links and email codes', () => {
  it('signs a confirmed user in with the link or the code', async () => {
    const { email } = await confirmedUser();
    const c = client();
    const { data, error } = await c.auth.signInWithOtp({ email });
    expect(error).toBeNull();
    expect(data).toMatchObject({ user: null, session: null });
    const mail = await latestMail(email);
    expect(mail.subject).toBe('Your sign-in link');
    expect(linkIn(mail)).toContain('type=magiclink');
    const signedIn = await c.auth.verifyOtp({ email, token: codeIn(mail), type: 'email' });
    expect(signedIn.error).toBeNull();
    expect(signedIn.data.session?.user.email).toBe(email);

    await new Promise((resolve) => setTimeout(resolve, 2100));
    await client().auth.signInWithOtp({ email });
    expect(fragment(await follow(linkIn(await latestMail(email))))).toMatchObject({ type: 'magiclink' });
  });

  it('a new address signs up and gets the confirmation; create_user false refuses it', async () => {
    const email = newEmail();
    const refused = await client().auth.signInWithOtp({ email, options: { shouldCreateUser: false } });
    expect(refused.error?.status).toBe(422);
    expect(refused.error?.code).toBe('otp_disabled');
    expect(refused.error?.message).toBe('Signups not allowed for otp');
    expect(await mailbox(email)).toEqual([]);

    const c = client();
    expect(
      (await c.auth.signInWithOtp({ email, options: { data: { username: `m${counter++}x` } } })).error,
    ).toBeNull();
    const mail = await latestMail(email);
    expect(mail.subject).toBe('Confirm your email address');
    const { data, error } = await c.auth.verifyOtp({ email, token: codeIn(mail), type: 'email' });
    expect(error).toBeNull();
    expect(data.user?.email_confirmed_at).toBeTruthy();
  });
});

describe('admin: invites and generated links', () => {
  it('invites by email: the link confirms and signs in; confirmed addresses and anon callers are refused', async () => {
    const email = newEmail();
    const { data, error } = await service().auth.admin.inviteUserByEmail(email, {
      redirectTo: `${SITE}/invited`,
      data: { invited_by: 'tests' },
    });
    expect(error).toBeNull();
    expect(data.user?.email).toBe(email);
    expect(data.user?.invited_at).toBeTruthy();
    const mail = await latestMail(email);
    expect(mail.subject).toBe("You've been invited");
    const landed = await follow(linkIn(mail));
    expect(landed.pathname).toBe('/invited');
    const session = fragment(landed);
    expect(session.type).toBe('invite');
    const user = (await client().auth.getUser(session.access_token)).data.user;
    expect(user?.email_confirmed_at).toBeTruthy();
    expect(user?.user_metadata.invited_by).toBe('tests');

    const again = await service().auth.admin.inviteUserByEmail(email);
    expect(again.error?.status).toBe(422);
    expect(again.error?.code).toBe('email_exists');
    const anon = await client().auth.admin.inviteUserByEmail(newEmail());
    expect(anon.error?.status).toBe(403);
    expect(anon.error?.code).toBe('not_admin');
  });

  it('generates magic link, recovery and sign-up links without mailing them', async () => {
    const { email } = await confirmedUser();
    const admin = service().auth.admin;
    const { data, error } = await admin.generateLink({
      type: 'magiclink',
      email,
      options: { redirectTo: `${SITE}/x` },
    });
    expect(error).toBeNull();
    expect(data.properties).toMatchObject({ verification_type: 'magiclink', redirect_to: `${SITE}/x` });
    expect(data.properties?.email_otp).toMatch(/^\d{6}$/);
    expect(data.properties?.action_link).toContain(`token=${data.properties?.hashed_token}&type=magiclink`);
    expect(data.user?.email).toBe(email);
    expect(await mailbox(email)).toEqual([]);
    const viaHash = await client().auth.verifyOtp({
      token_hash: data.properties?.hashed_token ?? '',
      type: 'magiclink',
    });
    expect(viaHash.error).toBeNull();
    expect(viaHash.data.session?.user.email).toBe(email);

    const recovery = await admin.generateLink({ type: 'recovery', email });
    expect(fragment(await follow(recovery.data.properties?.action_link ?? ''))).toMatchObject({
      type: 'recovery',
    });
    const unknown = await admin.generateLink({ type: 'recovery', email: newEmail() });
    expect(unknown.error?.status).toBe(404);
    expect(unknown.error?.code).toBe('user_not_found');

    const fresh = newEmail();
    const signup = await admin.generateLink({ type: 'signup', email: fresh, password: PASSWORD });
    expect(signup.error).toBeNull();
    expect(signup.data.user?.email_confirmed_at).toBeUndefined();
    const confirmed = await client().auth.verifyOtp({
      email: fresh,
      token: signup.data.properties?.email_otp ?? '',
      type: 'signup',
    });
    expect(confirmed.error).toBeNull();
    const bad = await admin.generateLink({ type: 'bogus' as 'signup', email: fresh, password: PASSWORD });
    expect(bad.error?.status).toBe(400);
  });
});

describe('email change with double confirmation', () => {
  it('needs both addresses to confirm; then the new address signs in', async () => {
    const { client: c, email } = await confirmedUser();
    const next = newEmail();
    const { data, error } = await c.auth.updateUser({ email: next });
    expect(error).toBeNull();
    expect(data.user?.email).toBe(email);
    expect(data.user?.new_email).toBe(next);
    const toOld = await latestMail(email);
    const toNew = await latestMail(next);
    expect(toOld.subject).toBe('Confirm your new email address');
    expect(toNew.body.html).toContain(next);

    const half = await follow(linkIn(toOld));
    expect(fragment(half).message).toBe(
      'Confirmation link accepted. Please proceed to confirm link sent to the other email',
    );
    expect((await c.auth.getUser()).data.user?.email).toBe(email);
    const done = fragment(await follow(linkIn(toNew)));
    expect(done.type).toBe('email_change');
    expect((await c.auth.getUser()).data.user?.email).toBe(next);
    expect((await client().auth.signInWithPassword({ email: next, password: PASSWORD })).error).toBeNull();
    expect((await client().auth.signInWithPassword({ email, password: PASSWORD })).error?.code).toBe(
      'invalid_credentials',
    );
  });

  it('confirms with the two codes through verifyOtp', async () => {
    const { client: c, email } = await confirmedUser();
    const next = newEmail();
    await c.auth.updateUser({ email: next });
    const first = await c.auth.verifyOtp({
      email,
      token: codeIn(await latestMail(email)),
      type: 'email_change',
    });
    expect(first.error).toBeNull();
    expect(first.data.session).toBeFalsy();
    const second = await c.auth.verifyOtp({
      email: next,
      token: codeIn(await latestMail(next)),
      type: 'email_change',
    });
    expect(second.error).toBeNull();
    expect(second.data.user?.email).toBe(next);
    const { email: other } = await confirmedUser();
    const clash = await c.auth.updateUser({ email: other });
    expect(clash.error?.code).toBe('email_exists');
  });
});

describe('reauthentication for a password change (secure_password_change)', () => {
  it('asks a session older than 24 hours for the mailed nonce, which works once', async () => {
    const { client: c, email, session } = await confirmedUser();
    expect((await c.auth.updateUser({ password: 'fresh session ok 1' })).error).toBeNull();
    await t.db.query(`update auth.sessions set created_at = now() - interval '25 hours' where id = $1`, [
      JSON.parse(Buffer.from(session.access_token.split('.')[1] ?? '', 'base64url').toString()).session_id,
    ]);
    const needed = await c.auth.updateUser({ password: 'needs nonce 2' });
    expect(needed.error?.status).toBe(400);
    expect(needed.error?.code).toBe('reauthentication_needed');
    expect(needed.error?.message).toBe('Password update requires reauthentication');

    expect((await c.auth.reauthenticate()).error).toBeNull();
    const mail = await latestMail(email);
    expect(mail.subject).toMatch(/^\d{6} is your verification code$/);
    const nonce = codeIn(mail);
    const wrong = await c.auth.updateUser({
      password: 'needs nonce 2',
      nonce: nonce === '000000' ? '111111' : '000000',
    });
    expect(wrong.error?.status).toBe(422);
    expect(wrong.error?.code).toBe('reauthentication_not_valid');
    expect((await c.auth.updateUser({ password: 'needs nonce 2', nonce })).error).toBeNull();
    const reuse = await c.auth.updateUser({ password: 'needs nonce 3', nonce });
    expect(reuse.error?.code).toBe('reauthentication_not_valid');
    expect((await client().auth.signInWithPassword({ email, password: 'needs nonce 2' })).error).toBeNull();
  });
});

describe('PKCE', () => {
  it('recovery and magic links land with ?code= for exchangeCodeForSession', async () => {
    const { email } = await confirmedUser();
    const c = client({ auth: { flowType: 'pkce' } });
    expect((await c.auth.resetPasswordForEmail(email, { redirectTo: `${SITE}/reset` })).error).toBeNull();
    const link = linkIn(await latestMail(email));
    expect(link).toMatch(/token=pkce_[0-9a-f]{56}&type=recovery/);
    const landed = await follow(link);
    expect(landed.hash).toBe('');
    const code = landed.searchParams.get('code') ?? '';
    expect(code).toBeTruthy();
    const { data, error } = await c.auth.exchangeCodeForSession(code);
    expect(error).toBeNull();
    expect(data.session?.user.email).toBe(email);
    const again = await c.auth.exchangeCodeForSession(code);
    expect(again.error).toBeTruthy();

    await new Promise((resolve) => setTimeout(resolve, 2100));
    const m = client({ auth: { flowType: 'pkce' } });
    await m.auth.signInWithOtp({ email });
    const magic = await follow(linkIn(await latestMail(email)));
    expect((await m.auth.exchangeCodeForSession(magic.searchParams.get('code') ?? '')).error).toBeNull();
  });

  it('a PKCE sign-up confirmation lands with a code; a used link lands with the error in the query too', async () => {
    const email = newEmail();
    const c = client({ auth: { flowType: 'pkce' } });
    await c.auth.signUp({ email, password: PASSWORD });
    const link = linkIn(await latestMail(email));
    const landed = await follow(link);
    expect(
      (await c.auth.exchangeCodeForSession(landed.searchParams.get('code') ?? '')).data.session?.user.email,
    ).toBe(email);
    const used = await follow(link);
    expect(used.searchParams.get('error_code')).toBe('otp_expired');
  });
});

describe('rate limits per IP', () => {
  it('stops guessing codes: [auth.rate_limit] token_verifications answers 429 over_request_rate_limit', async () => {
    const limited = await stackWith({ HARMONY_AUTH_RATE_LIMIT_TOKEN_VERIFICATIONS: '3' });
    const c = createClient(limited.url, limited.stack.keys.anon);
    const email = newEmail();
    const codes = [];
    for (let i = 0; i < 4; i++) {
      codes.push(await c.auth.verifyOtp({ email, token: String(100000 + i), type: 'email' }));
    }
    expect(codes.map((r) => r.error?.status)).toEqual([403, 403, 403, 429]);
    expect(codes[3]?.error?.code).toBe('over_request_rate_limit');
    const link = await fetch(`${limited.url}/auth/v1/verify?token=abc&type=magiclink`, {
      redirect: 'manual',
    });
    expect(link.status).toBe(429);
  });

  it('answers 429 over_email_send_rate_limit past the budget', async () => {
    const limited = await stackWith({ HARMONY_AUTH_RATE_LIMIT_EMAIL_SENT: '2' });
    const c = createClient(limited.url, limited.stack.keys.anon);
    const results = [];
    for (let i = 0; i < 3; i++) results.push(await c.auth.signUp({ email: newEmail(), password: PASSWORD }));
    expect(results.map((r) => r.error?.status ?? 200)).toEqual([200, 200, 429]);
    expect(results[2]?.error?.code).toBe('over_email_send_rate_limit');
    expect(results[2]?.error?.message).toBe('email rate limit exceeded');
  });
});
