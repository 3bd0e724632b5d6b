import { randomBytes } from 'node:crypto';
import type { Context } from 'hono';
import { type Queryable, transaction } from './db.js';
import type { AuthContext, AuthDeps } from './deps.js';
import { FLOW_METHODS } from './email-flow.js';
import { mailReferrer } from './email-send.js';
import { confirmEmailUser } from './email-users.js';
import { AuthApiError, badRequest, databaseRejection, forbidden, unprocessable } from './errors.js';
import { issueEmailAuthCode } from './flow-repo.js';
import { clearTokens, findUserByToken, type OneTimeTokenType, PKCE_PREFIX, tokenHash } from './otp-repo.js';
import { hashPassword } from './password.js';
import { withParams } from './redirects.js';
import { clientInfo, readBody, str, validateEmail } from './request.js';
import { issueSession, type SessionResponse } from './tokens.js';
import { makePermanent } from './user.js';
import { audit, setEmailIdentityAddress, type UserRow, updateUser } from './users-repo.js';

/** Which token columns a link type checks, and the column holding when it was sent. */
interface TokenSpec {
  types: OneTimeTokenType[];
  sentAt: 'confirmation_sent_at' | 'recovery_sent_at' | 'email_change_sent_at';
}
const CONFIRMATION: TokenSpec = { types: ['confirmation_token'], sentAt: 'confirmation_sent_at' };
const RECOVERY: TokenSpec = { types: ['recovery_token'], sentAt: 'recovery_sent_at' };
const TOKENS: Record<string, TokenSpec> = {
  signup: CONFIRMATION,
  invite: CONFIRMATION,
  recovery: RECOVERY,
  magiclink: RECOVERY,
  email_change: {
    types: ['email_change_token_current', 'email_change_token_new'],
    sentAt: 'email_change_sent_at',
  },
};

const SINGLE_CONFIRMATION =
  'Confirmation link accepted. Please proceed to confirm link sent to the other email';
const expired = (message: string) => forbidden('otp_expired', message);
const LINK_EXPIRED = 'Email link is invalid or has expired';
const CODE_EXPIRED = 'Token has expired or is invalid';

const isBanned = (u: UserRow) => u.banned_until !== null && u.banned_until.getTime() > Date.now();

function isLive(d: AuthDeps, sentAt: Date | null | undefined) {
  return !!sentAt && Date.now() <= sentAt.getTime() + d.config.email.otpExpiry * 1000;
}

/** GoTrue's isOtpValid: the stored hash, or the stored PKCE hash, within otp_expiry. */
function tokenMatches(
  d: AuthDeps,
  user: UserRow,
  type: OneTimeTokenType,
  sentAt: Date | null | undefined,
  hash: string,
) {
  const expected = user[type] ?? '';
  return expected !== '' && isLive(d, sentAt) && (expected === hash || expected === `${PKCE_PREFIX}${hash}`);
}

/** A link's token (the stored hash, PKCE prefix included): GoTrue's verifyTokenHash. `type` may become signup or magiclink. */
async function userByTokenHash(d: AuthDeps, tx: Queryable, type: string, hash: string) {
  const spec = TOKENS[type];
  const kinds = type === 'email' ? [CONFIRMATION, RECOVERY] : spec ? [spec] : [];
  if (!kinds.length) throw badRequest('validation_failed', 'Invalid email verification type');
  const user = await findUserByToken(
    tx,
    kinds.flatMap((k) => k.types),
    hash,
  );
  if (!user) throw expired(LINK_EXPIRED);
  if (isBanned(user)) throw forbidden('user_banned', 'User is banned');
  let resolved = type;
  if (type === 'email') resolved = user.recovery_token === hash ? 'magiclink' : 'signup';
  const sentAt = user[(TOKENS[resolved] ?? CONFIRMATION).sentAt];
  if (!isLive(d, sentAt)) throw expired(LINK_EXPIRED);
  return { user, type: resolved, hash };
}

