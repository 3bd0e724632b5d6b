import { decodeJwt, errors, jwtVerify } from 'jose';
import type { JwtClaims } from '../jwt.js';

export type TokenCheck =
  | { ok: true; claims: JwtClaims; exp: number }
  | { ok: false; code: 'InvalidJWTToken' | 'MalformedJWT' | 'JwtSignatureError'; message: string };

/**
 * Realtime's token rules (ChannelsAuthorization.authorize_conn): a valid HS JWT signed
 * with the project secret, not expired, carrying `role` and `exp`.
 */
export async function checkToken(raw: string, secret: string): Promise<TokenCheck> {
  let token = raw;
  try {
    token = decodeURIComponent(raw);
  } catch {
    // keep it as sent
  }
  token = token.replace(/\s/g, '');
  const malformed = {
    ok: false,
    code: 'MalformedJWT',
    message: 'The token provided is not a valid JWT',
  } as const;
  let peek: JwtClaims;
  try {
    peek = decodeJwt(token) as JwtClaims;
  } catch {
    return malformed;
  }
  try {
    const { payload } = await jwtVerify(token, new TextEncoder().encode(secret), {
      algorithms: ['HS256', 'HS384', 'HS512'],
    });
    const claims = payload as JwtClaims;
    if (typeof claims.role !== 'string' || typeof claims.exp !== 'number')
      return { ok: false, code: 'InvalidJWTToken', message: 'Fields `role` and `exp` are required in JWT' };
    return { ok: true, claims, exp: Math.round(claims.exp) };
  } catch (error) {
    if (error instanceof errors.JWTExpired) {
      const exp = typeof peek.exp === 'number' ? peek.exp : 0;
      const ago = Math.floor(Date.now() / 1000) - Math.round(exp);
      return { ok: false, code: 'InvalidJWTToken', message: `Token has expired ${ago} seconds ago` };
    }
    if (error instanceof errors.JWSSignatureVerificationFailed || error instanceof errors.JOSEAlgNotAllowed)
      return { ok: false, code: 'JwtSignatureError', message: 'Failed to validate JWT signature' };
    return malformed;
  }
}
