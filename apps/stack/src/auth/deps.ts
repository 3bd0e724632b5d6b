import type { Context } from 'hono';
import type { StackContext } from '../context.js';
import type { Mailer } from '../mail/mailer.js';
import type { AuthConfig } from './config.js';
import type { AuthEnv } from './middleware.js';
import type { OidcClients } from './oidc-client.js';
import { RateLimiter } from './rate-limit.js';

/** What every handler closes over: one instance per running stack. */
export interface AuthDeps {
  ctx: StackContext;
  config: AuthConfig;
  limits: {
    /** Sign-ups and password sign-ins per IP. */
    signInByIp: RateLimiter;
    /** The same, per email address, so rotating IPs does not help guess one account's password. */
    signInByEmail: RateLimiter;
    tokenRefresh: RateLimiter;
    mfa: RateLimiter;
    anonymousUsers: RateLimiter;
    /** Link and code verifications per IP, so a 6-digit code cannot be guessed. */
    tokenVerifications: RateLimiter;
    /** Mails sent per IP ([auth.rate_limit] email_sent). */
    emailSent: RateLimiter;
  };
  oidc: OidcClients;
  mailer: Mailer;
}

export type AuthContext = Context<AuthEnv>;

export function rateLimiters(config: AuthConfig): AuthDeps['limits'] {
  const { signInSignUps, tokenRefresh, mfa, anonymousUsers, tokenVerifications, emailSent } =
    config.rateLimits;
  return {
    signInByIp: new RateLimiter(signInSignUps),
    signInByEmail: new RateLimiter(signInSignUps),
    tokenRefresh: new RateLimiter(tokenRefresh),
    mfa: new RateLimiter(mfa),
    anonymousUsers: new RateLimiter(anonymousUsers),
    tokenVerifications: new RateLimiter(tokenVerifications),
    emailSent: new RateLimiter(emailSent),
  };
}
