import { randomUUID } from 'node:crypto';
import type { Queryable } from './db.js';

/** auth.flow_state: one OAuth redirect round trip, and the PKCE code it may end in. */
export interface FlowStateRow {
  id: string;
  user_id: string | null;
  auth_code: string | null;
  code_challenge_method: 's256' | 'plain' | null;
  code_challenge: string | null;
  provider_type: string;
  provider_access_token: string | null;
  provider_refresh_token: string | null;
  created_at: Date;
  updated_at: Date;
  authentication_method: string;
  auth_code_issued_at: Date | null;
  referrer: string | null;
  /** The signed-in user a manual linking flow adds the identity to. */
  linking_target_id: string | null;
}

export const insertFlowState = async (
  q: Queryable,
  f: {
    providerType: string;
    authenticationMethod: string;
    codeChallenge: string | null;
    codeChallengeMethod: 's256' | 'plain' | null;
    referrer: string;
    linkingTargetId?: string;
    /** Email flows know their user from the start (GoTrue's generateFlowState with a user id). */
    userId?: string;
  },
) =>
  (
    await q.query(
      `insert into auth.flow_state (id, auth_code, code_challenge_method, code_challenge, provider_type,
         created_at, updated_at, authentication_method, referrer, linking_target_id, user_id)
       values ($1, $2, $3, $4, $5, now(), now(), $6, $7, $8, $9) returning *`,
      [
        randomUUID(),
        randomUUID(),
        f.codeChallengeMethod,
        f.codeChallenge,
        f.providerType,
        f.authenticationMethod,
        f.referrer,
        f.linkingTargetId ?? null,
        f.userId ?? null,
      ],
    )
  ).rows[0] as FlowStateRow;

export const findFlowState = async (q: Queryable, id: string, forUpdate = false) =>
  (await q.query(`select * from auth.flow_state where id = $1${forUpdate ? ' for update' : ''}`, [id]))
    .rows[0] as FlowStateRow | undefined;

export const findFlowStateByAuthCode = async (q: Queryable, authCode: string) =>
  (await q.query('select * from auth.flow_state where auth_code = $1 for update', [authCode])).rows[0] as
    | FlowStateRow
    | undefined;

/** The PKCE flow's callback binds the user and starts the auth code's lifetime. */
export const bindFlowStateUser = (
  q: Queryable,
  id: string,
  userId: string,
  providerAccessToken: string,
  providerRefreshToken: string,
) =>
  q.query(
    `update auth.flow_state set user_id = $2, provider_access_token = $3, provider_refresh_token = $4,
       auth_code_issued_at = now(), updated_at = now() where id = $1`,
    [id, userId, providerAccessToken, providerRefreshToken],
  );

export const deleteFlowState = (q: Queryable, id: string) =>
  q.query('delete from auth.flow_state where id = $1', [id]);

/**
 * GoTrue's issueAuthCode for email links: the user's newest flow state of that method starts
 * its auth code's lifetime; the code is then exchanged at /token?grant_type=pkce.
 */
export async function issueEmailAuthCode(q: Queryable, userId: string, method: string) {
  const { rows } = await q.query(
    `update auth.flow_state set auth_code_issued_at = now(), updated_at = now()
     where id = (select id from auth.flow_state where user_id = $1 and authentication_method = $2
                 order by created_at desc limit 1)
     returning auth_code`,
    [userId, method],
  );
  return (rows[0] as { auth_code: string } | undefined)?.auth_code;
}
