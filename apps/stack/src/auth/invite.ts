import { transaction } from './db.js';
import type { AuthContext, AuthDeps } from './deps.js';
import { type MailRequest, mailReferrer, sendInvite } from './email-send.js';
import { insertEmailUser } from './email-users.js';
import { DUPLICATE_EMAIL, databaseRejection, unprocessable } from './errors.js';
import { clientInfo, obj, readBody, str, validateEmail } from './request.js';
import { loadUserJson } from './user-json.js';
import { audit, findUserByEmail } from './users-repo.js';

/**
 * POST /invite {email, data} (service role): creates the user if needed (no password) and mails
 * the invite link; a confirmed address is 422 email_exists. Answers with the user.
 */
export const invite = (d: AuthDeps) => async (c: AuthContext) => {
  const { ctx, config } = d;
  const body = await readBody(c);
  const email = validateEmail(str(body, 'email'));
  const data = obj(body, 'data') ?? {};
  const existing = await findUserByEmail(ctx.db.auth, email);
  if (existing?.email_confirmed_at) throw unprocessable('email_exists', DUPLICATE_EMAIL);
  const mail: MailRequest = { d, c, referrer: mailReferrer(config, c), pkce: false };
  const user = await transaction(ctx.db.auth, async (tx) => {
    const invited = existing ?? (await insertEmailUser(tx, { email, encryptedPassword: '', data }));
    await audit(tx, 'user_invited', { id: invited.id, email: 'service_role' }, clientInfo(c, config).ip, {
      user_id: invited.id,
      user_email: email,
    });
    return loadUserJson(tx, await sendInvite(mail, tx, invited));
  }).catch((error: unknown) => {
    throw databaseRejection(error) ?? error;
  });
  return c.json(user);
};
