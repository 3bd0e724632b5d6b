import { createHmac } from 'node:crypto';
import type { SupabaseClient } from '@supabase/supabase-js';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from './harness.js';

let t: TestStack;
beforeAll(async () => {
  process.env.HARMONY_AUTH_RATE_LIMIT_SIGN_IN_SIGN_UPS = '10000';
  t = await startTestStack();
});
afterAll(() => t.stop());

/** RFC 6238 (SHA-1, 6 digits, 30 s), written independently of the server's implementation. */
function totp(secretBase32: string, at = Date.now()): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const ch of secretBase32) bits += alphabet.indexOf(ch).toString(2).padStart(5, '0');
  const key = Buffer.from((bits.match(/.{8}/g) ?? []).map((b) => Number.parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 30_000)));
  const mac = createHmac('sha1', key).update(counter).digest();
  const offset = (mac.at(-1) ?? 0) & 0xf;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}

const PASSWORD = 'mfa test pass 1';
let counter = 0;
const newEmail = () => `mfa.${Date.now().toString(36)}${counter++}@example.com`;

async function signedIn(): Promise<{ client: SupabaseClient; email: string }> {
  const client = t.anon();
  const email = newEmail();
  const { error } = await client.auth.signUp({ email, password: PASSWORD });
  expect(error).toBeNull();
  return { client, email };
}

const accessClaims = async (client: SupabaseClient) =>
  decodeJwt((await client.auth.getSession()).data.session?.access_token ?? '');

