import { type JwtClaims, JwtError, verifyJwt } from '../jwt.js';
import { ApiError } from './errors.js';

/** Who the request runs as (Auth.hs): the role to SET and the claims for request.jwt.claims. */
export interface AuthResult {
  role: string;
  claims: JwtClaims;
  /** The claims as JSON, with `role` set, for request.jwt.claims. */
  claimsJson: string;
}

export const ANON_ROLE = 'anon';

function jwtError(code: 'PGRST301' | 'PGRST303', message: string): ApiError {
  return new ApiError(401, code, message, null, null, {
    'WWW-Authenticate': `Bearer error="invalid_token", error_description=${JSON.stringify(message)}`,
  });
}

function decodeHeader(token: string): Record<string, unknown> | null {
  try {
    const header = token.split('.')[0] ?? '';
    return JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return null;
  }
}

const CACHE_SIZE = 1000;

/**
 * Verifies bearer tokens (HS256 with the project secret) and caches the result per token until
 * it expires, so the hot path does no cryptography.
 */
export class Authenticator {
  private readonly cache = new Map<string, { auth: AuthResult; exp: number }>();

  constructor(private readonly secret: string) {}

  async authenticate(token: string | undefined): Promise<AuthResult> {
    if (!token) return this.result({});
    const now = Date.now() / 1000;
    const cached = this.cache.get(token);
    if (cached) {
      if (cached.exp > now) return cached.auth;
      this.cache.delete(token);
      throw jwtError('PGRST303', 'JWT expired');
    }
    const parts = token.split('.').length;
    if (parts !== 3) throw jwtError('PGRST301', `Expected 3 parts in JWT; got ${parts}`);
    let claims: JwtClaims;
    try {
      claims = await verifyJwt(token, this.secret);
    } catch (error) {
      if (error instanceof JwtError && error.reason === 'expired') throw jwtError('PGRST303', 'JWT expired');
      const alg = decodeHeader(token)?.alg;
      if (alg !== undefined && alg !== 'HS256') {
        throw jwtError('PGRST301', 'Wrong or unsupported encoding algorithm');
      }
      throw jwtError('PGRST301', 'JWT cryptographic operation failed');
    }
    const auth = this.result(claims);
    const exp = typeof claims.exp === 'number' ? claims.exp : Number.POSITIVE_INFINITY;
    if (this.cache.size >= CACHE_SIZE) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
    this.cache.set(token, { auth, exp });
    return auth;
  }

  private result(claims: JwtClaims): AuthResult {
    const role = typeof claims.role === 'string' && claims.role !== '' ? claims.role : ANON_ROLE;
    const withRole = { ...claims, role };
    return { role, claims: withRole, claimsJson: JSON.stringify(withRole) };
  }
}
