import { randomUUID } from 'node:crypto';
import { transaction } from './db.js';
import type { AuthContext, AuthDeps } from './deps.js';
import { badRequest, databaseRejection, isUniqueViolation, unprocessable } from './errors.js';
import { checkPasswordStrength, hashPassword } from './password.js';
import { clientInfo, obj, pkceParams, readBody, str, validateEmail } from './request.js';
import { issueSession } from './tokens.js';
import { loadUserJson, userJson } from './user-json.js';
import {
  audit,
  findUserByEmail,
  insertIdentity,
  insertUser,
  type UserRow,
  updateUser,
} from './users-repo.js';

const EMAIL_APP_METADATA = { provider: 'email', providers: ['email'] };

/**
 * POST /signup with email and password. With autoconfirm (the local default: there is no mail
 * server) the account is confirmed and a session returned; otherwise the unconfirmed user is
 * returned and can only be confirmed through the admin API (email_confirm).
 */
export const signup = (d: AuthDeps) => async (c: AuthContext) => {
  const { config, ctx } = d;
  const body = await readBody(c);
  const rawEmail = str(body, 'email');
  const phone = str(body, 'phone');
  const password = str(body, 'password');
  const data = obj(body, 'data') ?? {};
  // GoTrue's /signup route sends a body without email and phone to the anonymous sign-in.
  if (!rawEmail && !phone) return c.json(await signupAnonymously(d, c, data));
  if (config.stack.disableSignup) throw signupDisabled();
  const client = clientInfo(c, config);
  d.limits.signInByIp.check(client.ip);
  if (!password) throw badRequest('validation_failed', 'Signup requires a valid password');
  checkPasswordStrength(password, config.minPasswordLength);
  if (rawEmail && phone) {
    throw badRequest(
      'validation_failed',
      'Only an email address or phone number should be provided on signup.',
    );
  }
  pkceParams(str(body, 'code_challenge'), str(body, 'code_challenge_method'));
  if (phone) throw badRequest('phone_provider_disabled', 'Phone signups are disabled');
  const email = validateEmail(rawEmail);
  d.limits.signInByEmail.check(email);

  // Hashed before the lookup so a registered address answers no faster than a new one.
  const encryptedPassword = await hashPassword(password);
  const existing = await findUserByEmail(ctx.db.auth, email);
  if (existing) return c.json(await repeatedSignup(d, existing, data, client.ip));

  const autoconfirm = config.stack.autoconfirm;
  const result = await transaction(ctx.db.auth, async (tx) => {
    const user = await insertUser(tx, {
      email,
      encryptedPassword,
      appMetadata: EMAIL_APP_METADATA,
      userMetadata: data,
      emailConfirmed: false,
      confirmationSent: !autoconfirm,
    });
    // GoTrue's identity data: the subject and address, then the sign-up data's other keys.
    const identityData = { sub: user.id, email, email_verified: false, phone_verified: false };
    for (const [key, value] of Object.entries(data))
      if (!(key in identityData)) Object.assign(identityData, { [key]: value });
    await insertIdentity(tx, user.id, 'email', identityData);
    if (!autoconfirm) {
      await audit(tx, 'user_confirmation_requested', user, client.ip, { provider: 'email' });
      const saved = await updateUser(tx, user.id, { raw_user_meta_data: identityData });
      return loadUserJson(tx, saved);
    }
    await audit(tx, 'user_signedup', user, client.ip, { provider: 'email' });
    const confirmed = await updateUser(tx, user.id, {
      raw_user_meta_data: { ...identityData, email_verified: true },
      email_confirmed_at: new Date(),
    });
    await audit(tx, 'login', confirmed, client.ip, { provider: 'email' });
    return (await issueSession(tx, config, confirmed, 'password', client)).response;
  }).catch((error: unknown) => {
    if (isUniqueViolation(error, 'users_email_partial_key')) {
      throw unprocessable('user_already_exists', 'User already registered');
    }
    throw databaseRejection(error) ?? error;
  });
  return c.json(result);
};

const signupDisabled = () => unprocessable('signup_disabled', 'Signups not allowed for this instance');

/**
 * signInAnonymously: a user with no email, phone, password or identity, flagged is_anonymous, and
 * a session whose AMR method is `anonymous`. The switch is checked before the sign-up switch and
 * the anonymous rate limit (per IP), in GoTrue's order.
 */
async function signupAnonymously(d: AuthDeps, c: AuthContext, data: Record<string, unknown>) {
  const { config, ctx } = d;
  if (!config.anonymousSignIns) {
    throw unprocessable('anonymous_provider_disabled', 'Anonymous sign-ins are disabled');
  }
  const client = clientInfo(c, config);
  d.limits.anonymousUsers.check(client.ip);
  if (config.stack.disableSignup) throw signupDisabled();
  return transaction(ctx.db.auth, async (tx) => {
    const user = await insertUser(tx, {
      email: null,
      encryptedPassword: '',
      appMetadata: { provider: 'anonymous', providers: ['anonymous'] },
      userMetadata: data,
      emailConfirmed: false,
      isAnonymous: true,
    });
    await audit(tx, 'login', user, client.ip, { provider: 'anonymous' });
    return (await issueSession(tx, config, user, 'anonymous', client)).response;
  }).catch((error: unknown) => {
    throw databaseRejection(error) ?? error;
  });
}

/**
 * A sign-up for a registered address. With autoconfirm GoTrue says so (422); without, it answers
 * with a fake user so the response does not reveal that the address is registered. An unconfirmed
 * account is returned as it is (GoTrue would resend the confirmation mail).
 */
async function repeatedSignup(d: AuthDeps, existing: UserRow, data: Record<string, unknown>, ip: string) {
  const { ctx, config } = d;
  const confirmed = existing.email_confirmed_at !== null;
  await audit(ctx.db.auth, 'user_repeated_signup', existing, ip, { provider: 'email' });
  if (config.stack.autoconfirm) throw unprocessable('user_already_exists', 'User already registered');
  if (!confirmed) return loadUserJson(ctx.db.auth, existing);
  return userJson(fakeUser(existing.email ?? '', data), []);
}

/** GoTrue's sanitizeUser: a plausible, never-stored user with a random id. */
function fakeUser(email: string, data: Record<string, unknown>): UserRow {
  const now = new Date();
  const unset = null;
  return {
    id: randomUUID(),
    aud: 'authenticated',
    role: '',
    email,
    encrypted_password: unset,
    email_confirmed_at: unset,
    invited_at: unset,
    confirmation_sent_at: now,
    recovery_sent_at: unset,
    email_change: unset,
    email_change_sent_at: unset,
    last_sign_in_at: unset,
    raw_app_meta_data: EMAIL_APP_METADATA,
    raw_user_meta_data: data,
    created_at: now,
    updated_at: now,
    phone: '',
    phone_confirmed_at: unset,
    phone_change: unset,
    phone_change_sent_at: unset,
    confirmed_at: unset,
    banned_until: unset,
    reauthentication_sent_at: unset,
    is_sso_user: false,
    deleted_at: unset,
    is_anonymous: false,
  };
}
