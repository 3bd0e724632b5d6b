import type { StackConfig } from '../config.js';
import { type SmtpSettings, smtpFromEnv } from '../mail/mailer.js';
import { loadMailTemplates, type MailTemplates } from '../mail/templates.js';
import { type OAuth2ProviderConfig, oauth2ProvidersFromEnv } from './oauth2-client.js';

/** An OpenID Connect provider configured by HARMONY_OIDC_<NAME>_{ISSUER,CLIENT_ID,CLIENT_SECRET,SCOPES}. */
export interface OidcProviderConfig {
  /** Lower-case name used as `?provider=` and as identities.provider. */
  name: string;
  issuer: string;
  clientId: string;
  clientSecret: string;
  scopes: string;
}

/** A token bucket: `limit` requests per `windowSeconds`, refilled continuously. */
export interface RateLimit {
  limit: number;
  windowSeconds: number;
}

/** [auth.email]: mail, one-time codes and the switches around them (GoTrue's MAILER_* / SMTP_*). */
export interface EmailConfig {
  /** Without one, mail is dropped (GoTrue's no-op mailer); `pnpm stack` points it at the local inbox. */
  smtp: SmtpSettings | undefined;
  templates: MailTemplates;
  /** [auth.email] otp_length (GOTRUE_MAILER_OTP_LENGTH). */
  otpLength: number;
  /** [auth.email] otp_expiry in seconds (GOTRUE_MAILER_OTP_EXP): links and codes die after it. */
  otpExpiry: number;
  /** [auth.email] max_frequency (GOTRUE_SMTP_MAX_FREQUENCY): one mail of a kind per address per this many seconds. */
  maxFrequency: number;
  /** [auth.email] double_confirm_changes (GOTRUE_MAILER_SECURE_EMAIL_CHANGE_ENABLED): both addresses confirm a change. */
  secureEmailChange: boolean;
  /** [auth.email] secure_password_change (GOTRUE_SECURITY_UPDATE_PASSWORD_REQUIRE_REAUTHENTICATION). */
  passwordChangeNeedsReauthentication: boolean;
}

/** Go's duration syntax ("1s", "1m30s") in seconds, or a bare number of seconds. */
function goDurationSeconds(value: string | undefined, fallback: number): number {
  if (!value) return fallback;
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value);
  const units: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600 };
  const parts = [...value.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  if (!parts.length || parts.map((p) => p[0]).join('') !== value) {
    throw new Error(`invalid duration "${value}" (expected e.g. "1s", "60s", "1m")`);
  }
  return parts.reduce((total, [, n, unit]) => total + Number(n) * (units[unit ?? 's'] ?? 1), 0);
}

/**
 * Auth settings beyond the shared StackConfig, read from the environment (names follow
 * GoTrue's config.toml where there is one). The stack config is kept by reference because
 * its publicUrl is only known once the server listens.
 */
export interface AuthConfig {
  stack: StackConfig;
  minPasswordLength: number;
  /** [auth] refresh_token_reuse_interval (seconds). */
  refreshTokenReuseInterval: number;
  /** JWT roles allowed on /admin (GOTRUE_JWT_ADMIN_ROLES). */
  adminRoles: string[];
  /** [auth.mfa] max_enrolled_factors (GOTRUE_MFA_MAX_ENROLLED_FACTORS). */
  maxEnrolledFactors: number;
  /**
   * [auth.mfa.totp] enroll_enabled / verify_enabled (GOTRUE_MFA_TOTP_ENROLL_ENABLED /
   * GOTRUE_MFA_TOTP_VERIFY_ENABLED, on by default in GoTrue). Phone and WebAuthn factors are
   * not implemented, so they stay disabled.
   */
  totp: { enroll: boolean; verify: boolean };
  /** [auth] enable_manual_linking (GOTRUE_SECURITY_MANUAL_LINKING_ENABLED), off by default. */
  manualLinking: boolean;
  /** MFA challenges expire after this many seconds (GoTrue default 300). */
  mfaChallengeExpiry: number;
  /** OAuth flow states expire after this many seconds (GoTrue default 300). */
  flowStateExpiry: number;
  /** Use the first X-Forwarded-For address as the client IP (only behind a trusted proxy). */
  trustProxy: boolean;
  /** [auth] additional_redirect_urls; `*` matches within a path segment, `**` anything. */
  additionalRedirectUrls: string[];
  /** [auth] enable_anonymous_sign_ins (GOTRUE_EXTERNAL_ANONYMOUS_USERS_ENABLED), off by default as in GoTrue. */
  anonymousSignIns: boolean;
  rateLimits: {
    /** [auth.rate_limit] sign_in_sign_ups: per IP, and per email address. */
    signInSignUps: RateLimit;
    /** [auth.rate_limit] token_refresh: per IP. */
    tokenRefresh: RateLimit;
    /** MFA challenge and verify, per IP (GOTRUE_MFA_RATE_LIMIT_CHALLENGE_AND_VERIFY). */
    mfa: RateLimit;
    /** [auth.rate_limit] anonymous_users: anonymous sign-ins per IP (GoTrue: 30 an hour). */
    anonymousUsers: RateLimit;
    /** [auth.rate_limit] token_verifications: /verify calls per IP (GoTrue: 30 per 5 minutes). */
    tokenVerifications: RateLimit;
    /** [auth.rate_limit] email_sent: mails per IP per hour (GoTrue: 30); 0 refuses every mail. */
    emailSent: RateLimit;
  };
  oidcProviders: Map<string, OidcProviderConfig>;
  /** GoTrue's fixed-endpoint OAuth2 providers (github, gitlab, discord) that are enabled. */
  oauth2Providers: OAuth2ProviderConfig[];
  email: EmailConfig;
}