describe('auth: TOTP MFA', () => {
  it('enrolls, challenges and verifies to AAL2, then unenrolls', async () => {
    const { client, email } = await signedIn();
    const preMfaRefresh = (await client.auth.getSession()).data.session?.refresh_token ?? '';
    const { data: enrolled, error } = await client.auth.mfa.enroll({
      factorType: 'totp',
      friendlyName: 'phone',
    });
    expect(error).toBeNull();
    if (enrolled?.type !== 'totp') throw new Error('no totp factor');
    expect(enrolled.friendly_name).toBe('phone');
    expect(enrolled.totp.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(enrolled.totp.uri).toMatch(
      /^otpauth:\/\/totp\/.+:mfa\.[^?]+\?algorithm=SHA1&digits=6&issuer=.+&period=30&secret=/,
    );
    expect(enrolled.totp.uri).toContain(encodeURIComponent(email));
    expect(enrolled.totp.qr_code).toMatch(/^data:image\/svg\+xml;utf-8,<svg [^#%]*<\/svg>$/);

    const user = (await client.auth.getUser()).data.user;
    expect(user?.factors).toEqual([
      expect.objectContaining({
        id: enrolled.id,
        factor_type: 'totp',
        status: 'unverified',
        friendly_name: 'phone',
      }),
    ]);

    const challenge = await client.auth.mfa.challenge({ factorId: enrolled.id });
    expect(challenge.error).toBeNull();
    const challengeId = challenge.data?.id ?? '';
    expect(challenge.data?.expires_at).toBeGreaterThan(Date.now() / 1000 + 200);

    const wrongCode = totp(enrolled.totp.secret) === '000000' ? '111111' : '000000';
    const wrong = await client.auth.mfa.verify({ factorId: enrolled.id, challengeId, code: wrongCode });
    expect(wrong.error?.status).toBe(422);
    expect(wrong.error?.code).toBe('mfa_verification_failed');
    expect(wrong.error?.message).toBe('Invalid TOTP code entered');

    const verified = await client.auth.mfa.verify({
      factorId: enrolled.id,
      challengeId,
      code: totp(enrolled.totp.secret),
    });
    expect(verified.error).toBeNull();
    const claims = await accessClaims(client);
    expect(claims.aal).toBe('aal2');
    expect((claims.amr as { method: string }[]).map((a) => a.method)).toEqual(['totp', 'password']);
    const aal = await client.auth.mfa.getAuthenticatorAssuranceLevel();
    expect(aal.data).toMatchObject({ currentLevel: 'aal2', nextLevel: 'aal2' });
    const factors = await client.auth.mfa.listFactors();
    expect(factors.data?.totp.map((f) => f.status)).toEqual(['verified']);
    const session = await t.db.query('select aal, factor_id from auth.sessions where id = $1', [
      claims.session_id,
    ]);
    expect(session.rows[0]).toEqual({ aal: 'aal2', factor_id: enrolled.id });

    // The AAL1 refresh token from before the verification cannot be replayed into this session.
    const replay = await t.anon().auth.refreshSession({ refresh_token: preMfaRefresh });
    expect(replay.error?.code).toBe('refresh_token_not_found');
    // Refreshing keeps AAL2.
    const refreshed = await client.auth.refreshSession();
    expect(decodeJwt(refreshed.data.session?.access_token ?? '').aal).toBe('aal2');

    const unenrolled = await client.auth.mfa.unenroll({ factorId: enrolled.id });
    expect(unenrolled.error).toBeNull();
    expect(unenrolled.data).toEqual({ id: enrolled.id });
    expect((await client.auth.getUser()).data.user?.factors).toBeUndefined();
    const after = await client.auth.refreshSession();
    expect(decodeJwt(after.data.session?.access_token ?? '').aal).toBe('aal1');
  });

  it('asks AAL2 of an AAL1 session once a factor is verified', async () => {
    const { client, email } = await signedIn();
    const { data: enrolled } = await client.auth.mfa.enroll({ factorType: 'totp' });
    if (enrolled?.type !== 'totp') throw new Error('no totp factor');
    const ok = await client.auth.mfa.challengeAndVerify({
      factorId: enrolled.id,
      code: totp(enrolled.totp.secret),
    });
    expect(ok.error).toBeNull();

    const second = t.anon();
    await second.auth.signInWithPassword({ email, password: PASSWORD });
    expect((await accessClaims(second)).aal).toBe('aal1');
    const aal = await second.auth.mfa.getAuthenticatorAssuranceLevel();
    expect(aal.data).toMatchObject({ currentLevel: 'aal1', nextLevel: 'aal2' });
    const enroll = await second.auth.mfa.enroll({ factorType: 'totp', friendlyName: 'other' });
    expect(enroll.error?.status).toBe(403);
    expect(enroll.error?.code).toBe('insufficient_aal');
    const unenroll = await second.auth.mfa.unenroll({ factorId: enrolled.id });
    expect(unenroll.error?.code).toBe('insufficient_aal');
    const password = await second.auth.updateUser({ password: 'another pass 2' });
    expect(password.error?.status).toBe(401);
    expect(password.error?.code).toBe('insufficient_aal');

    const step = await second.auth.mfa.challengeAndVerify({
      factorId: enrolled.id,
      code: totp(enrolled.totp.secret),
    });
    expect(step.error).toBeNull();
    expect((await accessClaims(second)).aal).toBe('aal2');
    expect((await second.auth.mfa.unenroll({ factorId: enrolled.id })).error).toBeNull();
  });

  it('rejects unknown factors, bad factor types and challenges of other users', async () => {
    const { client } = await signedIn();
    const { client: other } = await signedIn();
    const { data: enrolled } = await client.auth.mfa.enroll({ factorType: 'totp' });
    const foreign = await other.auth.mfa.challenge({ factorId: enrolled?.id ?? '' });
    expect(foreign.error?.status).toBe(404);
    expect(foreign.error?.code).toBe('mfa_factor_not_found');
    const phone = await client.auth.mfa.enroll({ factorType: 'phone', phone: '+15555550100' });
    expect(phone.error?.code).toBe('mfa_phone_enroll_not_enabled');
    const badChallenge = await client.auth.mfa.verify({
      factorId: enrolled?.id ?? '',
      challengeId: '00000000-0000-4000-8000-000000000000',
      code: '123456',
    });
    expect(badChallenge.error?.code).toBe('mfa_factor_not_found');
    const named = await client.auth.mfa.enroll({ factorType: 'totp', friendlyName: 'dup' });
    expect(named.error).toBeNull();
    const dup = await client.auth.mfa.enroll({ factorType: 'totp', friendlyName: 'dup' });
    expect(dup.error?.code).toBe('mfa_factor_name_conflict');
  });
});