/** An address and its code: GoTrue's verifyUserAndToken. */
async function userByCode(d: AuthDeps, tx: Queryable, type: string, email: string, code: string) {
  const hash = tokenHash(email, code);
  const user =
    type === 'email_change'
      ? ((
          await tx.query(
            'select * from auth.users where (lower(email) = $1 or lower(email_change) = $1) and is_sso_user = false for update',
            [email],
          )
        ).rows.find((u: UserRow) => u.email_change) as UserRow | undefined)
      : ((
          await tx.query(
            'select * from auth.users where lower(email) = $1 and is_sso_user = false for update',
            [email],
          )
        ).rows[0] as UserRow | undefined);
  if (!user) throw expired(CODE_EXPIRED);
  if (isBanned(user)) throw forbidden('user_banned', 'User is banned');
  const check = (key: string) => {
    const spec = TOKENS[key];
    return !!spec && spec.types.some((t) => tokenMatches(d, user, t, user[spec.sentAt], hash));
  };
  let resolved = type;
  if (type === 'email') resolved = check('signup') ? 'signup' : check('magiclink') ? 'magiclink' : '';
  if (!resolved || !TOKENS[resolved] || !check(resolved)) {
    if (!TOKENS[type] && type !== 'email')
      throw badRequest('validation_failed', 'Unsupported verification type');
    throw expired(CODE_EXPIRED);
  }
  const stored = TOKENS[resolved]?.types
    .map((t) => user[t])
    .find((v) => v === hash || v === `${PKCE_PREFIX}${hash}`);
  return { user, type: resolved, hash: stored ?? hash };
}

/**
 * Applies a verified token: confirms a sign-up or invite, signs in by recovery or magic link
 * (confirming the address), or records one half of a secure email change (then `undefined`:
 * the other address must confirm too).
 */
async function applyVerification(
  d: AuthDeps,
  c: Context,
  tx: Queryable,
  v: { user: UserRow; type: string; hash: string },
): Promise<UserRow | undefined> {
  const ip = clientInfo(c, d.config).ip;
  let user = v.user;
  switch (v.type) {
    case 'signup':
    case 'invite':
      if (!user.encrypted_password && user.invited_at) {
        // Invited users get a random password: the app has them choose one.
        user = await updateUser(tx, user.id, {
          encrypted_password: await hashPassword(randomBytes(32).toString('hex')),
        });
      }
      await audit(tx, 'user_signedup', user, ip, { provider: 'email' });
      await clearTokens(tx, user.id, ['confirmation_token']);
      return confirmEmailUser(tx, user);
    case 'recovery':
    case 'magiclink':
      await clearTokens(tx, user.id, [
        'recovery_token',
        'confirmation_token',
        'email_change_token_new',
        'email_change_token_current',
        'reauthentication_token',
      ]);
      if (!user.email_confirmed_at) {
        await audit(tx, 'user_signedup', user, ip, { provider: 'email' });
        return confirmEmailUser(tx, user);
      }
      await audit(tx, 'login', user, ip);
      return user;
    default:
      return confirmEmailChange(d, tx, user, v.hash, ip);
  }
}

async function confirmEmailChange(d: AuthDeps, tx: Queryable, user: UserRow, hash: string, ip: string) {
  const double = !d.config.stack.autoconfirm && d.config.email.secureEmailChange;
  if (double && (user.email_change_confirm_status ?? 0) === 0 && user.email) {
    const half: OneTimeTokenType =
      user.email_change_token_current === hash ? 'email_change_token_current' : 'email_change_token_new';
    await clearTokens(tx, user.id, [half]);
    await updateUser(tx, user.id, { email_change_confirm_status: 1 });
    return undefined;
  }
  await audit(tx, 'user_modified', user, ip);
  const newEmail = user.email_change ?? '';
  let changed = await updateUser(tx, user.id, {
    email: newEmail,
    email_change: '',
    email_change_confirm_status: 0,
    email_confirmed_at: user.email_confirmed_at ?? new Date(),
  });
  await clearTokens(tx, user.id, ['email_change_token_new', 'email_change_token_current']);
  if (changed.is_anonymous) changed = await makePermanent(tx, changed);
  else await setEmailIdentityAddress(tx, user.id, newEmail);
  await tx.query(
    `update auth.identities set identity_data = identity_data || '{"email_verified": true}'::jsonb
     where user_id = $1 and provider = 'email'`,
    [user.id],
  );
  return changed;
}