const int = (value: string | undefined, fallback: number) => {
  const n = Number(value);
  return value !== undefined && Number.isFinite(n) && n >= 0 ? n : fallback;
};

const flag = (value: string | undefined, fallback = false) =>
  value === undefined ? fallback : ['1', 'true', 'yes', 'on'].includes(value.toLowerCase());

const list = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

function oidcProviders(env: NodeJS.ProcessEnv): Map<string, OidcProviderConfig> {
  const providers = new Map<string, OidcProviderConfig>();
  for (const [key, issuer] of Object.entries(env)) {
    const match = /^HARMONY_OIDC_([A-Z0-9_]+)_ISSUER$/.exec(key);
    if (!match?.[1] || !issuer) continue;
    const prefix = `HARMONY_OIDC_${match[1]}_`;
    const clientId = env[`${prefix}CLIENT_ID`];
    if (!clientId) throw new Error(`${prefix}CLIENT_ID is required when ${key} is set`);
    const name = match[1].toLowerCase();
    providers.set(name, {
      name,
      issuer: issuer.replace(/\/+$/, ''),
      clientId,
      clientSecret: env[`${prefix}CLIENT_SECRET`] ?? '',
      scopes: env[`${prefix}SCOPES`] ?? 'openid email profile',
    });
  }
  return providers;
}

export function loadAuthConfig(stack: StackConfig, env: NodeJS.ProcessEnv = process.env): AuthConfig {
  const limit = (name: string, limit: number, windowSeconds: number): RateLimit => ({
    limit: int(env[`HARMONY_AUTH_RATE_LIMIT_${name}`], limit),
    windowSeconds: int(env[`HARMONY_AUTH_RATE_LIMIT_${name}_WINDOW`], windowSeconds),
  });
  return {
    stack,
    minPasswordLength: int(env.HARMONY_AUTH_MIN_PASSWORD_LENGTH, 6),
    refreshTokenReuseInterval: int(env.HARMONY_AUTH_REFRESH_TOKEN_REUSE_INTERVAL, 10),
    adminRoles: ['service_role', 'supabase_admin'],
    maxEnrolledFactors: int(env.GOTRUE_MFA_MAX_ENROLLED_FACTORS, 10),
    totp: {
      enroll: flag(env.GOTRUE_MFA_TOTP_ENROLL_ENABLED, true),
      verify: flag(env.GOTRUE_MFA_TOTP_VERIFY_ENABLED, true),
    },
    manualLinking: flag(env.GOTRUE_SECURITY_MANUAL_LINKING_ENABLED),
    mfaChallengeExpiry: 300,
    flowStateExpiry: 300,
    trustProxy: flag(env.HARMONY_AUTH_TRUST_PROXY),
    additionalRedirectUrls: list(env.HARMONY_AUTH_ADDITIONAL_REDIRECT_URLS),
    anonymousSignIns: flag(env.GOTRUE_EXTERNAL_ANONYMOUS_USERS_ENABLED),
    rateLimits: {
      signInSignUps: limit('SIGN_IN_SIGN_UPS', 30, 300),
      tokenRefresh: limit('TOKEN_REFRESH', 150, 300),
      mfa: limit('MFA', 15, 60),
      anonymousUsers: limit('ANONYMOUS_USERS', 30, 3600),
      tokenVerifications: limit('TOKEN_VERIFICATIONS', 30, 300),
      emailSent: limit('EMAIL_SENT', 30, 3600),
    },
    oidcProviders: oidcProviders(env),
    oauth2Providers: oauth2ProvidersFromEnv(env),
    // Defaults are the CLI's config.toml template (local development), not GoTrue's.
    email: {
      smtp: smtpFromEnv(env),
      templates: loadMailTemplates(env),
      otpLength: int(env.GOTRUE_MAILER_OTP_LENGTH, 6),
      otpExpiry: int(env.GOTRUE_MAILER_OTP_EXP, 3600),
      maxFrequency: goDurationSeconds(env.GOTRUE_SMTP_MAX_FREQUENCY, 1),
      secureEmailChange: flag(env.GOTRUE_MAILER_SECURE_EMAIL_CHANGE_ENABLED, true),
      passwordChangeNeedsReauthentication: flag(env.GOTRUE_SECURITY_UPDATE_PASSWORD_REQUIRE_REAUTHENTICATION),
    },
  };
}

/** The `iss` claim and the base of every auth URL, e.g. http://127.0.0.1:54321/auth/v1. */
export const authBaseUrl = (config: AuthConfig) => `${config.stack.publicUrl.replace(/\/+$/, '')}/auth/v1`;
