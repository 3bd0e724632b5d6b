import { randomBytes } from 'node:crypto';
import { isUuid, transaction } from './db.js';
import type { AuthContext, AuthDeps } from './deps.js';
import {
  badRequest,
  DUPLICATE_EMAIL,
  databaseRejection,
  isUniqueViolation,
  notFound,
  unprocessable,
} from './errors.js';
import { deleteFactor, downgradeSessionsOfFactor, findFactor, listFactors } from './mfa-repo.js';
import { checkPasswordStrength, hashPassword } from './password.js';
import { bool, clientInfo, obj, optionalStr, readBody, str, validateEmail } from './request.js';
import { deleteUserSessions } from './sessions-repo.js';
import { factorJson, loadUserJson } from './user-json.js';
import {
  audit,
  deleteIdentities,
  deleteUser,
  findUserByEmail,
  insertIdentity,
  insertUser,
  listUsers,
  mergeMetadata,
  setEmailIdentityAddress,
  type UserColumn,
  updateUser,
} from './users-repo.js';

const GO_UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1e3, m: 60e3, h: 3600e3 };

/** Go's time.ParseDuration ("24h", "1h30m", "90s"), in milliseconds; GoTrue takes ban_duration so. */
export function parseGoDuration(text: string): number {
  const match = /^([-+]?)((?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|ms|s|m|h))+$/.test(text);
  if (!match)
    throw badRequest(
      'validation_failed',
      `invalid format for ban duration: time: invalid duration "${text}"`,
    );
  const sign = text.startsWith('-') ? -1 : 1;
  let total = 0;
  for (const [, value, unit] of text.matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/g)) {
    total += Number(value) * (GO_UNITS[unit ?? 's'] ?? 0);
  }
  return sign * total;
}

/** ban_duration: "none" lifts a ban, a duration bans until now + duration. */
function bannedUntil(banDuration: string): Date | null | undefined {
  if (!banDuration) return undefined;
  if (banDuration === 'none') return null;
  const ms = parseGoDuration(banDuration);
  return ms === 0 ? null : new Date(Date.now() + ms);
}

const pageParam = (value: string | undefined, fallback: number) => {
  if (!value) return fallback;
  if (!/^\d+$/.test(value)) {
    throw badRequest(
      'validation_failed',
      `Bad Pagination Parameters: strconv.ParseUint: parsing "${value}": invalid syntax`,
    );
  }
  return Number(value);
};

/** GET /admin/users?page&per_page: newest first, with GoTrue's Link and X-Total-Count headers. */
export const adminListUsers = (d: AuthDeps) => async (c: AuthContext) => {
  const page = Math.max(1, pageParam(c.req.query('page'), 1));
  const perPage = Math.max(1, pageParam(c.req.query('per_page'), 50));
  const { users, total } = await listUsers(d.ctx.db.auth, page, perPage);
  const json = await Promise.all(users.map((u) => loadUserJson(d.ctx.db.auth, u)));
  const totalPages = Math.ceil(total / perPage);
  // auth-js reads the page number right after the first `=`, so `page` must lead the query.
  const link = (p: number) => {
    const query = new URLSearchParams(c.req.query());
    query.set('page', String(p));
    const sorted = [...query].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `</admin/users?${new URLSearchParams(sorted).toString()}>`;
  };
  const links = [];
  if (totalPages > page) links.push(`${link(page + 1)}; rel="next"`);
  links.push(`${link(totalPages)}; rel="last"`);
  c.header('Link', links.join(', '));
  c.header('X-Total-Count', String(total));
  return c.json({ users: json, aud: 'authenticated' });
};

export const adminGetUser = (d: AuthDeps) => async (c: AuthContext) =>
  c.json(await loadUserJson(d.ctx.db.auth, c.get('target')));

/** POST /admin/users: any address, optionally confirmed, with a random password if none is given. */
export const adminCreateUser = (d: AuthDeps) => async (c: AuthContext) => {
  const { ctx, config } = d;
  const body = await readBody(c);
  const rawEmail = str(body, 'email');
  if (!rawEmail && !str(body, 'phone')) {
    throw badRequest('validation_failed', 'Cannot create a user without either an email or phone');
  }
  if (str(body, 'phone')) throw badRequest('phone_provider_disabled', 'Phone signups are disabled');
  const email = validateEmail(rawEmail);
  if (await findUserByEmail(ctx.db.auth, email)) throw unprocessable('email_exists', DUPLICATE_EMAIL);
  const password = optionalStr(body, 'password');
  const passwordHash = str(body, 'password_hash');
  if (password && passwordHash) {
    throw badRequest('validation_failed', 'Only a password or a password hash should be provided');
  }
  if (passwordHash && !/^\$2[aby]\$\d\d\$/.test(passwordHash)) {
    throw badRequest('validation_failed', 'Only bcrypt password hashes are supported');
  }
  const id = str(body, 'id');
  if (id && !isUuid(id)) throw badRequest('validation_failed', 'ID must conform to the uuid v4 format');
  const banned = bannedUntil(str(body, 'ban_duration'));
  const encryptedPassword = passwordHash || (await hashPassword(password || randomBytes(32).toString('hex')));
  const emailConfirm = bool(body, 'email_confirm');
  const userMetadata = obj(body, 'user_metadata') ?? {};
  const appMetadata = mergeMetadata(
    { provider: 'email', providers: ['email'] },
    obj(body, 'app_metadata') ?? {},
  );
  const ip = clientInfo(c, config).ip;

  const created = await transaction(ctx.db.auth, async (tx) => {
    let user = await insertUser(tx, {
      id: id || undefined,
      email,
      encryptedPassword,
      appMetadata,
      userMetadata,
      role: str(body, 'role') || 'authenticated',
      emailConfirmed: emailConfirm,
    });
    await insertIdentity(tx, user.id, 'email', {
      sub: user.id,
      email,
      email_verified: false,
      phone_verified: false,
    });
    await audit(tx, 'user_signedup', { id: user.id, email: 'service_role' }, ip, { provider: 'email' });
    const fields: Partial<Record<UserColumn, unknown>> = {};
    if (emailConfirm) fields.raw_user_meta_data = { ...userMetadata, email_verified: true };
    if (banned !== undefined) fields.banned_until = banned;
    if (Object.keys(fields).length) user = await updateUser(tx, user.id, fields);
    return loadUserJson(tx, user);
  }).catch((error: unknown) => {
    if (isUniqueViolation(error, 'users_email_partial_key'))
      throw unprocessable('email_exists', DUPLICATE_EMAIL);
    if (isUniqueViolation(error, 'users_pkey')) throw unprocessable('validation_failed', 'ID already in use');
    throw databaseRejection(error) ?? error;
  });
  return c.json(created);
};

