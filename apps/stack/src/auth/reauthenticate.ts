import type { Queryable } from './db.js';
import { transaction } from './db.js';
import type { AuthContext, AuthDeps } from './deps.js';
import { mailReferrer, sendReauthentication } from './email-send.js';
import { badRequest, unprocessable } from './errors.js';
import { clearTokens, tokenHash } from './otp-repo.js';
import { clientInfo } from './request.js';
import type { SessionRow } from './sessions-repo.js';
import { audit, type UserRow } from './users-repo.js';

/** GET /reauthenticate: mails the signed-in user a code to send as `nonce` with a new password. */
export const reauthenticate = (d: AuthDeps) => async (c: AuthContext) => {
  const user = c.get('user');
  if (!user.email && !user.phone) {
    throw badRequest(
      'validation_failed',
      'Reauthentication requires the user to have an email or a phone number',
    );
  }
  if (!user.email) throw unprocessable('phone_provider_disabled', 'Phone logins are disabled');
  if (!user.email_confirmed_at) throw unprocessable('email_not_confirmed', 'Please verify your email first.');
  await transaction(d.ctx.db.auth, async (tx) => {
    await audit(tx, 'user_reauthenticate_requested', user, clientInfo(c, d.config).ip);
    await sendReauthentication({ d, c, referrer: mailReferrer(d.config, c), pkce: false }, tx, user);
  });
  return c.json({});
};

const invalidNonce = () => unprocessable('reauthentication_not_valid', 'Nonce has expired or is invalid');

/**
 * [auth.email] secure_password_change, as GoTrue applies it: a session signed in more than 24
 * hours ago must prove itself with the mailed code (`nonce`), which is then used up.
 */
export async function checkReauthentication(
  d: AuthDeps,
  q: Queryable,
  user: UserRow,
  session: SessionRow | undefined,
  nonce: string,
) {
  if (!d.config.email.passwordChangeNeedsReauthentication) return;
  const recent = session && Date.now() <= session.created_at.getTime() + 24 * 3600 * 1000;
  if (recent) return;
  if (!nonce) throw badRequest('reauthentication_needed', 'Password update requires reauthentication');
  const sentAt = user.reauthentication_sent_at;
  if (!user.reauthentication_token || !sentAt) throw invalidNonce();
  const expired = Date.now() > sentAt.getTime() + d.config.email.otpExpiry * 1000;
  if (expired || tokenHash(user.email ?? '', nonce) !== user.reauthentication_token) throw invalidNonce();
  await clearTokens(q, user.id, ['reauthentication_token']);
  await q.query('update auth.users set reauthentication_sent_at = null where id = $1', [user.id]);
}
