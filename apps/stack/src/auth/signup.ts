import { randomUUID } from 'node:crypto';
import { transaction } from './db.js';
import type { AuthContext, AuthDeps } from './deps.js';
import { type Pkce, startEmailFlow } from './email-flow.js';
import { type MailRequest, mailReferrer, sendConfirmation } from './email-send.js';
import { confirmEmailUser, EMAIL_APP_METADATA, insertEmailUser } from './email-users.js';
import { badRequest, databaseRejection, isUniqueViolation, unprocessable } from './errors.js';
import { checkPasswordStrength, hashPassword } from './password.js';
import { clientInfo, obj, pkceParams, readBody, str, validateEmail } from './request.js';
import { issueSession } from './tokens.js';
import { loadUserJson, userJson } from './user-json.js';
import { audit, findUserByEmail, insertUser, type UserRow } from './users-repo.js';

/**
 * POST /signup with email and password. With autoconfirm (the local default) the account is
 * confirmed and a session returned; with [auth.email] enable_confirmations the confirmation mail
 * goes out and the unconfirmed user is returned without a session, as GoTrue does.
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
  const pkce = pkceParams(str(body, 'code_challenge'), str(body, 'code_challenge_method'));
  if (phone) throw badRequest('phone_provider_disabled', 'Phone signups are disabled');
  const email = validateEmail(rawEmail);
  d.limits.signInByEmail.check(email);

  // Hashed before the lookup so a registered address answers no faster than a new one.
  const encryptedPassword = await hashPassword(password);
  const existing = await findUserByEmail(ctx.db.auth, email);
  if (existing) return c.json(await repeatedSignup(d, c, existing, pkce, data));

  const autoconfirm = config.stack.autoconfirm;
  const mail: MailRequest = { d, c, referrer: mailReferrer(config, c), pkce: pkce.codeChallenge !== null };
  const result = await transaction(ctx.db.auth, async (tx) => {
    const user = await insertEmailUser(tx, { email, encryptedPassword, data });
    if (!autoconfirm) {
      await audit(tx, 'user_confirmation_requested', user, client.ip, { provider: 'email' });
      if (mail.pkce) await startEmailFlow(tx, user, 'email/signup', 'email', pkce, mail.referrer);
      return loadUserJson(tx, await sendConfirmation(mail, tx, user));
    }
    await audit(tx, 'user_signedup', user, client.ip, { provider: 'email' });
    const confirmed = await confirmEmailUser(tx, user);
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
 * account gets its confirmation mail again (within [auth.email] max_frequency).
 */
async function repeatedSignup(
  d: AuthDeps,
  c: AuthContext,
  existing: UserRow,
  pkce: Pkce,
  data: Record<string, unknown>,
) {
  const { ctx, config } = d;
  const ip = clientInfo(c, config).ip;
  await audit(ctx.db.auth, 'user_repeated_signup', existing, ip, { provider: 'email' });
  if (config.stack.autoconfirm) throw unprocessable('user_already_exists', 'User already registered');
  if (existing.email_confirmed_at) return userJson(fakeUser(existing.email ?? '', data), []);
  const mail: MailRequest = { d, c, referrer: mailReferrer(config, c), pkce: pkce.codeChallenge !== null };
  return transaction(ctx.db.auth, async (tx) => {
    if (mail.pkce) await startEmailFlow(tx, existing, 'email/signup', 'email', pkce, mail.referrer);
    return loadUserJson(tx, await sendConfirmation(mail, tx, existing));
  });
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
