import { type JwtClaims, JwtError, signJwt, verifyJwt } from '../jwt.js';
import { ERRORS } from './errors.js';

/**
 * Signed URL tokens are HS256 JWTs signed with the project JWT secret (Supabase's URL signing
 * key) carrying `url: "<bucket>/<path>"`, a scope and an expiry. Redeeming one needs no
 * other credential, so the token must match the requested object exactly.
 */
export type SignedUrlScope = 'download' | 'upload';

export interface SignedToken extends JwtClaims {
  url: string;
  scope: SignedUrlScope;
  exp: number;
  /** Upload tokens: the JWT sub of whoever created the URL, and whether it may overwrite. */
  owner?: string;
  upsert?: boolean;
}

/** Storage's default lifetime of signed upload URLs (2 hours). */
export const SIGNED_UPLOAD_URL_EXPIRY_SECONDS = 7200;

/** Storage signs no expiry whose exp, in milliseconds, would pass Number.MAX_SAFE_INTEGER. */
const MAX_EXPIRY_EPOCH_SECONDS = Math.floor(Number.MAX_SAFE_INTEGER / 1000);

/** Fastify's Ajv coercion to a number (coerceTypes): numeric strings, booleans, null as 0. */
function coerceNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return Number(value);
  if (value === null) return 0;
  if (typeof value === 'string' && value !== '' && !Number.isNaN(Number(value))) return Number(value);
  return undefined;
}

/**
 * A signed URL's expiresIn, validated as Storage does: the route's body schema
 * ({type: integer, finite, minimum: 1}, with its messages), then assertValidNumericJWTExpiration
 * (a safe integer whose expiry stays within MAX_SAFE_INTEGER ms: 400 InvalidParameter).
 */
export function parseExpiresIn(value: unknown, nowMs = Date.now()): number {
  if (value === undefined) throw ERRORS.invalidRequest("body must have required property 'expiresIn'");
  const seconds = coerceNumber(value);
  if (seconds === undefined || Number.isNaN(seconds)) {
    throw ERRORS.invalidRequest('body/expiresIn must be integer');
  }
  if (!Number.isFinite(seconds)) {
    throw ERRORS.invalidRequest('body/expiresIn must pass "finite" keyword validation');
  }
  if (!Number.isInteger(seconds)) throw ERRORS.invalidRequest('body/expiresIn must be integer');
  if (seconds < 1) throw ERRORS.invalidRequest('body/expiresIn must be >= 1');
  if (!Number.isSafeInteger(seconds) || seconds > MAX_EXPIRY_EPOCH_SECONDS - Math.floor(nowMs / 1000)) {
    throw ERRORS.invalidParameter('expiresIn');
  }
  return seconds;
}

export async function signDownloadToken(secret: string, url: string, expiresIn: number): Promise<string> {
  const iat = Math.floor(Date.now() / 1000);
  return signJwt({ url, scope: 'download', iat, exp: iat + expiresIn }, secret);
}

export async function signUploadToken(
  secret: string,
  url: string,
  owner: string | undefined,
  upsert: boolean,
  expiresIn = SIGNED_UPLOAD_URL_EXPIRY_SECONDS,
): Promise<string> {
  const iat = Math.floor(Date.now() / 1000);
  const claims: JwtClaims = { url, upsert, scope: 'upload', iat, exp: iat + expiresIn };
  if (owner) claims.owner = owner;
  return signJwt(claims, secret);
}

/**
 * Checks signature, expiry, scope and that the token was issued for exactly
 * `<bucket>/<objectName>`; errors as Storage's verifyObjectSignature.
 */
export async function verifyObjectToken(
  secret: string,
  token: string | undefined,
  bucket: string,
  objectName: string,
  scope: SignedUrlScope,
): Promise<SignedToken> {
  if (!token) throw ERRORS.invalidJwt('Missing token');
  let claims: JwtClaims;
  try {
    claims = await verifyJwt(token, secret);
  } catch (error) {
    if (error instanceof JwtError && error.reason === 'expired') throw ERRORS.expiredToken();
    throw ERRORS.invalidJwt(error instanceof Error ? error.message : undefined);
  }
  if (claims.scope !== scope || typeof claims.url !== 'string' || typeof claims.exp !== 'number') {
    throw ERRORS.invalidSignature(`Token is not scoped for ${scope}`);
  }
  if (claims.url !== `${bucket}/${objectName}`) throw ERRORS.invalidSignature();
  if (claims.exp * 1000 < Date.now()) throw ERRORS.expiredToken();
  return claims as SignedToken;
}
