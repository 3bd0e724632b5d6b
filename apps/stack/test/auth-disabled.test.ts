import type { AuthError } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signJwt } from '../src/jwt.js';
import { startTestStack, type TestStack } from './harness.js';

let t: TestStack;
beforeAll(async () => {
  t = await startTestStack();
});
afterAll(() => t.stop());

const PASSWORD = 'correct horse 1';
let counter = 0;

async function signedIn() {
  const client = t.anon();
  const email = `disabled.${Date.now().toString(36)}${counter++}@example.com`;
  const { data, error } = await client.auth.signUp({ email, password: PASSWORD });
  expect(error).toBeNull();
  if (!data.user) throw new Error('expected a user');
  return { client, user: data.user };
}

/** The error as auth-js exposes it, compared with what a GoTrue with the feature off answers. */
function expectError(error: AuthError | null, status: number, code: string, message: string) {
  expect({ status: error?.status, code: error?.code, message: error?.message }).toEqual({
    status,
    code,
    message,
  });
}

/** A syntactically valid, unsigned-looking ID token with the given issuer. */
const idTokenFrom = (iss: string) => signJwt({ iss, sub: 'someone' }, 'x'.repeat(32));

describe('auth: features answered as disabled', () => {
  it('SSO/SAML: signInWithSSO and the SAML endpoints say SAML 2.0 is disabled', async () => {
    const byDomain = await t.anon().auth.signInWithSSO({ domain: 'example.com' });
    expectError(byDomain.error, 404, 'saml_provider_disabled', 'SAML 2.0 is disabled');
    const byId = await t.anon().auth.signInWithSSO({ providerId: '00000000-0000-4000-8000-000000000000' });
    expectError(byId.error, 404, 'saml_provider_disabled', 'SAML 2.0 is disabled');
    const metadata = await fetch(`${t.url}/auth/v1/sso/saml/metadata`, {
      headers: { apikey: t.stack.keys.anon },
    });
    expect(metadata.status).toBe(404);
    expect(await metadata.json()).toMatchObject({
      error_code: 'saml_provider_disabled',
      msg: 'SAML 2.0 is disabled',
    });
  });

  it('Web3: signInWithWeb3 says the provider is disabled', async () => {
    const { error } = await t.anon().auth.signInWithWeb3({
      chain: 'solana',
      message: 'example.com wants you to sign in with your Solana account',
      signature: new Uint8Array(64),
    });
    expectError(error, 422, 'web3_provider_disabled', 'Web3 provider is disabled');
  });

  it('id_token grant: a known provider is not enabled, an unknown one not allowed', async () => {
    const google = await t.anon().auth.signInWithIdToken({ provider: 'google', token: 'opaque' });
    expectError(
      google.error,
      400,
      'provider_disabled',
      'Provider (issuer "https://accounts.google.com") is not enabled',
    );
    const apple = await t.anon().auth.signInWithIdToken({
      provider: 'apple',
      token: await idTokenFrom('https://appleid.apple.com'),
    });
    expectError(
      apple.error,
      400,
      'provider_disabled',
      'Provider (issuer "https://appleid.apple.com") is not enabled',
    );
    const garbled = await t.anon().auth.signInWithIdToken({ provider: 'apple', token: 'not-a-jwt' });
    expectError(
      garbled.error,
      400,
      'validation_failed',
      'Unable to detect issuer in ID token for Apple provider',
    );
    const other = await t.anon().auth.signInWithIdToken({ provider: 'github', token: 'opaque' });
    expectError(other.error, 400, 'validation_failed', 'Custom OIDC provider "github" not allowed');
    const noToken = await fetch(`${t.url}/auth/v1/token?grant_type=id_token`, {
      method: 'POST',
      headers: { apikey: t.stack.keys.anon, 'content-type': 'application/json' },
      body: JSON.stringify({ provider: 'google' }),
    });
    expect(noToken.status).toBe(400);
    expect(await noToken.json()).toEqual({
      error: 'invalid request',
      error_description: 'id_token required',
    });
  });

  it('manual identity linking: link and unlink say it is disabled, after authentication', async () => {
    const { client, user } = await signedIn();
    const link = await client.auth.linkIdentity({
      provider: 'github',
      options: { skipBrowserRedirect: true },
    });
    expectError(link.error, 404, 'manual_linking_disabled', 'Manual linking is disabled');
    const identity = user.identities?.[0];
    if (!identity) throw new Error('expected an identity');
    const unlink = await client.auth.unlinkIdentity(identity);
    expectError(unlink.error, 404, 'manual_linking_disabled', 'Manual linking is disabled');
    // Authentication comes first: without a user token nothing about linking is revealed.
    const anonymous = await fetch(`${t.url}/auth/v1/user/identities/authorize?provider=github`, {
      headers: { apikey: t.stack.keys.anon, authorization: `Bearer ${t.stack.keys.anon}` },
    });
    expect([401, 403]).toContain(anonymous.status);
    expect(((await anonymous.json()) as { error_code: string }).error_code).not.toBe(
      'manual_linking_disabled',
    );
  });

  it('phone: E.164 is checked first, then the phone provider is off', async () => {
    const otp = await t.anon().auth.signInWithOtp({ phone: '+1 555 555 0100' });
    expectError(otp.error, 400, 'phone_provider_disabled', 'Unsupported phone provider');
    const badNumber = await t.anon().auth.signInWithOtp({
      phone: 'not a number',
      options: { shouldCreateUser: false },
    });
    expectError(badNumber.error, 400, 'validation_failed', 'Invalid phone number format (E.164 required)');
    const unknown = await t
      .anon()
      .auth.signInWithOtp({ phone: '+15555550100', options: { shouldCreateUser: false } });
    expectError(unknown.error, 422, 'otp_disabled', 'Signups not allowed for otp');
    const signUp = await t.anon().auth.signUp({ phone: '+15555550100', password: PASSWORD });
    expectError(signUp.error, 400, 'phone_provider_disabled', 'Phone signups are disabled');
    const password = await t.anon().auth.signInWithPassword({ phone: '+15555550100', password: PASSWORD });
    expectError(password.error, 422, 'phone_provider_disabled', 'Phone logins are disabled');
    const { client } = await signedIn();
    const update = await client.auth.updateUser({ phone: 'call me' });
    expectError(update.error, 400, 'validation_failed', 'Invalid phone number format (E.164 required)');
  });

  it('WebAuthn MFA and passkeys say they are disabled', async () => {
    const { client } = await signedIn();
    const enroll = await client.auth.mfa.enroll({ factorType: 'webauthn', friendlyName: 'key' });
    expectError(enroll.error, 422, 'mfa_webauthn_enroll_not_enabled', 'MFA enroll is disabled for WebAuthn');
    const list = await client.auth.passkey.list();
    expectError(list.error, 404, 'passkey_disabled', 'Passkeys are disabled');
    const start = await t.anon().auth.passkey.startAuthentication();
    expectError(start.error, 404, 'passkey_disabled', 'Passkeys are disabled');
  });
});