/** PUT /admin/users/:id: email, password, confirmation, metadata (merged), role and bans. */
export const adminUpdateUser = (d: AuthDeps) => async (c: AuthContext) => {
  const { ctx, config } = d;
  const target = c.get('target');
  const body = await readBody(c);
  const fields: Partial<Record<UserColumn, unknown>> = {};
  const rawEmail = str(body, 'email');
  const email = rawEmail ? validateEmail(rawEmail) : '';
  if (email && email !== target.email) {
    const other = await findUserByEmail(ctx.db.auth, email);
    if (other && other.id !== target.id) throw unprocessable('email_exists', DUPLICATE_EMAIL);
    fields.email = email;
  }
  const password = optionalStr(body, 'password');
  if (password !== undefined) {
    checkPasswordStrength(password, config.minPasswordLength);
    fields.encrypted_password = await hashPassword(password);
  }
  const userMetadata = obj(body, 'user_metadata');
  if (userMetadata) fields.raw_user_meta_data = mergeMetadata(target.raw_user_meta_data, userMetadata);
  const appMetadata = obj(body, 'app_metadata');
  if (appMetadata) fields.raw_app_meta_data = mergeMetadata(target.raw_app_meta_data, appMetadata);
  if (bool(body, 'email_confirm') && !target.email_confirmed_at) fields.email_confirmed_at = new Date();
  const role = str(body, 'role');
  if (role) fields.role = role;
  const banned = bannedUntil(str(body, 'ban_duration'));
  if (banned !== undefined) fields.banned_until = banned;

  const ip = clientInfo(c, config).ip;
  const updated = await transaction(ctx.db.auth, async (tx) => {
    const user = Object.keys(fields).length ? await updateUser(tx, target.id, fields) : target;
    if (fields.email) await setEmailIdentityAddress(tx, target.id, email);
    // A new password signs the user out everywhere.
    if (fields.encrypted_password) await deleteUserSessions(tx, target.id);
    await audit(tx, 'user_modified', { id: target.id, email: 'service_role' }, ip);
    return loadUserJson(tx, user);
  }).catch((error: unknown) => {
    if (isUniqueViolation(error, 'users_email_partial_key'))
      throw unprocessable('email_exists', DUPLICATE_EMAIL);
    throw databaseRejection(error) ?? error;
  });
  return c.json(updated);
};

/** DELETE /admin/users/:id {should_soft_delete}: hard delete cascades; soft delete anonymises. */
export const adminDeleteUser = (d: AuthDeps) => async (c: AuthContext) => {
  const { ctx, config } = d;
  const target = c.get('target');
  const body = await readBody(c);
  const soft = bool(body, 'should_soft_delete');
  const ip = clientInfo(c, config).ip;
  await transaction(ctx.db.auth, async (tx) => {
    await audit(tx, 'user_deleted', { id: target.id, email: 'service_role' }, ip, {
      user_id: target.id,
      user_email: target.email ?? '',
    });
    if (!soft) {
      await deleteUser(tx, target.id);
      return;
    }
    if (target.deleted_at) return;
    await updateUser(tx, target.id, {
      deleted_at: new Date(),
      email: null,
      phone: null,
      encrypted_password: '',
      raw_user_meta_data: {},
    });
    await deleteIdentities(tx, target.id);
    await deleteUserSessions(tx, target.id);
    for (const factor of await listFactors(tx, target.id)) await deleteFactor(tx, factor.id);
  }).catch((error: unknown) => {
    throw databaseRejection(error) ?? error;
  });
  return c.json({});
};

export const adminListFactors = (d: AuthDeps) => async (c: AuthContext) =>
  c.json((await listFactors(d.ctx.db.auth, c.get('target').id)).map(factorJson));

export const adminDeleteFactor = (d: AuthDeps) => async (c: AuthContext) => {
  const id = c.req.param('factorId') ?? '';
  const factor = isUuid(id) ? await findFactor(d.ctx.db.auth, id) : undefined;
  if (!factor || factor.user_id !== c.get('target').id)
    throw notFound('mfa_factor_not_found', 'Factor not found');
  await transaction(d.ctx.db.auth, async (tx) => {
    await deleteFactor(tx, factor.id);
    await downgradeSessionsOfFactor(tx, factor.id);
  });
  return c.json(factorJson(factor));
};
