import { createHash, timingSafeEqual } from 'node:crypto';
import type pg from 'pg';
import { transaction } from './db.js';
import type { AuthContext, AuthDeps } from './deps.js';
import { idTokenGrantDisabled, web3Disabled } from './disabled.js';
import { AuthApiError, badRequest, notFound, OAuthError, unprocessable } from './errors.js';
import { deleteFlowState, findFlowStateByAuthCode } from './flow-repo.js';
import { passwordWeakness, verifyPassword, weakPasswordMessage } from './password.js';
import { clientInfo, readBody, str } from './request.js';
import {
  deleteSession,
  findActiveRefreshToken,
  findRefreshToken,
  findSession,
  insertRefreshToken,
  markSessionRefreshed,
  revokeRefreshToken,
} from './sessions-repo.js';
import { issueSession, type SessionResponse, sessionResponse } from './tokens.js';
import { audit, findUserByEmail, findUserById, type UserRow } from './users-repo.js';

const isBanned = (u: UserRow) => u.banned_until !== null && u.banned_until.getTime() > Date.now();

/** POST /token?grant_type=password|refresh_token|pkce */
export const token = (d: AuthDeps) => async (c: AuthContext) => {
  const body = await readBody(c);
  const grantType = c.req.query('grant_type') ?? str(body, 'grant_type');
  let session: SessionResponse;
  switch (grantType) {
    case 'password':
      session = await passwordGrant(d, c, body);
      break;
    case 'refresh_token':
      d.limits.tokenRefresh.check(clientInfo(c, d.config).ip);
      session = await refreshTokenGrant(d, c, str(body, 'refresh_token'));
      break;
    case 'pkce':
      d.limits.tokenRefresh.check(clientInfo(c, d.config).ip);
      session = await pkceGrant(d, c, str(body, 'auth_code'), str(body, 'code_verifier'));
      break;
    case 'id_token':
      return idTokenGrantDisabled(c);
    case 'web3':
      return web3Disabled();
    default:
      throw badRequest('invalid_credentials', 'unsupported_grant_type');
  }
  c.header('sb-auth-user-id', session.user.id);
  return c.json(session);
};

/**
 * Email and password (phone logins are disabled, as in GoTrue without an SMS provider). Unknown accounts, accounts without a password and wrong
 * passwords all get the same 400 invalid_credentials after a bcrypt comparison of the same cost.
 */
async function passwordGrant(d: AuthDeps, c: AuthContext, body: Record<string, unknown>) {
  const { ctx, config } = d;
  const email = str(body, 'email').trim().toLowerCase();
  const phone = str(body, 'phone').trim();
  const password = str(body, 'password');
  const client = clientInfo(c, config);
  d.limits.signInByIp.check(client.ip);
  if (email && phone) {
    throw badRequest(
      'validation_failed',
      'Only an email address or phone number should be provided on login.',
    );
  }
  if (phone) throw unprocessable('phone_provider_disabled', 'Phone logins are disabled');
  if (!email) throw badRequest('validation_failed', 'missing email or phone');
  d.limits.signInByEmail.check(email);

  const found = await findUserByEmail(ctx.db.auth, email);
  const user = found?.deleted_at ? undefined : found;
  const ok = await verifyPassword(password, user?.encrypted_password);
  if (!user || !ok) throw badRequest('invalid_credentials', 'Invalid login credentials');
  // Checked after the password so a ban is not revealed to someone who does not know it.
  if (isBanned(user)) throw badRequest('user_banned', 'User is banned');
  if (!user.email_confirmed_at) throw badRequest('email_not_confirmed', 'Email not confirmed');

  const response = await transaction(ctx.db.auth, async (tx) => {
    await audit(tx, 'login', user, client.ip, { provider: 'email' });
    return (await issueSession(tx, config, user, 'password', client)).response;
  });
  const reasons = passwordWeakness(password, config.minPasswordLength);
  if (reasons.length)
    response.weak_password = { reasons, message: weakPasswordMessage(config.minPasswordLength) };
  return response;
}

/**
 * Rotation as in GoTrue's tokens service: each use revokes the token and issues its child.
 * Presenting a revoked token is tolerated when it is the parent of the session's active token or
 * was revoked within refresh_token_reuse_interval (the client lost a response): the active
 * token is returned. Any other reuse ends the session, so the whole token family dies.
 */
