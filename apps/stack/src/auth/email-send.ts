import type { Context } from 'hono';
import type { MailKind, TemplateData } from '../mail/templates.js';
import { type AuthConfig, authBaseUrl } from './config.js';
import type { Queryable } from './db.js';
import type { AuthDeps } from './deps.js';
import { AuthApiError } from './errors.js';
import { generateOtp, type OneTimeTokenType, PKCE_PREFIX, saveToken, tokenHash } from './otp-repo.js';
import { isRedirectAllowed } from './redirects.js';
import { clientIp } from './request.js';
import type { UserRow } from './users-repo.js';

/** Where a mail's link lands: GoTrue's GetReferrer (redirect_to, then the Referer header, then the site URL). */
export function mailReferrer(config: AuthConfig, c: Context, explicit?: string): string {
  const candidates = [
    explicit,
    c.req.header('redirect_to'),
    c.req.query('redirect_to'),
    c.req.header('referer'),
  ];
  return candidates.find((url) => url && isRedirectAllowed(config, url)) ?? config.stack.siteUrl;
}

/** GoTrue's link: <API>/auth/v1/verify?token=<hash>&type=<type>&redirect_to=<referrer>. */
export function verifyUrl(config: AuthConfig, token: string, type: string, referrer: string): string {
  // As GoTrue: a redirect URL with &, = or # is escaped, any other is left as written.
  const redirect = /[&=#]/.test(referrer) ? encodeURIComponent(referrer) : referrer;
  return `${authBaseUrl(config)}/verify?token=${encodeURIComponent(token)}&type=${encodeURIComponent(type)}&redirect_to=${redirect}`;
}

/** What a sending handler knows: the request (for the IP and referrer) and whether PKCE is in use. */
export interface MailRequest {
  d: AuthDeps;
  c: Context;
  referrer: string;
  pkce: boolean;
}

const rateLimited = (message: string) => new AuthApiError(429, 'over_email_send_rate_limit', message);

/** [auth.email] max_frequency: one mail of a kind per address per period (GoTrue's validateSentWithinFrequencyLimit). */
function checkFrequency(config: AuthConfig, sentAt: Date | null | undefined) {
  if (!sentAt) return;
  const until = sentAt.getTime() + config.email.maxFrequency * 1000;
  if (until > Date.now()) {
    const left = Math.trunc((until - Date.now()) / 1000);
    throw rateLimited(`For security purposes, you can only request this after ${left} seconds.`);
  }
}

/**
 * [auth.rate_limit] email_sent, per IP. GoTrue applies it only when sign-ups need confirming,
 * and a limit of 0 refuses every mail.
 */
function chargeEmailRate(r: MailRequest) {
  const { config } = r.d;
  if (config.rateLimits.emailSent.limit === 0) throw rateLimited('email rate limit exceeded');
  if (config.stack.autoconfirm) return;
  if (!r.d.limits.emailSent.take(clientIp(r.c, config))) throw rateLimited('email rate limit exceeded');
}

/** Both limits a mail passes before it is sent: its kind's max_frequency, then the IP's email_sent. */
function checkLimits(r: MailRequest, sentAt: Date | null | undefined) {
  checkFrequency(r.d.config, sentAt);
  chargeEmailRate(r);
}

async function deliver(r: MailRequest, to: string, kind: MailKind, data: TemplateData) {
  try {
    await r.d.mailer.send(to, kind, data);
  } catch (error) {
    r.d.ctx.log.error({ err: error, kind }, 'auth: mail not sent');
    // GoTrue's "Error sending magic link email" and the like.
    throw new AuthApiError(500, 'unexpected_failure', `Error sending ${kind.replace('_', ' ')} email`);
  }
}

const common = (r: MailRequest, user: UserRow): TemplateData => ({
  SiteURL: r.d.config.stack.siteUrl,
  Email: user.email ?? '',
  Data: user.raw_user_meta_data ?? {},
  RedirectTo: r.referrer,
});

/** A mail whose link goes to /verify with `type`, and whose code is `otp`. */
const linkData = (r: MailRequest, user: UserRow, type: string, otp: string, hash: string): TemplateData => ({
  ...common(r, user),
  ConfirmationURL: verifyUrl(r.d.config, hash, type, r.referrer),
  Token: otp,
  TokenHash: hash,
});

/** The column a link token's mail stamps (and max_frequency reads). */
const SENT_AT = {
  confirmation_token: 'confirmation_sent_at',
  recovery_token: 'recovery_sent_at',
} as const satisfies Partial<Record<OneTimeTokenType, keyof UserRow>>;

interface LinkMail {
  kind: MailKind;
  /** The link's `type` for /verify. */
  type: string;
  token: keyof typeof SENT_AT;
  /** Invites: no PKCE and no frequency limit, as in GoTrue. */
  invite?: boolean;
}

async function sendLinkMail(r: MailRequest, tx: Queryable, user: UserRow, mail: LinkMail): Promise<UserRow> {
  const email = user.email ?? '';
  const sentAt = SENT_AT[mail.token];
  checkLimits(r, mail.invite ? null : user[sentAt]);
  const otp = generateOtp(r.d.config.email.otpLength);
  const hash = `${r.pkce && !mail.invite ? PKCE_PREFIX : ''}${tokenHash(email, otp)}`;
  await deliver(r, email, mail.kind, linkData(r, user, mail.type, otp, hash));
  const now = new Date();
  const extra = mail.invite ? { confirmation_sent_at: now, invited_at: now } : { [sentAt]: now };
  return saveToken(tx, user, mail.token, hash, email, extra);
}

export const sendConfirmation = (r: MailRequest, tx: Queryable, user: UserRow) =>
  sendLinkMail(r, tx, user, { kind: 'confirmation', type: 'signup', token: 'confirmation_token' });

export const sendInvite = (r: MailRequest, tx: Queryable, user: UserRow) =>
  sendLinkMail(r, tx, user, { kind: 'invite', type: 'invite', token: 'confirmation_token', invite: true });

export const sendRecovery = (r: MailRequest, tx: Queryable, user: UserRow) =>
  sendLinkMail(r, tx, user, { kind: 'recovery', type: 'recovery', token: 'recovery_token' });

/** A magic link is a recovery token with its own template (and the recovery frequency timer). */
export const sendMagicLink = (r: MailRequest, tx: Queryable, user: UserRow) =>
  sendLinkMail(r, tx, user, { kind: 'magic_link', type: 'magiclink', token: 'recovery_token' });

/** A code only (no link): the `nonce` for PUT /user. */
export async function sendReauthentication(r: MailRequest, tx: Queryable, user: UserRow): Promise<UserRow> {
  const email = user.email ?? '';
  checkLimits(r, user.reauthentication_sent_at);
  const otp = generateOtp(r.d.config.email.otpLength);
  await deliver(r, email, 'reauthentication', { ...common(r, user), Token: otp });
  const hash = tokenHash(email, otp);
  return saveToken(tx, user, 'reauthentication_token', hash, email, { reauthentication_sent_at: new Date() });
}

/**
 * An email change: a link to the new address, and with secure email change one to the current
 * address too; the change applies once both are followed (or the one, without it).
 */
export async function sendEmailChange(
  r: MailRequest,
  tx: Queryable,
  user: UserRow,
  newEmail: string,
): Promise<UserRow> {
  const { config } = r.d;
  const current = user.email ?? '';
  checkLimits(r, user.email_change_sent_at);
  const prefix = r.pkce ? PKCE_PREFIX : '';
  const otpNew = generateOtp(config.email.otpLength);
  const hashNew = `${prefix}${tokenHash(newEmail, otpNew)}`;
  const both = config.email.secureEmailChange && current !== '';
  const otpCurrent = both ? generateOtp(config.email.otpLength) : '';
  const hashCurrent = both ? `${prefix}${tokenHash(current, otpCurrent)}` : '';
  const mail = (to: string, otp: string, hash: string) =>
    deliver(r, to, 'email_change', {
      ...linkData(r, user, 'email_change', otp, hash),
      NewEmail: newEmail,
      SendingTo: to,
    });
  await Promise.all([
    mail(newEmail, otpNew, hashNew),
    ...(both ? [mail(current, otpCurrent, hashCurrent)] : []),
  ]);
  let saved = await saveToken(tx, user, 'email_change_token_new', hashNew, newEmail, {
    email_change: newEmail,
    email_change_sent_at: new Date(),
    email_change_confirm_status: 0,
    email_change_token_current: hashCurrent,
  });
  if (both) saved = await saveToken(tx, saved, 'email_change_token_current', hashCurrent, current);
  return saved;
}
