import { decodeJwt } from 'jose';
import { type JwtClaims, JwtError } from '../jwt.js';
import type { JwtKeys } from '../jwt-keys.js';

export type TokenCheck =
  | { ok: true; claims: JwtClaims; exp: number }
  | {
      ok: false;
      code: 'InvalidJWTToken' | 'MalformedJWT' | 'JwtSignatureError' | 'JwtSignerError';
      message: string;
    };

/** Realtime signs with the secret for any HS algorithm (JwtVerification's @hs_algorithms). */
const HMAC_ALGORITHMS = ['HS256', 'HS384', 'HS512'];

/**
 * Realtime's token rules (ChannelsAuthorization.authorize_conn): a JWT verified by the
 * project's keys (the JWKS by kid, else the secret for HS*), not expired, carrying `role`
 * and `exp`.
 */
export async function checkToken(raw: string, keys: JwtKeys): Promise<TokenCheck> {
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
    const claims = await keys.verify(token, { hmacAlgorithms: HMAC_ALGORITHMS });
    if (typeof claims.role !== 'string' || typeof claims.exp !== 'number')
      return { ok: false, code: 'InvalidJWTToken', message: 'Fields `role` and `exp` are required in JWT' };
    return { ok: true, claims, exp: Math.round(claims.exp) };
  } catch (error) {
    if (!(error instanceof JwtError)) return malformed;
    switch (error.reason) {
      case 'expired': {
        const exp = typeof peek.exp === 'number' ? peek.exp : 0;
        const ago = Math.floor(Date.now() / 1000) - Math.round(exp);
        return { ok: false, code: 'InvalidJWTToken', message: `Token has expired ${ago} seconds ago` };
      }
      case 'signature':
        return { ok: false, code: 'JwtSignatureError', message: 'Failed to validate JWT signature' };
      case 'key':
      case 'algorithm': {
        // No signer for this kid/algorithm (JwtVerification.generate_signer).
        const { kid } = error.header;
        const subject = kid === undefined ? '' : ` for key ID (kid) ${JSON.stringify(kid)}`;
        return {
          ok: false,
          code: 'JwtSignerError',
          message: `Failed to generate JWT signer${subject}, check your JWT secret or JWKS configuration`,
        };
      }
      default:
        return malformed;
    }
  }
}
