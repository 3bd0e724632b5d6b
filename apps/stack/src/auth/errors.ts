import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { isDatabaseUnavailable, isInvalidValue } from '../db-errors.js';

/** GoTrue's stable error codes (internal/api/apierrors/errorcode.go) that this server emits. */
export type ErrorCode =
  | 'unexpected_failure'
  | 'unknown'
  | 'validation_failed'
  | 'bad_json'
  | 'email_exists'
  | 'user_already_exists'
  | 'weak_password'
  | 'same_password'
  | 'invalid_credentials'
  | 'email_not_confirmed'
  | 'phone_not_confirmed'
  | 'session_expired'
  | 'refresh_token_not_found'
  | 'refresh_token_already_used'
  | 'session_not_found'
  | 'bad_jwt'
  | 'no_authorization'
  | 'not_admin'
  | 'user_not_found'
  | 'user_banned'
  | 'over_request_rate_limit'
  | 'signup_disabled'
  | 'email_provider_disabled'
  | 'phone_provider_disabled'
  | 'anonymous_provider_disabled'
  | 'otp_expired'
  | 'conflict'
  | 'insufficient_aal'
  | 'mfa_verification_failed'
  | 'mfa_factor_not_found'
  | 'mfa_factor_name_conflict'
  | 'mfa_challenge_expired'
  | 'mfa_ip_address_mismatch'
  | 'too_many_enrolled_mfa_factors'
  | 'mfa_phone_enroll_not_enabled'
  | 'mfa_totp_enroll_not_enabled'
  | 'mfa_totp_verify_not_enabled'
  | 'mfa_webauthn_enroll_not_enabled'
  | 'flow_state_not_found'
  | 'flow_state_expired'
  | 'flow_state_already_used'
  | 'bad_code_verifier'
  | 'bad_oauth_state'
  | 'bad_oauth_callback'
  | 'provider_email_needs_verification'
  | 'provider_disabled'
  | 'saml_provider_disabled'
  | 'manual_linking_disabled'
  | 'identity_already_exists'
  | 'identity_not_found'
  | 'single_identity_not_deletable'
  | 'email_conflict_identity_not_deletable'
  | 'passkey_disabled'
  | 'web3_provider_disabled'
  | 'web3_unsupported_chain'
  | 'otp_disabled'
  | 'over_email_send_rate_limit'
  | 'reauthentication_needed'
  | 'reauthentication_not_valid';

/** An error answered with GoTrue's envelope; `extra` is merged into the body (e.g. weak_password). */
export class AuthApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: ErrorCode,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** RFC 6749 style errors ({error, error_description}), which GoTrue uses for a few token cases. */
export class OAuthError extends Error {
  constructor(
    readonly error: string,
    readonly description: string,
  ) {
    super(description);
  }
}

/** GoTrue's DuplicateEmailMsg (admin create, user update). */
export const DUPLICATE_EMAIL = 'A user with this email address has already been registered';

export const badRequest = (code: ErrorCode, message: string) => new AuthApiError(400, code, message);
export const forbidden = (code: ErrorCode, message: string) => new AuthApiError(403, code, message);
export const unprocessable = (code: ErrorCode, message: string) => new AuthApiError(422, code, message);
export const notFound = (code: ErrorCode, message: string) => new AuthApiError(404, code, message);

const API_VERSION_HEADER = 'x-supabase-api-version';

/** GoTrue answers with the 2024-01-01 shape only when the request asks for that version or later. */
function wantsApiVersion2024(c: Context): boolean {
  const requested = c.req.header(API_VERSION_HEADER);
  if (!requested || !/^\d{4}-\d{2}-\d{2}$/.test(requested)) return false;
  const date = Date.parse(`${requested}T00:00:00Z`);
  return Number.isFinite(date) && date >= Date.UTC(2024, 0, 1);
}

/**
 * The error envelope auth-js parses: `{code: <error_code>, message}` plus the echoed version
 * header for API version 2024-01-01, else the legacy `{code: <status>, error_code, msg}`.
 */
export function errorResponse(c: Context, error: unknown): Response {
  if (error instanceof OAuthError) {
    return c.json({ error: error.error, error_description: error.description }, 400);
  }
  const e =
    error instanceof AuthApiError
      ? error
      : (databaseRejection(error) ??
        new AuthApiError(
          500,
          'unexpected_failure',
          'Unexpected failure, please check server logs for more information',
        ));
  c.header('x-sb-error-code', e.code);
  if (wantsApiVersion2024(c)) {
    c.header(API_VERSION_HEADER, '2024-01-01');
    return c.json({ code: e.code, message: e.message, ...e.extra }, e.status);
  }
  return c.json({ code: e.status, error_code: e.code, msg: e.message, ...e.extra }, e.status);
}

interface PgError {
  code?: string;
  message?: string;
  constraint?: string;
}

const isPgError = (error: unknown): error is PgError =>
  typeof error === 'object' && error !== null && typeof (error as PgError).code === 'string';

/** GoTrue has no code of its own for this; 5xx answers carry unexpected_failure. */
export const databaseUnavailable = () =>
  new AuthApiError(503, 'unexpected_failure', 'The database is unavailable, please try again later');

/**
 * Database failures as the client should read them: an unreachable database is a 503; a value
 * PostgreSQL refuses (a NUL byte, `\u0000` in json) and errors raised by database triggers
 * (e.g. the profile trigger rejecting a username) are 4xx with their message instead of
 * GoTrue's opaque 500. Returns undefined for anything else.
 */
export function databaseRejection(error: unknown): AuthApiError | undefined {
  if (isDatabaseUnavailable(error)) return databaseUnavailable();
  if (isInvalidValue(error)) return new AuthApiError(400, 'validation_failed', error.message);
  if (!isPgError(error) || !error.message) return undefined;
  switch (error.code) {
    case '23505':
      return new AuthApiError(422, 'conflict', error.message);
    case '23514':
    case '23502':
    case 'P0001':
      return new AuthApiError(400, 'validation_failed', error.message);
    default:
      return undefined;
  }
}

export const isUniqueViolation = (error: unknown, constraint: string) =>
  isPgError(error) && error.code === '23505' && error.constraint === constraint;
