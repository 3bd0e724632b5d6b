import { randomBytes } from 'node:crypto';
import { transaction } from './db.js';
import type { AuthContext, AuthDeps } from './deps.js';
import { validatePhone } from './disabled.js';
import { type Pkce, startEmailFlow } from './email-flow.js';
import { type MailRequest, mailReferrer, sendConfirmation, sendMagicLink } from './email-send.js';
import { confirmEmailUser, insertEmailUser } from './email-users.js';
import { badRequest, databaseRejection, isUniqueViolation, unprocessable } from './errors.js';
import { hashPassword } from './password.js';
import { bool, clientInfo, obj, pkceParams, readBody, str, validateEmail } from './request.js';
import { audit, findUserByEmail, findUserByPhone, type UserRow } from './users-repo.js';

/**
 * POST /otp: a magic link and 6-digit code by email (phone codes answer as GoTrue without an SMS
 * provider). With create_user false the address must belong to a user (otp_disabled otherwise).
 */
export const otp = (d: AuthDeps) => async (c: AuthContext) => {
  const body = await readBody(c);
  const email = str(body, 'email');
  const phone = str(body, 'phone');
  if (email && phone) {
    throw badRequest('validation_failed', 'Only an email address or phone number should be provided');
  }
  if (email && str(body, 'channel')) {
    throw badRequest('validation_failed', 'Channel should only be specified with Phone OTP');
  }
  const pkce = pkceParams(str(body, 'code_challenge'), str(body, 'code_challenge_method'));
  const createUser = body.create_user === undefined || body.create_user === null || bool(body, 'create_user');
  if (!createUser) {
    const found = email
      ? await findUserByEmail(d.ctx.db.auth, validateEmail(email))
      : phone
        ? await findUserByPhone(d.ctx.db.auth, validatePhone(phone))
        : undefined;
    if ((email || phone) && !found) throw unprocessable('otp_disabled', 'Signups not allowed for otp');
  }
  if (phone) throw badRequest('phone_provider_disabled', 'Unsupported phone provider');
  if (!email) throw badRequest('validation_failed', 'One of email or phone must be set');
  await magicLink(d, c, validateEmail(email), obj(body, 'data') ?? {}, pkce);
  return c.json({});
};

/**
 * GoTrue's MagicLink: a confirmed user gets the magic link mail. A new address signs up first
 * (signup_disabled applies): confirmed at once with autoconfirm, then sent the magic link;
 * otherwise sent the sign-up confirmation instead.
 */
async function magicLink(
  d: AuthDeps,
  c: AuthContext,
  email: string,
  data: Record<string, unknown>,
  pkce: Pkce,
) {
  const { ctx, config } = d;
  const ip = clientInfo(c, config).ip;
  const mail: MailRequest = { d, c, referrer: mailReferrer(config, c), pkce: pkce.codeChallenge !== null };
  const existing = await findUserByEmail(ctx.db.auth, email);
  if (!existing?.email_confirmed_at && config.stack.disableSignup) {
    throw unprocessable('signup_disabled', 'Signups not allowed for this instance');
  }
  await transaction(ctx.db.auth, async (tx) => {
    let user: UserRow =
      existing ??
      (await insertEmailUser(tx, {
        email,
        encryptedPassword: await hashPassword(randomBytes(24).toString('base64url')),
        data,
      }));
    if (!user.email_confirmed_at && !config.stack.autoconfirm) {
      await audit(tx, 'user_confirmation_requested', user, ip, { provider: 'email' });
      if (mail.pkce) await startEmailFlow(tx, user, 'email/signup', 'email', pkce, mail.referrer);
      await sendConfirmation(mail, tx, user);
      return;
    }
    if (!user.email_confirmed_at) {
      await audit(tx, 'user_signedup', user, ip, { provider: 'email' });
      user = await confirmEmailUser(tx, user);
    }
    if (mail.pkce) await startEmailFlow(tx, user, 'magiclink', 'magiclink', pkce, mail.referrer);
    await audit(tx, 'user_recovery_requested', user, ip);
    await sendMagicLink(mail, tx, user);
  }).catch((error: unknown) => {
    if (isUniqueViolation(error, 'users_email_partial_key')) {
      throw unprocessable('user_already_exists', 'User already registered');
    }
    throw databaseRejection(error) ?? error;
  });
}
