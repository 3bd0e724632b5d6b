import { type JwtClaims, JwtError } from '../jwt.js';
import type { JwtKeys } from '../jwt-keys.js';
import { ApiError } from './errors.js';

/** Who the request runs as (Auth.hs): the role to SET and the claims for request.jwt.claims. */
export interface AuthResult {
  role: string;
  claims: JwtClaims;
  /** The claims as JSON, with `role` set, for request.jwt.claims. */
  claimsJson: string;
}

export const ANON_ROLE = 'anon';

function jwtError(code: 'PGRST301' | 'PGRST303', message: string, details: string | null = null): ApiError {
  return new ApiError(401, code, message, details, null, {
    'WWW-Authenticate': `Bearer error="invalid_token", error_description=${JSON.stringify(message)}`,
  });
}

/** PostgREST's JwtDecodeError for a token its JWK set refuses (jose-jwt's decode errors). */
function decodeError(error: unknown): ApiError {
  const reason = error instanceof JwtError ? error.reason : 'invalid';
  if (reason === 'expired') return jwtError('PGRST303', 'JWT expired');
  if (reason === 'algorithm') return jwtError('PGRST301', 'Wrong or unsupported encoding algorithm');
  if (reason === 'key') {
    return jwtError(
      'PGRST301',
      'No suitable key or wrong key type',
      'No suitable key was found to decode the JWT',
    );
  }
  return jwtError('PGRST301', 'JWT cryptographic operation failed');
}

const CACHE_SIZE = 1000;

/**
 * Verifies bearer tokens (the project's JWT keys: HS256 secret, signing keys by kid) and caches
 * the result per token until it expires, so the hot path does no cryptography.
 */
export class Authenticator {
  private readonly cache = new Map<string, { auth: AuthResult; exp: number }>();

  constructor(private readonly keys: JwtKeys) {}

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
      claims = await this.keys.verify(token);
    } catch (error) {
      throw decodeError(error);
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
