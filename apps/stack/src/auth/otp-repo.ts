import { createHash, randomInt, randomUUID } from 'node:crypto';
import type { Queryable } from './db.js';
import type { UserColumn, UserRow } from './users-repo.js';

/** auth.one_time_token_type values for email. */
export type OneTimeTokenType =
  | 'confirmation_token'
  | 'recovery_token'
  | 'email_change_token_new'
  | 'email_change_token_current'
  | 'reauthentication_token';

/** A uniformly random code of `length` digits (GoTrue's GenerateOtp). */
export const generateOtp = (length: number) => String(randomInt(0, 10 ** length)).padStart(length, '0');

/** GoTrue's GenerateTokenHash: hex SHA-224 of the address followed by the code. */
export const tokenHash = (address: string, otp: string) =>
  createHash('sha224')
    .update(address + otp)
    .digest('hex');

/** PKCE links carry `pkce_<hash>`, so /verify knows to answer with a code instead of a session. */
export const PKCE_PREFIX = 'pkce_';

/**
 * Stores a token as GoTrue does: the hash on the user row and in auth.one_time_tokens (one per
 * user and type), with its sent_at column when there is one.
 */
export async function saveToken(
  q: Queryable,
  user: UserRow,
  type: OneTimeTokenType,
  hash: string,
  relatesTo: string,
  extra: Partial<Record<UserColumn, unknown>> = {},
) {
  const column: UserColumn = type;
  const fields = Object.entries({ [column]: hash, ...extra });
  const { rows } = await q.query(
    `update auth.users set ${fields.map(([name], i) => `${name} = $${i + 2}`).join(', ')}, updated_at = now()
     where id = $1 returning *`,
    [user.id, ...fields.map(([, value]) => value)],
  );
  await q.query('delete from auth.one_time_tokens where user_id = $1 and token_type = $2', [user.id, type]);
  await q.query(
    `insert into auth.one_time_tokens (id, user_id, token_type, token_hash, relates_to)
     values ($1, $2, $3, $4, $5)`,
    [randomUUID(), user.id, type, hash, relatesTo.toLowerCase()],
  );
  return rows[0] as UserRow;
}

/** Forgets tokens of the user (of some types, or all), on the row and in auth.one_time_tokens. */
export async function clearTokens(q: Queryable, userId: string, types: OneTimeTokenType[]) {
  await q.query(
    `update auth.users set ${types.map((t) => `${t} = ''`).join(', ')}, updated_at = now() where id = $1`,
    [userId],
  );
  await q.query(
    'delete from auth.one_time_tokens where user_id = $1 and token_type = any($2::auth.one_time_token_type[])',
    [userId, types],
  );
}

/** The user whose token of one of `types` is exactly `hash` (a link's token, prefix included). */
export async function findUserByToken(q: Queryable, types: OneTimeTokenType[], hash: string) {
  const { rows } = await q.query(
    `select * from auth.users where ${types.map((t) => `${t} = $1`).join(' or ')} for update`,
    [hash],
  );
  return rows[0] as UserRow | undefined;
}
