import { transaction } from './db.js';
import type { AuthContext, AuthDeps } from './deps.js';
import { startEmailFlow } from './email-flow.js';
import { type MailRequest, mailReferrer, sendRecovery } from './email-send.js';
import { badRequest } from './errors.js';
import { clientInfo, pkceParams, readBody, str, validateEmail } from './request.js';
import { audit, findUserByEmail } from './users-repo.js';

/**
 * POST /recover {email, code_challenge?}: a recovery mail for a registered address. An unknown
 * address gets the same empty 200, so the answer does not tell who has an account.
 */
export const recover = (d: AuthDeps) => async (c: AuthContext) => {
  const { ctx, config } = d;
  const body = await readBody(c);
  const raw = str(body, 'email');
  if (!raw) throw badRequest('validation_failed', 'Password recovery requires an email');
  const email = validateEmail(raw);
  const pkce = pkceParams(str(body, 'code_challenge'), str(body, 'code_challenge_method'));
  const user = await findUserByEmail(ctx.db.auth, email);
  if (!user || user.deleted_at) return c.json({});
  const mail: MailRequest = { d, c, referrer: mailReferrer(config, c), pkce: pkce.codeChallenge !== null };
  await transaction(ctx.db.auth, async (tx) => {
    if (mail.pkce) await startEmailFlow(tx, user, 'recovery', 'recovery', pkce, mail.referrer);
    await audit(tx, 'user_recovery_requested', user, clientInfo(c, config).ip);
    await sendRecovery(mail, tx, user);
  });
  return c.json({});
};
