import { isDatabaseUnavailable } from '../db-errors.js';

/**
 * PostgREST's error model: every failure becomes `{code, message, details, hint}` with an HTTP
 * status (Error.hs). Parser, planner and executor throw {@link ApiError}; PostgreSQL errors are
 * mapped by {@link pgErrorToApiError} with PostgREST's SQLSTATE → status table.
 */

export type ErrorDetails = string | null | readonly unknown[] | Record<string, unknown>;

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ErrorDetails = null,
    readonly hint: string | null = null,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }

  body(): { code: string; details: ErrorDetails; hint: string | null; message: string } {
    return { code: this.code, details: this.details, hint: this.hint, message: this.message };
  }
}

/** PGRST100: a query parameter that does not follow the URL grammar. */
export function queryParamError(message: string, details: string): ApiError {
  return new ApiError(400, 'PGRST100', message, details);
}

export const invalidBody = (message: string) => new ApiError(400, 'PGRST102', message);

export const singularityError = (rows: number) =>
  new ApiError(
    406,
    'PGRST116',
    'Cannot coerce the result to a single JSON object',
    `The result contains ${rows} rows`,
  );

export const invalidRange = (details: string) =>
  new ApiError(416, 'PGRST103', 'Requested range not satisfiable', details);

export const notEmbedded = (resource: string) =>
  new ApiError(
    400,
    'PGRST108',
    `'${resource}' is not an embedded resource in this request`,
    null,
    `Verify that '${resource}' is included in the 'select' query parameter.`,
  );

export const columnNotFound = (relation: string, column: string) =>
  new ApiError(400, 'PGRST204', `Could not find the '${column}' column of '${relation}' in the schema cache`);

/** Error.hs mapSQLtoHTTP: the HTTP status for a PostgreSQL SQLSTATE. */
export function statusForSqlState(code: string, message: string, authenticated: boolean): number {
  if (code === '23503' || code === '23505') return 409;
  if (code === '25006') return 405;
  if (code === '21000') return message.endsWith('requires a WHERE clause') ? 400 : 500;
  if (code === '22023') return /^role .* does not exist$/.test(message) ? 401 : 400;
  if (code === '53400') return 500;
  if (code === '57P01') return 503;
  if (code === 'P0001') return 400;
  if (code === '42883') return message.startsWith('function xmlagg(') ? 406 : 404;
  if (code === '42P01') return 404;
  if (code === '42P17') return 500;
  if (code === '42501') return authenticated ? 403 : 401;
  const two = code.slice(0, 2);
  switch (two) {
    case '08':
      return 503;
    case '09':
      return 500;
    case '0L':
    case '0P':
      return 403;
    case '25':
      return 500;
    case '28':
      return 403;
    case '2D':
    case '38':
    case '39':
    case '3B':
    case '40':
      return 500;
    case '53':
      return 503;
    case '54':
    case '55':
    case '57':
    case '58':
    case 'F0':
    case 'HV':
      return 500;
    case 'P0':
      return 500;
    case 'XX':
      return 500;
    case 'PT': {
      const status = Number(code.slice(2));
      return Number.isInteger(status) && status >= 100 && status <= 599 ? status : 500;
    }
  }
  return 400;
}

interface PgErrorLike {
  code?: unknown;
  message?: unknown;
  detail?: unknown;
  hint?: unknown;
}

function isPgError(error: unknown): error is PgErrorLike & { code: string; message: string } {
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as PgErrorLike).code === 'string' &&
    /^[0-9A-Z]{5}$/.test((error as PgErrorLike).code as string) &&
    typeof (error as PgErrorLike).message === 'string'
  );
}

/**
 * `RAISE SQLSTATE 'PGRST'` with a JSON message `{code,message,details,hint}` and a JSON detail
 * `{status, status_text?, headers}`: a fully custom error response (errors.rst).
 */
function customPgrstError(message: string, detail: unknown): ApiError {
  try {
    const m = JSON.parse(message) as Record<string, unknown>;
    if (typeof detail !== 'string') {
      return new ApiError(
        500,
        'PGRST121',
        'Could not parse JSON in the "RAISE SQLSTATE \'PGRST\'" error',
        'DETAIL is missing in the RAISE statement',
        "DETAIL must be a JSON object with obligatory keys: 'status', 'headers' and optional key: 'status_text'.",
      );
    }
    const d = JSON.parse(detail) as { status?: unknown; headers?: unknown };
    if (typeof m.code !== 'string' || typeof m.message !== 'string' || typeof d.status !== 'number') {
      throw new Error('invalid');
    }
    const headers: Record<string, string> = {};
    if (d.headers && typeof d.headers === 'object') {
      for (const [k, v] of Object.entries(d.headers as Record<string, unknown>)) headers[k] = String(v);
    }
    return new ApiError(
      d.status,
      m.code,
      m.message,
      (m.details as ErrorDetails) ?? null,
      typeof m.hint === 'string' ? m.hint : null,
      headers,
    );
  } catch {
    return new ApiError(
      500,
      'PGRST121',
      'Could not parse JSON in the "RAISE SQLSTATE \'PGRST\'" error',
      `Invalid JSON value for MESSAGE: '${message}'`,
      "MESSAGE must be a JSON object with obligatory keys: 'code', 'message' and optional keys: 'details', 'hint'.",
    );
  }
}

/**
 * Any error thrown while talking to PostgreSQL, as PostgREST reports it. `authenticated` is
 * whether the request's role differs from the anonymous role (it splits 42501 into 401/403).
 */
export function pgErrorToApiError(error: unknown, authenticated: boolean): ApiError {
  if (error instanceof ApiError) return error;
  if (isPgError(error)) {
    if (error.code === 'PGRST') return customPgrstError(error.message, error.detail);
    const status = statusForSqlState(error.code, error.message, authenticated);
    // e.g. 57P03 while connecting: no session could be had, which PostgREST reports as PGRST000.
    if (status !== 503 && isDatabaseUnavailable(error)) return connectionError(error.code);
    const headers: Record<string, string> = status === 401 ? { 'WWW-Authenticate': 'Bearer' } : {};
    return new ApiError(
      status,
      error.code,
      error.message,
      typeof error.detail === 'string' ? error.detail : null,
      typeof error.hint === 'string' ? error.hint : null,
      headers,
    );
  }
  if (isDatabaseUnavailable(error)) {
    const code = (error as { code?: unknown }).code;
    return connectionError(typeof code === 'string' ? code : (error as Error).message);
  }
  return new ApiError(500, 'PGRSTX00', 'Internal server error', null);
}

const connectionError = (details: string) =>
  new ApiError(503, 'PGRST000', 'Database connection error. Retrying the connection.', details);
