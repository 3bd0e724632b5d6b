import { createHmac } from 'node:crypto';
import { errors, jwtVerify, SignJWT } from 'jose';

export type ApiRole = 'anon' | 'service_role';

export interface ApiKeys {
  anon: string;
  serviceRole: string;
  /** Opaque new-style keys the gateway maps to the JWTs above. */
  publishable: string;
  secret: string;
}

export type JwtClaims = Record<string, unknown> & { role?: string; sub?: string; exp?: number };

// Fixed times, so the same secret always yields the same keys: clients holding a key keep
// working across restarts (the gateway compares keys exactly, as Kong does).
const KEYS_ISSUED_AT = 1_767_225_600; // 2026-01-01T00:00:00Z
const KEYS_EXPIRE_AT = KEYS_ISSUED_AT + 10 * 365 * 24 * 3600;

function secretKey(secret: string): Uint8Array {
  return new TextEncoder().encode(secret);
}

export async function signJwt(claims: JwtClaims, secret: string, header: Record<string, string> = {}) {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT', ...header })
    .sign(secretKey(secret));
}

/** Legacy API keys: long-lived HS256 JWTs carrying only a role, as the Supabase CLI mints them. */
export async function mintApiKeys(secret: string): Promise<ApiKeys> {
  const key = (role: ApiRole) =>
    signJwt({ iss: 'supabase-demo', role, iat: KEYS_ISSUED_AT, exp: KEYS_EXPIRE_AT }, secret);
  // Opaque keys are derived from the secret so they stay stable across restarts.
  const opaque = (label: string) =>
    createHmac('sha256', secret).update(label).digest('base64url').slice(0, 32);
  return {
    anon: await key('anon'),
    serviceRole: await key('service_role'),
    publishable: `sb_publishable_${opaque('publishable')}`,
    secret: `sb_secret_${opaque('secret')}`,
  };
}

export class JwtError extends Error {
  constructor(
    message: string,
    readonly reason: 'expired' | 'invalid',
  ) {
    super(message);
  }
}

/** Verifies an HS256 token with the project secret; rejects other algorithms (no `alg: none`). */
export async function verifyJwt(token: string, secret: string): Promise<JwtClaims> {
  try {
    const { payload } = await jwtVerify(token, secretKey(secret), { algorithms: ['HS256'] });
    return payload as JwtClaims;
  } catch (error) {
    if (error instanceof errors.JWTExpired) throw new JwtError('JWT expired', 'expired');
    throw new JwtError('invalid JWT', 'invalid');
  }
}