async function refreshTokenGrant(d: AuthDeps, c: AuthContext, presented: string) {
  const { ctx, config } = d;
  if (!presented) throw new OAuthError('invalid_request', 'refresh_token required');
  const client = clientInfo(c, config);
  const outcome = await transaction(ctx.db.auth, async (tx) => {
    const token = await findRefreshToken(tx, presented, true);
    if (!token) throw badRequest('refresh_token_not_found', 'Invalid Refresh Token: Refresh Token Not Found');
    const session = await findSession(tx, token.session_id, true);
    if (!session) throw badRequest('session_not_found', 'Invalid Refresh Token: No Valid Session Found');
    const user = await findUserById(tx, session.user_id);
    if (!user || user.deleted_at) {
      throw badRequest('refresh_token_not_found', 'Invalid Refresh Token: Refresh Token Not Found');
    }
    if (isBanned(user)) throw badRequest('user_banned', 'Invalid Refresh Token: User Banned');
    if (session.not_after && session.not_after.getTime() < Date.now()) {
      throw badRequest('session_expired', 'Invalid Refresh Token: Session Expired');
    }

    let issued: string;
    if (token.revoked) {
      const active = await findActiveRefreshToken(tx, session.id);
      const reuseUntil = token.updated_at.getTime() + config.refreshTokenReuseInterval * 1000;
      if (active && (active.parent === token.token || Date.now() <= reuseUntil)) {
        issued = active.token;
      } else {
        await deleteSession(tx, session.id);
        await audit(tx, 'token_revoked', user, client.ip, { reason: 'refresh token reuse' });
        return { reused: true as const };
      }
    } else {
      await revokeRefreshToken(tx, token.id);
      issued = (await insertRefreshToken(tx, user.id, session.id, token.token)).token;
      await markSessionRefreshed(tx, session.id);
    }
    await audit(tx, 'token_refreshed', user, client.ip);
    c.header('sb-auth-session-id', session.id);
    return { response: await sessionResponse(tx, config, user, session.id, issued) };
  });
  // Thrown after the commit: the revocation must stick.
  if ('reused' in outcome)
    throw badRequest('refresh_token_already_used', 'Invalid Refresh Token: Already Used');
  return outcome.response;
}

/** Code exchange for the PKCE flow: the verifier must hash to the challenge sent to /authorize. */
async function pkceGrant(d: AuthDeps, c: AuthContext, authCode: string, verifier: string) {
  const { ctx, config } = d;
  if (!authCode || !verifier) {
    throw badRequest(
      'validation_failed',
      'invalid request: both auth code and code verifier should be non-empty',
    );
  }
  const client = clientInfo(c, config);
  return transaction(ctx.db.auth, async (tx: pg.PoolClient) => {
    const flow = await findFlowStateByAuthCode(tx, authCode);
    if (!flow?.user_id)
      throw notFound('flow_state_not_found', 'invalid flow state, no valid flow state found');
    const started = (flow.auth_code_issued_at ?? flow.created_at).getTime();
    if (Date.now() > started + config.flowStateExpiry * 1000) {
      throw unprocessable('flow_state_expired', 'invalid flow state, flow state has expired');
    }
    if (!verifierMatches(flow.code_challenge ?? '', flow.code_challenge_method, verifier)) {
      throw badRequest('bad_code_verifier', 'code challenge does not match previously saved code verifier');
    }
    const user = await findUserById(tx, flow.user_id);
    if (!user) throw notFound('flow_state_not_found', 'invalid flow state, no valid flow state found');
    if (isBanned(user)) throw new AuthApiError(400, 'user_banned', 'User is banned');
    await audit(tx, 'login', user, client.ip, { provider_type: flow.provider_type });
    const { response } = await issueSession(tx, config, user, flow.authentication_method, client);
    if (flow.provider_access_token) response.provider_token = flow.provider_access_token;
    if (flow.provider_refresh_token) response.provider_refresh_token = flow.provider_refresh_token;
    await deleteFlowState(tx, flow.id);
    return response;
  });
}

function verifierMatches(challenge: string, method: string | null, verifier: string): boolean {
  const computed = method === 'plain' ? verifier : createHash('sha256').update(verifier).digest('base64url');
  const a = Buffer.from(computed);
  const b = Buffer.from(challenge);
  return a.length === b.length && timingSafeEqual(a, b);
}
