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

export function assertValidExpiry(expiresIn: unknown): asserts expiresIn is number {
  if (typeof expiresIn !== 'number' || !Number.isFinite(expiresIn) || expiresIn < 1) {
    throw ERRORS.invalidParameter('expiresIn', 'expiresIn must be a positive number of seconds');
  }
}

export async function signDownloadToken(secret: string, url: string, expiresIn: number): Promise<string> {
  const iat = Math.floor(Date.now() / 1000);
  return signJwt({ url, scope: 'download', iat, exp: iat + Math.floor(expiresIn) }, secret);
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
