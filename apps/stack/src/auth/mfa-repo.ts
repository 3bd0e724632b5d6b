import { randomUUID } from 'node:crypto';
import type { Queryable } from './db.js';

export interface FactorRow {
  id: string;
  user_id: string;
  friendly_name: string | null;
  factor_type: 'totp' | 'webauthn' | 'phone';
  status: 'unverified' | 'verified';
  created_at: Date;
  updated_at: Date;
  secret: string | null;
  phone: string | null;
  last_challenged_at: Date | null;
}

export interface ChallengeRow {
  id: string;
  factor_id: string;
  created_at: Date;
  verified_at: Date | null;
  ip_address: string;
}

export const listFactors = async (q: Queryable, userId: string) =>
  (await q.query('select * from auth.mfa_factors where user_id = $1 order by created_at, id', [userId]))
    .rows as FactorRow[];

export const findFactor = async (q: Queryable, id: string) =>
  (await q.query('select * from auth.mfa_factors where id = $1', [id])).rows[0] as FactorRow | undefined;

export const insertTotpFactor = async (q: Queryable, userId: string, friendlyName: string, secret: string) =>
  (
    await q.query(
      `insert into auth.mfa_factors (id, user_id, friendly_name, factor_type, status, created_at, updated_at, secret)
       values ($1, $2, $3, 'totp', 'unverified', now(), now(), $4) returning *`,
      [randomUUID(), userId, friendlyName, secret],
    )
  ).rows[0] as FactorRow;

export const markFactorVerified = (q: Queryable, id: string) =>
  q.query("update auth.mfa_factors set status = 'verified', updated_at = now() where id = $1", [id]);

export const deleteFactor = (q: Queryable, id: string) =>
  q.query('delete from auth.mfa_factors where id = $1', [id]);

export const deleteUnverifiedFactors = (q: Queryable, userId: string, type: string) =>
  q.query("delete from auth.mfa_factors where user_id = $1 and factor_type = $2 and status = 'unverified'", [
    userId,
    type,
  ]);

/** Sessions that were raised to AAL2 with a removed factor fall back to AAL1. */
export async function downgradeSessionsOfFactor(q: Queryable, factorId: string) {
  const { rows } = await q.query(
    "update auth.sessions set aal = 'aal1', factor_id = null, updated_at = now() where factor_id = $1 returning id",
    [factorId],
  );
  const ids = rows.map((r) => (r as { id: string }).id);
  if (ids.length) {
    await q.query(
      "delete from auth.mfa_amr_claims where session_id = any($1::uuid[]) and authentication_method = 'totp'",
      [ids],
    );
  }
}

export async function insertChallenge(q: Queryable, factorId: string, ip: string): Promise<ChallengeRow> {
  const { rows } = await q.query(
    `insert into auth.mfa_challenges (id, factor_id, created_at, ip_address)
     values ($1, $2, now(), $3) returning id, factor_id, created_at, verified_at, host(ip_address) as ip_address`,
    [randomUUID(), factorId, ip],
  );
  // last_challenged_at is unique; clock_timestamp keeps two challenges in one transaction apart.
  await q.query('update auth.mfa_factors set last_challenged_at = clock_timestamp() where id = $1', [
    factorId,
  ]);
  return rows[0] as ChallengeRow;
}

export const findChallenge = async (q: Queryable, factorId: string, id: string) =>
  (
    await q.query(
      `select id, factor_id, created_at, verified_at, host(ip_address) as ip_address
       from auth.mfa_challenges where id = $1 and factor_id = $2`,
      [id, factorId],
    )
  ).rows[0] as ChallengeRow | undefined;

export const markChallengeVerified = (q: Queryable, id: string) =>
  q.query('update auth.mfa_challenges set verified_at = now() where id = $1', [id]);

export const deleteChallenge = (q: Queryable, id: string) =>
  q.query('delete from auth.mfa_challenges where id = $1', [id]);
