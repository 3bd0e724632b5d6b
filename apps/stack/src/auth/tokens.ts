import { type AuthConfig, authBaseUrl } from './config.js';
import type { Queryable } from './db.js';
import {
  addAmrClaim,
  createSession,
  insertRefreshToken,
  listAmrClaims,
  type SessionRow,
} from './sessions-repo.js';
import { loadUserJson, type UserJson } from './user-json.js';
import { findUserById, touchLastSignIn, type UserRow } from './users-repo.js';

export interface AmrEntry {
  method: string;
  timestamp: number;
}

/** GoTrue's AccessTokenClaims, claim for claim. */
export interface AccessTokenClaims {
  iss: string;
  sub: string;
  aud: string;
  exp: number;
  iat: number;
  email: string;
  phone: string;
  app_metadata: Record<string, unknown>;
  user_metadata: Record<string, unknown>;
  role: string;
  aal: 'aal1' | 'aal2';
  amr: AmrEntry[];
  session_id: string;
  is_anonymous: boolean;
}

/** Session assurance from its AMR claims: a TOTP verification makes it AAL2. */
export async function sessionAssurance(q: Queryable, sessionId: string) {
  const claims = await listAmrClaims(q, sessionId);
  const amr = claims.map((c) => ({
    method: c.authentication_method,
    timestamp: Math.floor(c.updated_at.getTime() / 1000),
  }));
  const aal: 'aal1' | 'aal2' = amr.some((a) => a.method === 'totp') ? 'aal2' : 'aal1';
  return { aal, amr };
}

export async function signAccessToken(
  config: AuthConfig,
  user: UserRow,
  session: { id: string; aal: 'aal1' | 'aal2'; amr: AmrEntry[] },
  now = Math.floor(Date.now() / 1000),
) {
  const claims: AccessTokenClaims = {
    iss: authBaseUrl(config),
    sub: user.id,
    // A plain string, as GoTrue serialises a single audience.
    aud: user.aud ?? 'authenticated',
    exp: now + config.stack.jwtExpirySeconds,
    iat: now,
    email: user.email ?? '',
    phone: user.phone ?? '',
    app_metadata: user.raw_app_meta_data ?? {},
    user_metadata: user.raw_user_meta_data ?? {},
    role: user.role ?? 'authenticated',
    aal: session.aal,
    amr: session.amr,
    session_id: session.id,
    is_anonymous: user.is_anonymous,
  };
  return { token: await config.stack.jwtKeys.sign({ ...claims }), expiresAt: claims.exp };
}

/** tokens.AccessTokenResponse: what auth-js stores as a Session. */
export interface SessionResponse {
  access_token: string;
  token_type: 'bearer';
  expires_in: number;
  expires_at: number;
  refresh_token: string;
  user: UserJson;
  provider_token?: string;
  provider_refresh_token?: string;
  weak_password?: { reasons: string[]; message: string };
}

/** Signs an access token for an existing session and pairs it with its refresh token. */
export async function sessionResponse(
  q: Queryable,
  config: AuthConfig,
  user: UserRow,
  sessionId: string,
  refreshToken: string,
): Promise<SessionResponse> {
  const { aal, amr } = await sessionAssurance(q, sessionId);
  const { token, expiresAt } = await signAccessToken(config, user, { id: sessionId, aal, amr });
  return {
    access_token: token,
    token_type: 'bearer',
    expires_in: config.stack.jwtExpirySeconds,
    expires_at: expiresAt,
    refresh_token: refreshToken,
    user: await loadUserJson(q, user),
  };
}

export interface ClientInfo {
  ip: string;
  userAgent: string | undefined;
}

/**
 * A new sign-in: a session, its first refresh token and the AMR claim for `method`
 * ('password', 'oauth', …), then the access token. Run inside the caller's transaction.
 */
export async function issueSession(
  q: Queryable,
  config: AuthConfig,
  user: UserRow,
  method: string,
  client: ClientInfo,
): Promise<{ response: SessionResponse; session: SessionRow }> {
  const session = await createSession(q, user.id, client);
  const refresh = await insertRefreshToken(q, user.id, session.id, null);
  await addAmrClaim(q, session.id, method);
  await touchLastSignIn(q, user.id);
  const fresh = (await findUserById(q, user.id)) ?? user;
  return { response: await sessionResponse(q, config, fresh, session.id, refresh.token), session };
}
