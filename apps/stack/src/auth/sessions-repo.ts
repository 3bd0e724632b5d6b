import { randomInt, randomUUID } from 'node:crypto';
import { NIL_UUID, type Queryable } from './db.js';

export interface SessionRow {
  id: string;
  user_id: string;
  created_at: Date;
  updated_at: Date;
  factor_id: string | null;
  aal: 'aal1' | 'aal2' | 'aal3' | null;
  not_after: Date | null;
  user_agent: string | null;
  ip: string | null;
}

export interface RefreshTokenRow {
  id: string;
  token: string;
  user_id: string;
  revoked: boolean;
  created_at: Date;
  updated_at: Date;
  parent: string | null;
  session_id: string;
}

export interface AmrClaimRow {
  authentication_method: string;
  updated_at: Date;
}

const ALPHANUMERIC = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** Opaque refresh tokens, like GoTrue's SecureAlphanumeric but longer (~143 bits). */
export function newRefreshToken(length = 24): string {
  let token = '';
  for (let i = 0; i < length; i++) token += ALPHANUMERIC[randomInt(ALPHANUMERIC.length)];
  return token;
}

export async function createSession(
  q: Queryable,
  userId: string,
  client: { ip: string; userAgent: string | undefined },
): Promise<SessionRow> {
  const { rows } = await q.query(
    `insert into auth.sessions (id, user_id, created_at, updated_at, aal, user_agent, ip)
     values ($1, $2, now(), now(), 'aal1', $3, $4) returning *`,
    [randomUUID(), userId, client.userAgent ?? null, inetOrNull(client.ip)],
  );
  return rows[0] as SessionRow;
}

/** auth.sessions.ip is inet: anything unparsable (or empty) is stored as null. */
const inetOrNull = (ip: string) => (/^[0-9a-f:.]+$/i.test(ip) ? ip : null);

export const findSession = async (q: Queryable, id: string, forUpdate = false) =>
  (await q.query(`select * from auth.sessions where id = $1${forUpdate ? ' for update' : ''}`, [id]))
    .rows[0] as SessionRow | undefined;

export const markSessionRefreshed = (q: Queryable, id: string) =>
  q.query('update auth.sessions set refreshed_at = now(), updated_at = now() where id = $1', [id]);

export const setSessionAal = (q: Queryable, id: string, aal: 'aal1' | 'aal2', factorId: string | null) =>
  q.query('update auth.sessions set aal = $2, factor_id = $3, updated_at = now() where id = $1', [
    id,
    aal,
    factorId,
  ]);

/** Deleting a session cascades to its refresh tokens and AMR claims. */
export const deleteSession = (q: Queryable, id: string) =>
  q.query('delete from auth.sessions where id = $1', [id]);

export const deleteUserSessions = (q: Queryable, userId: string, exceptSessionId?: string) =>
  q.query('delete from auth.sessions where user_id = $1 and id is distinct from $2', [
    userId,
    exceptSessionId ?? null,
  ]);

/** After an AAL2 verification, sessions of lower assurance are ended (GoTrue does the same). */
export const deleteSessionsBelowAal2 = (q: Queryable, userId: string) =>
  q.query("delete from auth.sessions where user_id = $1 and (aal is null or aal = 'aal1')", [userId]);

export const insertRefreshToken = async (
  q: Queryable,
  userId: string,
  sessionId: string,
  parent: string | null,
) =>
  (
    await q.query(
      `insert into auth.refresh_tokens (instance_id, token, user_id, revoked, created_at, updated_at, parent, session_id)
       values ($1, $2, $3, false, now(), now(), $4, $5) returning *`,
      [NIL_UUID, newRefreshToken(), userId, parent, sessionId],
    )
  ).rows[0] as RefreshTokenRow;

export const findRefreshToken = async (q: Queryable, token: string, forUpdate = false) =>
  (
    await q.query(`select * from auth.refresh_tokens where token = $1${forUpdate ? ' for update' : ''}`, [
      token,
    ])
  ).rows[0] as RefreshTokenRow | undefined;

/** The newest unrevoked token of a session: the one its client should hold. */
export const findActiveRefreshToken = async (q: Queryable, sessionId: string) =>
  (
    await q.query(
      `select * from auth.refresh_tokens where session_id = $1 and revoked = false
       order by id desc limit 1`,
      [sessionId],
    )
  ).rows[0] as RefreshTokenRow | undefined;

export const revokeRefreshToken = (q: Queryable, id: string) =>
  q.query('update auth.refresh_tokens set revoked = true, updated_at = now() where id = $1', [id]);

/** Records how the session was authenticated (one row per method; re-use bumps its time). */
export const addAmrClaim = (q: Queryable, sessionId: string, method: string) =>
  q.query(
    `insert into auth.mfa_amr_claims (session_id, created_at, updated_at, authentication_method, id)
     values ($1, now(), now(), $2, $3)
     on conflict (session_id, authentication_method) do update set updated_at = now()`,
    [sessionId, method, randomUUID()],
  );

export const listAmrClaims = async (q: Queryable, sessionId: string) =>
  (
    await q.query(
      `select authentication_method, updated_at from auth.mfa_amr_claims
       where session_id = $1 order by updated_at desc`,
      [sessionId],
    )
  ).rows as AmrClaimRow[];

/** Drops every refresh token of a session, so tokens from before an AAL change cannot be replayed. */
export const deleteSessionRefreshTokens = (q: Queryable, sessionId: string) =>
  q.query('delete from auth.refresh_tokens where session_id = $1', [sessionId]);
