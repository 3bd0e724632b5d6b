import { randomUUID } from 'node:crypto';
import { NIL_UUID, type Queryable } from './db.js';

export type Json = Record<string, unknown>;

/** An auth.users row, as the columns GoTrue reads. */
export interface UserRow {
  id: string;
  aud: string | null;
  role: string | null;
  email: string | null;
  encrypted_password: string | null;
  email_confirmed_at: Date | null;
  invited_at: Date | null;
  confirmation_sent_at: Date | null;
  recovery_sent_at: Date | null;
  email_change: string | null;
  email_change_sent_at: Date | null;
  last_sign_in_at: Date | null;
  raw_app_meta_data: Json | null;
  raw_user_meta_data: Json | null;
  created_at: Date;
  updated_at: Date;
  phone: string | null;
  phone_confirmed_at: Date | null;
  phone_change: string | null;
  phone_change_sent_at: Date | null;
  confirmed_at: Date | null;
  banned_until: Date | null;
  reauthentication_sent_at: Date | null;
  is_sso_user: boolean;
  deleted_at: Date | null;
  is_anonymous: boolean;
  /** One-time token hashes (GoTrue keeps them on the user row as well as in auth.one_time_tokens). */
  confirmation_token?: string | null;
  recovery_token?: string | null;
  email_change_token_new?: string | null;
  email_change_token_current?: string | null;
  email_change_confirm_status?: number | null;
  reauthentication_token?: string | null;
}

export interface IdentityRow {
  id: string;
  provider_id: string;
  user_id: string;
  identity_data: Json;
  provider: string;
  last_sign_in_at: Date | null;
  created_at: Date | null;
  updated_at: Date | null;
  email: string | null;
}

const one = async <T>(q: Queryable, sql: string, params: unknown[]): Promise<T | undefined> =>
  (await q.query(sql, params)).rows[0] as T | undefined;

export const findUserById = (q: Queryable, id: string, forUpdate = false) =>
  one<UserRow>(q, `select * from auth.users where id = $1${forUpdate ? ' for update' : ''}`, [id]);

/** Regular (non-SSO) accounts own their address, as users_email_partial_key enforces. */
export const findUserByEmail = (q: Queryable, email: string) =>
  one<UserRow>(q, 'select * from auth.users where lower(email) = lower($1) and is_sso_user = false', [email]);

export const findUserByPhone = (q: Queryable, phone: string) =>
  one<UserRow>(q, 'select * from auth.users where phone = $1', [phone]);

export interface NewUser {
  id?: string;
  email: string | null;
  phone?: string | null;
  encryptedPassword: string;
  appMetadata: Json;
  userMetadata: Json;
  role?: string;
  emailConfirmed: boolean;
  confirmationSent?: boolean;
  isAnonymous?: boolean;
}

/** Inserting fires the profile trigger, which may reject the metadata's username. */
export const insertUser = (q: Queryable, u: NewUser) =>
  one<UserRow>(
    q,
    `insert into auth.users (instance_id, id, aud, role, email, phone, encrypted_password,
       email_confirmed_at, confirmation_sent_at, raw_app_meta_data, raw_user_meta_data,
       is_super_admin, created_at, updated_at, is_sso_user, is_anonymous,
       confirmation_token, recovery_token, email_change_token_new, email_change)
     values ($1, $2, 'authenticated', $3, $4, $5, $6,
       case when $7 then now() end, case when $8 then now() end, $9, $10,
       false, now(), now(), false, $11, '', '', '', '')
     returning *`,
    [
      NIL_UUID,
      u.id ?? randomUUID(),
      u.role ?? 'authenticated',
      u.email,
      u.phone ?? null,
      u.encryptedPassword,
      u.emailConfirmed,
      u.confirmationSent ?? false,
      u.appMetadata,
      u.userMetadata,
      u.isAnonymous ?? false,
    ],
  ) as Promise<UserRow>;

/** Updates the named columns (fixed, code-chosen names) and bumps updated_at. */
export async function updateUser(q: Queryable, id: string, fields: Partial<Record<UserColumn, unknown>>) {
  const entries = Object.entries(fields);
  const sets = entries.map(([column], i) => `${column} = $${i + 2}`);
  return one<UserRow>(
    q,
    `update auth.users set ${[...sets, 'updated_at = now()'].join(', ')} where id = $1 returning *`,
    [id, ...entries.map(([, value]) => value)],
  ) as Promise<UserRow>;
}

