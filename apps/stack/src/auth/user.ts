import { type Queryable, transaction } from './db.js';
import type { AuthContext, AuthDeps } from './deps.js';
import { validatePhone } from './disabled.js';
import { startEmailFlow } from './email-flow.js';
import { type MailRequest, mailReferrer, sendEmailChange } from './email-send.js';
import {
  AuthApiError,
  DUPLICATE_EMAIL,
  databaseRejection,
  forbidden,
  isUniqueViolation,
  unprocessable,
} from './errors.js';
import { listFactors } from './mfa-repo.js';
import { checkPasswordStrength, hashPassword, verifyPassword } from './password.js';
import { checkReauthentication } from './reauthenticate.js';
import { clientInfo, obj, optionalStr, pkceParams, readBody, str, validateEmail } from './request.js';
import { deleteUserSessions } from './sessions-repo.js';
import { loadUserJson } from './user-json.js';
import {
  audit,
  findUserByEmail,
  insertIdentity,
  mergeMetadata,
  type UserRow,
  updateUser,
} from './users-repo.js';

/** GET /user: the signed-in user with identities and factors. */
export const getUser = (d: AuthDeps) => async (c: AuthContext) =>
  c.json(await loadUserJson(d.ctx.db.auth, c.get('user')));

/**
 * PUT /user: user_metadata merge, password change (other sessions end, a reauthentication
 * `nonce` when [auth.email] secure_password_change asks for one), email change: confirmed by
 * mail (both addresses with secure email change); only an anonymous user's address applies at
 * once with autoconfirm, as in GoTrue.
 */
export const updateUserHandler = (d: AuthDeps) => async (c: AuthContext) => {
  const { ctx, config } = d;
  const body = await readBody(c);
  const user = c.get('user');
  const session = c.get('session');
  const password = optionalStr(body, 'password');
  const data = obj(body, 'data');
  const rawEmail = str(body, 'email');
  const nonce = str(body, 'nonce');
  const pkce = pkceParams(str(body, 'code_challenge'), str(body, 'code_challenge_method'));
  // GoTrue's order: the address, the phone number (E.164), then the password's strength.
  const newEmail = rawEmail ? validateEmail(rawEmail) : '';
  const phone = str(body, 'phone') ? validatePhone(str(body, 'phone')) : '';
  if (password !== undefined) checkPasswordStrength(password, config.minPasswordLength);
  if (obj(body, 'app_metadata')) {
    throw forbidden('not_admin', 'Updating app_metadata requires admin privileges');
  }
  const changesEmail = newEmail !== '' && newEmail !== (user.email ?? '');
  const changesPhone = phone !== '' && phone !== (user.phone ?? '');

  const factors = await listFactors(ctx.db.auth, user.id);
  if (factors.some((f) => f.status === 'verified') && session?.aal !== 'aal2') {
    if (password || changesEmail || changesPhone) {
      throw new AuthApiError(
        401,
        'insufficient_aal',
        'AAL2 session is required to update email or password when MFA is enabled.',
      );
    }
  }
  if (user.is_anonymous && password && !rawEmail && !phone) {
    throw unprocessable(
      'validation_failed',
      'Updating password of an anonymous user without an email or phone is not allowed',
    );
  }
  if (changesPhone) throw unprocessable('phone_provider_disabled', 'Phone logins are disabled');
  if (changesEmail) {
    const other = await findUserByEmail(ctx.db.auth, newEmail);
    if (other && other.id !== user.id) throw unprocessable('email_exists', DUPLICATE_EMAIL);
  }
  let hash: string | undefined;
  if (password !== undefined) await checkReauthentication(d, ctx.db.auth, user, session, nonce);
  if (password) {
    if (await verifyPassword(password, user.encrypted_password)) {
      throw unprocessable('same_password', 'New password should be different from the old password.');
    }
    hash = await hashPassword(password);
  }

  const ip = clientInfo(c, config).ip;
  const updated = await transaction(ctx.db.auth, async (tx) => {
    let u: UserRow = user;
    if (hash) {
      u = await updateUser(tx, u.id, { encrypted_password: hash });
      // A new password ends every other session, as GoTrue's UpdatePassword does.
      await deleteUserSessions(tx, u.id, session?.id);
      await audit(tx, 'user_updated_password', u, ip);
    }
    if (data)
      u = await updateUser(tx, u.id, { raw_user_meta_data: mergeMetadata(u.raw_user_meta_data, data) });
    if (changesEmail && u.is_anonymous && config.stack.autoconfirm) {
      u = await updateUser(tx, u.id, {
        email: newEmail,
        email_confirmed_at: u.email_confirmed_at ?? new Date(),
        email_change: '',
      });
      u = await makePermanent(tx, u);
    } else if (changesEmail) {
      const mail: MailRequest = {
        d,
        c,
        referrer: mailReferrer(config, c),
        pkce: pkce.codeChallenge !== null,
      };
      if (mail.pkce) await startEmailFlow(tx, u, 'email_change', 'email_change', pkce, mail.referrer);
      u = await sendEmailChange(mail, tx, u, newEmail);
    }
    await audit(tx, 'user_modified', u, ip);
    return loadUserJson(tx, u);
  }).catch((error: unknown) => {
    if (isUniqueViolation(error, 'users_email_partial_key'))
      throw unprocessable('email_exists', DUPLICATE_EMAIL);
    throw databaseRejection(error) ?? error;
  });
  return c.json(updated);
};

/**
 * An anonymous user's confirmed address makes it a permanent user, as GoTrue's email change
 * verification does: an email identity, providers recomputed from the identities.
 */
export async function makePermanent(tx: Queryable, user: UserRow): Promise<UserRow> {
  await insertIdentity(tx, user.id, 'email', { sub: user.id, email: user.email });
  return updateUser(tx, user.id, {
    is_anonymous: false,
    raw_app_meta_data: mergeMetadata(user.raw_app_meta_data, { provider: 'email', providers: ['email'] }),
  });
}
