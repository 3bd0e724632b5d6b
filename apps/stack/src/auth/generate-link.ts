import { randomBytes } from 'node:crypto';
import { transaction } from './db.js';
import type { AuthContext, AuthDeps } from './deps.js';
import { mailReferrer, verifyUrl } from './email-send.js';
import { insertEmailUser } from './email-users.js';
import { badRequest, DUPLICATE_EMAIL, databaseRejection, notFound, unprocessable } from './errors.js';
import { generateOtp, saveToken, tokenHash } from './otp-repo.js';
import { checkPasswordStrength, hashPassword } from './password.js';
import { clientInfo, obj, readBody, str, validateEmail } from './request.js';
import { loadUserJson } from './user-json.js';
import { audit, findUserByEmail, type UserRow, updateUser } from './users-repo.js';

const TYPES = ['signup', 'invite', 'magiclink', 'recovery', 'email_change_current', 'email_change_new'];

/**
 * POST /admin/generate_link {type, email, password?, new_email?, data?, redirect_to?} (service
 * role): the link and code a mail would carry, without sending it. Answers with the user and
 * action_link, email_otp, hashed_token, verification_type, redirect_to, as GoTrue.
 */
export const generateLink = (d: AuthDeps) => async (c: AuthContext) => {
  const { ctx, config } = d;
  const body = await readBody(c);
  let type = str(body, 'type');
  const email = validateEmail(str(body, 'email'));
  const referrer = mailReferrer(config, c, str(body, 'redirect_to'));
  const data = obj(body, 'data') ?? {};
  let password = str(body, 'password');
  const existing = await findUserByEmail(ctx.db.auth, email);
  if (!existing) {
    if (type === 'magiclink') {
      type = 'signup';
      password = randomBytes(32).toString('base64url');
    } else if (type === 'recovery' || type.startsWith('email_change_')) {
      throw notFound('user_not_found', 'User with this email not found');
    }
  }
  if (!TYPES.includes(type)) {
    throw badRequest('validation_failed', `Invalid email action link type requested: ${type}`);
  }
  if (type === 'signup' && !existing) {
    if (!password) throw unprocessable('validation_failed', 'Signup requires a valid password');
    checkPasswordStrength(password, config.minPasswordLength);
  }
  const otp = generateOtp(config.email.otpLength);
  const hashedToken = tokenHash(email, otp);
  const ip = clientInfo(c, config).ip;
  const now = new Date();

  const result = await transaction(ctx.db.auth, async (tx) => {
    const create = async (encryptedPassword: string) =>
      insertEmailUser(tx, { email, encryptedPassword, data });
    let user: UserRow;
    let linkToken = hashedToken;
    let linkType = type;
    switch (type) {
      case 'magiclink':
      case 'recovery':
        user = existing as UserRow;
        await audit(tx, 'user_recovery_requested', user, ip);
        user = await saveToken(tx, user, 'recovery_token', hashedToken, email, { recovery_sent_at: now });
        break;
      case 'invite':
        if (existing?.email_confirmed_at) throw unprocessable('email_exists', DUPLICATE_EMAIL);
        user = existing ?? (await create(''));
        await audit(tx, 'user_invited', { id: user.id, email: 'service_role' }, ip, {
          user_id: user.id,
          user_email: email,
        });
        user = await saveToken(tx, user, 'confirmation_token', hashedToken, email, {
          confirmation_sent_at: now,
          invited_at: now,
        });
        break;
      case 'signup':
        if (existing?.email_confirmed_at) throw unprocessable('email_exists', DUPLICATE_EMAIL);
        user = existing
          ? await updateUser(tx, existing.id, {
              raw_user_meta_data: { ...(existing.raw_user_meta_data ?? {}), ...data },
            })
          : await create(await hashPassword(password));
        user = await saveToken(tx, user, 'confirmation_token', hashedToken, email, {
          confirmation_sent_at: now,
        });
        break;
      default: {
        // email_change_current / email_change_new
        if (!config.email.secureEmailChange && type === 'email_change_current') {
          throw badRequest(
            'validation_failed',
            'Enable secure email change to generate link for current email',
          );
        }
        const newEmail = validateEmail(str(body, 'new_email'));
        const other = await findUserByEmail(tx, newEmail);
        if (other && other.id !== existing?.id) throw unprocessable('email_exists', DUPLICATE_EMAIL);
        user = await updateUser(tx, (existing as UserRow).id, {
          email_change: newEmail,
          email_change_sent_at: now,
          email_change_confirm_status: 0,
        });
        if (type === 'email_change_current') {
          user = await saveToken(tx, user, 'email_change_token_current', hashedToken, email);
        } else {
          // The stored hash is of the new address; GoTrue still answers hashed_token for the current one.
          linkToken = tokenHash(newEmail, otp);
          user = await saveToken(tx, user, 'email_change_token_new', linkToken, newEmail);
        }
        linkType = 'email_change';
      }
    }
    return {
      ...(await loadUserJson(tx, user)),
      action_link: verifyUrl(config, linkToken, linkType, referrer),
      email_otp: otp,
      hashed_token: hashedToken,
      verification_type: type,
      redirect_to: referrer,
    };
  }).catch((error: unknown) => {
    throw databaseRejection(error) ?? error;
  });
  return c.json(result);
};
