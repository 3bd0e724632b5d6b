import type { Context } from 'hono';
import type { StackContext } from '../context.js';
import { type JwtClaims, JwtError } from '../jwt.js';
import { ERRORS } from './errors.js';

/** Who a request runs as: the JWT's role and claims, or anon when a route allows no JWT. */
export interface Identity {
  role: string;
  claims: JwtClaims;
  /** The raw token (request.jwt); empty when there is none. */
  jwt: string;
  /** JWT `sub`: becomes objects.owner_id (and owner when it is a uuid). */
  sub?: string;
  authenticated: boolean;
}

export const ANON_IDENTITY: Identity = {
  role: 'anon',
  claims: { role: 'anon' },
  jwt: '',
  authenticated: false,
};

/** Storage's superuser access (public and signed-URL routes): service_role bypasses RLS. */
export const SERVICE_IDENTITY: Identity = {
  role: 'service_role',
  claims: { role: 'service_role' },
  jwt: '',
  authenticated: true,
};

/**
 * The caller's token. Kong puts no key-auth on /storage/v1 but its request-transformer turns
 * the apikey into Authorization when there is none, and swaps opaque sb_ keys for role JWTs.
 */
export function callerToken(c: Context, ctx: StackContext): string {
  const opaque = new Map([
    [ctx.keys.publishable, ctx.keys.anon],
    [ctx.keys.secret, ctx.keys.serviceRole],
  ]);
  const bearer = /^bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1];
  if (bearer && !bearer.startsWith('sb_')) return bearer;
  const apikey = c.req.header('apikey') ?? c.req.query('apikey') ?? bearer;
  if (!apikey) return '';
  return opaque.get(apikey) ?? apikey;
}

/**
 * Verifies the caller's JWT as Storage's jwt plugin does: an invalid or missing token is
 * AccessDenied (HTTP 400, statusCode 403) unless the route allows it, then the caller is anon.
 */
export async function authenticate(
  c: Context,
  ctx: StackContext,
  options: { allowInvalidJwt?: boolean } = {},
): Promise<Identity> {
  const jwt = callerToken(c, ctx);
  if (!jwt && options.allowInvalidJwt) return ANON_IDENTITY;
  try {
    const claims = await ctx.config.jwtKeys.verify(jwt);
    const role = typeof claims.role === 'string' && claims.role ? claims.role : 'anon';
    const sub = typeof claims.sub === 'string' && claims.sub ? claims.sub : undefined;
    return { role, claims, jwt, sub, authenticated: true };
  } catch (error) {
    if (options.allowInvalidJwt) return ANON_IDENTITY;
    // storage-api passes jose's message on: "Invalid Compact JWS", "signature verification failed", …
    throw ERRORS.accessDenied(error instanceof JwtError ? error.detail : 'invalid JWT');
  }
}

/** Storage's enforceJwtRole: these answer with a real HTTP 403. */
export function requireRole(identity: Identity, roles: string[]): void {
  if (!identity.authenticated) {
    throw ERRORS.accessDenied('Access denied: JWT is not authenticated').withHttpStatus(403);
  }
  if (!roles.includes(identity.role)) {
    throw ERRORS.accessDenied('Access denied: Invalid role').withHttpStatus(403);
  }
}
