import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import type { AuthConfig } from './config.js';
import { badRequest } from './errors.js';
import type { ClientInfo } from './tokens.js';

export type Body = Record<string, unknown>;

/** The caller's IP: the socket's, or the first X-Forwarded-For hop when a proxy is trusted. */
export function clientIp(c: Context, config: AuthConfig): string {
  if (config.trustProxy) {
    const forwarded = c.req.header('x-forwarded-for')?.split(',')[0]?.trim();
    if (forwarded) return normaliseIp(forwarded);
  }
  let address: string | undefined;
  try {
    address = getConnInfo(c).remote.address;
  } catch {
    // Not served by @hono/node-server (e.g. app.request in a unit test).
  }
  return normaliseIp(address ?? '127.0.0.1');
}

/** IPv4 clients of a dual-stack socket appear as ::ffff:a.b.c.d; store them as a.b.c.d. */
const normaliseIp = (ip: string) => ip.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');

export const clientInfo = (c: Context, config: AuthConfig): ClientInfo => ({
  ip: clientIp(c, config),
  userAgent: c.req.header('user-agent'),
});

/**
 * The JSON (or form) body as an object. Malformed JSON is GoTrue's 400 bad_json, never a 500;
 * an empty body counts as `{}`.
 */
export async function readBody(c: Context): Promise<Body> {
  const type = c.req.header('content-type') ?? '';
  const text = await c.req.text();
  if (type.startsWith('application/x-www-form-urlencoded')) {
    return Object.fromEntries(new URLSearchParams(text));
  }
  if (!text.trim()) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw badRequest(
      'bad_json',
      `Could not parse request body as JSON: ${error instanceof Error ? error.message : 'invalid JSON'}`,
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw badRequest('bad_json', 'Could not parse request body as JSON: expected an object');
  }
  return parsed as Body;
}

const typeError = (key: string, expected: string) =>
  badRequest('bad_json', `Could not parse request body as JSON: "${key}" must be ${expected}`);

/** A string member; absent or null gives ''. Wrong types are bad_json, as Go's decoder says. */
export function str(body: Body, key: string): string {
  const value = body[key];
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw typeError(key, 'a string');
  return value;
}

/** A string member that distinguishes absent (undefined) from '' (PUT /user password). */
export function optionalStr(body: Body, key: string): string | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw typeError(key, 'a string');
  return value;
}

export function bool(body: Body, key: string): boolean {
  const value = body[key];
  if (value === undefined || value === null) return false;
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'false') return value === 'true';
  throw typeError(key, 'a boolean');
}

export function obj(body: Body, key: string): Record<string, unknown> | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw typeError(key, 'an object');
  return value as Record<string, unknown>;
}

/** The address format GoTrue accepts (checkmail.ValidateFormat): ASCII only, so no NUL bytes. */
const EMAIL_FORMAT =
  /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;

/** GoTrue's email check: required, at most 255 characters, a well-formed address; lower-cased. */
export function validateEmail(raw: string): string {
  const email = raw.trim();
  if (!email) throw badRequest('validation_failed', 'An email address is required');
  if (email.length > 255) throw badRequest('validation_failed', 'An email address is too long');
  if (!EMAIL_FORMAT.test(email)) {
    throw badRequest('validation_failed', 'Unable to validate email address: invalid format');
  }
  return email.toLowerCase();
}

/** PKCE parameters from auth-js: both or neither; a 43..128 character challenge. */
export function pkceParams(challenge: string, method: string) {
  if (!challenge && !method) return { codeChallenge: null, codeChallengeMethod: null };
  if (!challenge || !method) {
    throw badRequest('validation_failed', 'PKCE flow requires code_challenge_method and code_challenge');
  }
  if (challenge.length < 43 || challenge.length > 128) {
    throw badRequest('validation_failed', 'code challenge has to be between 43 and 128 characters');
  }
  if (!/^[a-zA-Z._~0-9-]+$/.test(challenge)) {
    throw badRequest(
      'validation_failed',
      'code challenge can only contain alphanumeric characters, hyphens, periods, underscores and tildes',
    );
  }
  const lower = method.toLowerCase();
  if (lower !== 's256' && lower !== 'plain') {
    throw badRequest('validation_failed', `unsupported code_challenge method "${method}"`);
  }
  return { codeChallenge: challenge, codeChallengeMethod: lower as 's256' | 'plain' };
}