/** POST /verify {type, token + email | token_hash}: a session, or GoTrue's single-confirmation message. */
export const verifyPost = (d: AuthDeps) => async (c: AuthContext) => {
  d.limits.tokenVerifications.check(clientInfo(c, d.config).ip);
  const body = await readBody(c);
  const type = str(body, 'type');
  const token = str(body, 'token').replaceAll('-', '');
  const hash = str(body, 'token_hash');
  const email = str(body, 'email');
  const phone = str(body, 'phone');
  if (!type) throw badRequest('validation_failed', 'Verify requires a verification type');
  if (!token === !hash)
    throw badRequest('validation_failed', 'Verify requires either a token or a token hash');
  let address = '';
  if (token) {
    if (phone && !email) throw expired(CODE_EXPIRED);
    if (!email || phone) {
      throw badRequest(
        'validation_failed',
        'Only an email address or phone number should be provided on verify',
      );
    }
    try {
      address = validateEmail(email);
    } catch {
      throw unprocessable('validation_failed', 'Invalid email format');
    }
  } else if (email || phone || str(body, 'redirect_to')) {
    throw badRequest('validation_failed', 'Only the token_hash and type should be provided');
  }
  const client = clientInfo(c, d.config);
  const result = await transaction(d.ctx.db.auth, async (tx) => {
    const found = token
      ? await userByCode(d, tx, type, address, token)
      : await userByTokenHash(d, tx, type, hash);
    const user = await applyVerification(d, c, tx, found);
    if (!user) return undefined;
    return (await issueSession(tx, d.config, user, 'otp', client)).response;
  }).catch((error: unknown) => {
    throw error instanceof AuthApiError ? error : (databaseRejection(error) ?? error);
  });
  if (!result) return c.json({ msg: SINGLE_CONFIRMATION, code: '200' });
  c.header('sb-auth-user-id', result.user.id);
  return c.json(result);
};

/** GoTrue's oauthErrorMap: the OAuth `error` for an HTTP status. */
const OAUTH_ERRORS: Record<number, string> = {
  400: 'invalid_request',
  401: 'unauthorized_client',
  403: 'access_denied',
  500: 'server_error',
  503: 'temporarily_unavailable',
};

/**
 * GET /verify?token=<hash>&type=…&redirect_to=…: the link in a mail. Redirects (303) to
 * redirect_to with the session in the fragment, ?code= for a PKCE link, or the error.
 */
export const verifyGet = (d: AuthDeps) => async (c: AuthContext) => {
  d.limits.tokenVerifications.check(clientInfo(c, d.config).ip);
  const type = c.req.query('type') ?? '';
  const token = (c.req.query('token') ?? '').replaceAll('-', '');
  const target = mailReferrer(d.config, c);
  if (!type) throw badRequest('validation_failed', 'Verify requires a verification type');
  if (!token) throw badRequest('validation_failed', 'Verify requires a token or a token hash');
  const pkce = token.startsWith(PKCE_PREFIX);
  const client = clientInfo(c, d.config);
  let outcome:
    | { kind: 'session'; session: SessionResponse }
    | { kind: 'code'; code: string }
    | { kind: 'half' };
  try {
    if (pkce && !FLOW_METHODS[type])
      throw badRequest('validation_failed', `unsupported authentication method ${type}`);
    outcome = await transaction(d.ctx.db.auth, async (tx) => {
      const user = await applyVerification(d, c, tx, await userByTokenHash(d, tx, type, token));
      if (!user) return { kind: 'half' as const };
      if (!pkce)
        return {
          kind: 'session' as const,
          session: (await issueSession(tx, d.config, user, 'otp', client)).response,
        };
      const code = await issueEmailAuthCode(tx, user.id, FLOW_METHODS[type] ?? '');
      if (!code)
        throw badRequest(
          'flow_state_not_found',
          'No associated flow state found. No valid flow state found for user.',
        );
      return { kind: 'code' as const, code };
    });
  } catch (error) {
    const e = error instanceof AuthApiError ? error : databaseRejection(error);
    if (!e) throw error;
    const params: Record<string, string> = { error_code: e.code, error_description: e.message };
    const oauth = OAUTH_ERRORS[e.status];
    if (oauth) params.error = oauth;
    let url = withParams(target, { ...params, sb: '' }, 'fragment');
    if (pkce) url = withParams(url, params, 'query');
    return c.redirect(url, 303);
  }
  if (outcome.kind === 'half') {
    let url = withParams(target, { message: SINGLE_CONFIRMATION, sb: '' }, 'fragment');
    if (pkce) url = withParams(url, { message: SINGLE_CONFIRMATION }, 'query');
    return c.redirect(url, 303);
  }
  if (outcome.kind === 'code') return c.redirect(withParams(target, { code: outcome.code }, 'query'), 303);
  const s = outcome.session;
  return c.redirect(
    withParams(
      target,
      {
        access_token: s.access_token,
        expires_at: String(s.expires_at),
        expires_in: String(s.expires_in),
        refresh_token: s.refresh_token,
        sb: '',
        token_type: 'bearer',
        type,
      },
      'fragment',
    ),
    303,
  );
};
