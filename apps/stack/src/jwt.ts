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

/** The Supabase CLI's local-development values (public demo values, never for production). */
export const DEMO_JWT_SECRET = 'super-secret-jwt-token-with-at-least-32-characters-long';
export const DEMO_PUBLISHABLE_KEY = 'sb_publishable_ACJWlzQHlZjBrEguHvfOxg_3BJgxAaH';
export const DEMO_SECRET_KEY = 'sb_secret_N7UND0UgjKTVK-Uodkm0Hg_xSvEMPvz';
// The CLI's fixed expiry (2032-11-12): the same secret always yields the same keys, byte for byte.
const DEMO_KEYS_EXPIRE_AT = 1_983_812_996;

function secretKey(secret: string): Uint8Array {
  return new TextEncoder().encode(secret);
}

export async function signJwt(claims: JwtClaims, secret: string, header: Record<string, string> = {}) {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT', ...header })
    .sign(secretKey(secret));
}

/**
 * Legacy API keys: long-lived HS256 JWTs carrying only a role, minted as the Supabase CLI does
 * (same claims in the same order), so the demo secret yields the CLI's anon/service_role keys.
 * Opaque keys are the CLI's fixed ones; any of the four may be overridden.
 */
export async function mintApiKeys(secret: string, overrides: Partial<ApiKeys> = {}): Promise<ApiKeys> {
  const key = (role: ApiRole) => signJwt({ iss: 'supabase-demo', role, exp: DEMO_KEYS_EXPIRE_AT }, secret);
  return {
    anon: overrides.anon || (await key('anon')),
    serviceRole: overrides.serviceRole || (await key('service_role')),
    publishable: overrides.publishable || DEMO_PUBLISHABLE_KEY,
    secret: overrides.secret || DEMO_SECRET_KEY,
  };
}

/**
 * Why a token was refused: expired; bad signature; an algorithm the service does not take;
 * no key of the token's kind (unknown kid, key of another type); or otherwise invalid.
 */
export type JwtFailure = 'expired' | 'signature' | 'algorithm' | 'key' | 'invalid';

export class JwtError extends Error {
  constructor(
    message: string,
    readonly reason: JwtFailure,
    /** The verifier's own words (jose's), which Storage reports as they are. */
    readonly detail = message,
    /** The token's protected header, once it could be read. */
    readonly header: { alg?: string; kid?: string } = {},
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
    const detail = error instanceof Error ? error.message : undefined;
    if (error instanceof errors.JWTExpired) throw new JwtError('JWT expired', 'expired', detail);
    throw new JwtError('invalid JWT', 'invalid', detail);
  }
}