export type UserColumn =
  | 'email'
  | 'phone'
  | 'role'
  | 'encrypted_password'
  | 'email_confirmed_at'
  | 'email_change'
  | 'email_change_sent_at'
  | 'raw_app_meta_data'
  | 'raw_user_meta_data'
  | 'banned_until'
  | 'deleted_at'
  | 'last_sign_in_at'
  | 'is_anonymous'
  | 'invited_at'
  | 'confirmation_token'
  | 'confirmation_sent_at'
  | 'recovery_token'
  | 'recovery_sent_at'
  | 'email_change_token_new'
  | 'email_change_token_current'
  | 'email_change_confirm_status'
  | 'reauthentication_token'
  | 'reauthentication_sent_at';

export const touchLastSignIn = (q: Queryable, id: string) =>
  q.query('update auth.users set last_sign_in_at = now(), updated_at = now() where id = $1', [id]);

export const deleteUser = (q: Queryable, id: string) => q.query('delete from auth.users where id = $1', [id]);

export async function listUsers(q: Queryable, page: number, perPage: number) {
  const total = await one<{ count: string }>(
    q,
    "select count(*) from auth.users where aud = 'authenticated'",
    [],
  );
  const { rows } = await q.query(
    `select * from auth.users where aud = 'authenticated'
     order by created_at desc, id limit $1 offset $2`,
    [perPage, (page - 1) * perPage],
  );
  return { users: rows as UserRow[], total: Number(total?.count ?? 0) };
}

export const listIdentities = async (q: Queryable, userId: string) =>
  (await q.query('select * from auth.identities where user_id = $1 order by created_at, id', [userId]))
    .rows as IdentityRow[];

export const findIdentity = (q: Queryable, provider: string, providerId: string) =>
  one<IdentityRow>(q, 'select * from auth.identities where provider = $1 and provider_id = $2', [
    provider,
    providerId,
  ]);

export const insertIdentity = (q: Queryable, userId: string, provider: string, data: Json) =>
  one<IdentityRow>(
    q,
    `insert into auth.identities (provider_id, user_id, identity_data, provider, last_sign_in_at, created_at, updated_at)
     values ($1, $2, $3, $4, now(), now(), now()) returning *`,
    [String(data.sub), userId, data, provider],
  ) as Promise<IdentityRow>;

export const updateIdentity = (q: Queryable, id: string, data: Json) =>
  q.query(
    'update auth.identities set identity_data = $2, last_sign_in_at = now(), updated_at = now() where id = $1',
    [id, data],
  );

export const deleteIdentities = (q: Queryable, userId: string) =>
  q.query('delete from auth.identities where user_id = $1', [userId]);

/** auth.audit_log_entries, in GoTrue's payload shape. */
export async function audit(
  q: Queryable,
  action: string,
  actor: { id: string; email?: string | null } | undefined,
  ip: string,
  traits?: Json,
) {
  const payload: Json = {
    action,
    actor_id: actor?.id ?? '',
    actor_username: actor?.email ?? '',
    actor_via_sso: false,
    log_type: logType(action),
  };
  if (traits) payload.traits = traits;
  await q.query(
    `insert into auth.audit_log_entries (instance_id, id, payload, created_at, ip_address)
     values ($1, $2, $3, now(), $4)`,
    [NIL_UUID, randomUUID(), payload, ip.slice(0, 64)],
  );
}

function logType(action: string): string {
  if (action.startsWith('token')) return 'token';
  if (['login', 'logout', 'user_signedup', 'user_repeated_signup'].includes(action)) return 'account';
  if (action.includes('factor') || action.includes('challenge')) return 'factor';
  return 'user';
}

/** Keeps the email identity in step with a changed address. */
export const setEmailIdentityAddress = (q: Queryable, userId: string, email: string) =>
  q.query(
    `update auth.identities set identity_data = identity_data || jsonb_build_object('email', $2::text),
       updated_at = now() where user_id = $1 and provider = 'email'`,
    [userId, email],
  );

/** GoTrue's metadata update: keys are merged, a null value removes its key. */
export function mergeMetadata(current: Json | null, updates: Json): Json {
  const merged: Json = { ...(current ?? {}) };
  for (const [key, value] of Object.entries(updates)) {
    if (value === null) delete merged[key];
    else merged[key] = value;
  }
  return merged;
}
