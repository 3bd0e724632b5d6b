import type { MiddlewareHandler } from 'hono';
import type { StackContext } from '../context.js';
import { type JwtClaims, JwtError } from '../jwt.js';
import type { JwtKeys } from '../jwt-keys.js';
import type { AuthConfig } from './config.js';
import { isUuid } from './db.js';
import { AuthApiError, forbidden, notFound } from './errors.js';
import { type FactorRow, findFactor } from './mfa-repo.js';
import { findSession, type SessionRow } from './sessions-repo.js';
import { findUserById, type UserRow } from './users-repo.js';

/** Hono variables: `bearer` from the gateway, the rest set by the middleware below. */
export interface AuthEnv {
  Variables: {
    bearer: string;
    claims: JwtClaims;
    user: UserRow;
    session: SessionRow | undefined;
    factor: FactorRow;
    /** The user an /admin/users/:id route acts on. */
    target: UserRow;
  };
}

type Handler = MiddlewareHandler<AuthEnv>;

/** golang-jwt's words for a refused token, as GoTrue puts them after "unable to parse or verify signature, ". */
function refusal(error: unknown): string {
  if (!(error instanceof JwtError)) return 'token is malformed';
  const { alg, kid } = error.header;
  switch (error.reason) {
    case 'expired':
      return 'token has invalid claims: token is expired';
    case 'algorithm':
      return `token signature is invalid: signing method ${alg} is invalid`;
    case 'key':
      return `token is unverifiable: error while executing keyfunc: unrecognized JWT kid ${kid ?? '<nil>'} for algorithm ${alg}`;
    case 'signature':
      return `token signature is invalid: ${
        alg?.startsWith('ES')
          ? 'crypto/ecdsa: verification error'
          : alg?.startsWith('RS')
            ? 'crypto/rsa: verification error'
            : 'signature is invalid'
      }`;
    default:
      return 'token is malformed';
  }
}

/**
 * GoTrue's parseJWTClaims: a non-Bearer Authorization is 401 no_authorization; a token that
 * fails verification (forged, unknown key, expired) is 403 bad_jwt.
 */
async function verifiedClaims(
  authorization: string | undefined,
  bearer: string,
  keys: JwtKeys,
): Promise<JwtClaims> {
  if (authorization !== undefined && !/^bearer\s+\S+$/i.test(authorization.trim())) {
    throw new AuthApiError(401, 'no_authorization', 'This endpoint requires a valid Bearer token');
  }
  if (!bearer) throw new AuthApiError(401, 'no_authorization', 'This endpoint requires a valid Bearer token');
  try {
    return await keys.verify(bearer);
  } catch (error) {
    throw forbidden('bad_jwt', `invalid JWT: unable to parse or verify signature, ${refusal(error)}`);
  }
}

/** requireAuthentication: a valid user JWT whose user and session still exist; banned users are refused. */
export const requireUser =
  (ctx: StackContext, config: AuthConfig): Handler =>
  async (c, next) => {
    const claims = await verifiedClaims(c.req.header('authorization'), c.get('bearer'), config.stack.jwtKeys);
    const sub = typeof claims.sub === 'string' ? claims.sub : '';
    if (!sub) throw forbidden('bad_jwt', 'invalid claim: missing sub claim');
    if (!isUuid(sub)) throw new AuthApiError(400, 'bad_jwt', 'invalid claim: sub claim must be a UUID');
    const user = await findUserById(ctx.db.auth, sub);
    if (!user || user.deleted_at)
      throw forbidden('user_not_found', 'User from sub claim in JWT does not exist');
    const sessionId = typeof claims.session_id === 'string' ? claims.session_id : '';
    let session: SessionRow | undefined;
    if (sessionId && sessionId !== '00000000-0000-0000-0000-000000000000') {
      if (!isUuid(sessionId)) throw forbidden('bad_jwt', 'invalid claim: session_id claim must be a UUID');
      session = await findSession(ctx.db.auth, sessionId);
      if (!session || session.user_id !== user.id) {
        throw forbidden('session_not_found', 'Session from session_id claim in JWT does not exist');
      }
    }
    if (user.banned_until && user.banned_until.getTime() > Date.now()) {
      throw forbidden('user_banned', 'User is banned');
    }
    c.set('claims', claims);
    c.set('user', user);
    c.set('session', session);
    await next();
  };

/** MFA routes need a real session and a non-anonymous user. */
export const requireSessionUser: Handler = async (c, next) => {
  if (c.get('claims').is_anonymous === true) {
    throw forbidden('no_authorization', 'Anonymous user not allowed to perform these actions');
  }
  if (!c.get('session')) throw forbidden('session_not_found', 'A valid session is required');
  await next();
};

/** requireAdminCredentials: the JWT's role must be an admin role (service_role). */
export const requireAdmin =
  (config: AuthConfig): Handler =>
  async (c, next) => {
    const claims = await verifiedClaims(c.req.header('authorization'), c.get('bearer'), config.stack.jwtKeys);
    if (!config.adminRoles.includes(String(claims.role ?? ''))) {
      throw forbidden('not_admin', 'User not allowed');
    }
    c.set('claims', claims);
    await next();
  };

/** loadFactor: the :factorId of the signed-in user. */
export const loadOwnFactor =
  (ctx: StackContext): Handler =>
  async (c, next) => {
    const id = c.req.param('factorId') ?? '';
    const factor = isUuid(id) ? await findFactor(ctx.db.auth, id) : undefined;
    if (!factor || factor.user_id !== c.get('user').id) {
      throw notFound('mfa_factor_not_found', 'Factor not found');
    }
    c.set('factor', factor);
    await next();
  };

/** loadUser for admin routes: the :userId user. */
export const loadTargetUser =
  (ctx: StackContext): Handler =>
  async (c, next) => {
    const id = c.req.param('userId') ?? '';
    if (!isUuid(id)) throw notFound('validation_failed', 'user_id must be an UUID');
    const user = await findUserById(ctx.db.auth, id);
    if (!user) throw notFound('user_not_found', 'User not found');
    c.set('target', user);
    await next();
  };
