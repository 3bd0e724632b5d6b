import { transaction } from './db.js';
import type { AuthContext, AuthDeps } from './deps.js';
import { startEmailFlow } from './email-flow.js';
import { type MailRequest, mailReferrer, sendConfirmation, sendEmailChange } from './email-send.js';
import { badRequest } from './errors.js';
import { clientInfo, pkceParams, readBody, str, validateEmail } from './request.js';
import { audit, findUserByEmail } from './users-repo.js';

/**
 * POST /resend {type: signup | email_change, email}: the pending mail again. Unknown addresses,
 * confirmed sign-ups and absent email changes get an empty 200, as in GoTrue.
 */
export const resend = (d: AuthDeps) => async (c: AuthContext) => {
  const { ctx, config } = d;
  const body = await readBody(c);
  const type = str(body, 'type');
  const rawEmail = str(body, 'email');
  const phone = str(body, 'phone');
  let pkce = pkceParams('', '');
  if (type === 'signup' || type === 'email_change') {
    pkce = pkceParams(str(body, 'code_challenge'), str(body, 'code_challenge_method'));
  } else if (type !== 'sms' && type !== 'phone_change') {
    throw badRequest(
      'validation_failed',
      'Missing one of these types: signup, email_change, sms, phone_change',
    );
  }
  if (!rawEmail && type === 'signup')
    throw badRequest('validation_failed', 'Type provided requires an email address');
  if (!phone && type === 'sms')
    throw badRequest('validation_failed', 'Type provided requires a phone number');
  if (rawEmail && phone) {
    throw badRequest('validation_failed', 'Only an email address or phone number should be provided.');
  }
  if (phone) throw badRequest('phone_provider_disabled', 'Phone logins are disabled');
  if (!rawEmail) throw badRequest('validation_failed', 'Missing email address or phone number');
  const email = validateEmail(rawEmail);

  const user = await findUserByEmail(ctx.db.auth, email);
  if (!user || user.deleted_at) return c.json({});
  if (type === 'signup' && user.email_confirmed_at) return c.json({});
  if (type === 'email_change' && !user.email_change) return c.json({});
  if (type !== 'signup' && type !== 'email_change') return c.json({});

  const mail: MailRequest = { d, c, referrer: mailReferrer(config, c), pkce: pkce.codeChallenge !== null };
  await transaction(ctx.db.auth, async (tx) => {
    if (type === 'signup') {
      await audit(tx, 'user_confirmation_requested', user, clientInfo(c, config).ip);
      if (mail.pkce) await startEmailFlow(tx, user, 'email/signup', 'email', pkce, mail.referrer);
      await sendConfirmation(mail, tx, user);
      return;
    }
    if (mail.pkce) await startEmailFlow(tx, user, 'email_change', 'email_change', pkce, mail.referrer);
    await sendEmailChange(mail, tx, user, user.email_change ?? '');
  });
  return c.json({});
};
