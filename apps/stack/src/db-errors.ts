/**
 * What a failed database call means for the client, decided once for every service (REST,
 * Auth, Storage, Realtime): the database cannot be reached right now (each service answers 503
 * in its own envelope, and the pools reconnect by themselves once it is back), or the client
 * sent a value PostgreSQL refuses (a 4xx), or neither.
 */

/** Socket failures while connecting to or talking with the server. */
const SOCKET_ERRORS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * Besides class 08 (connection exception): the server is shutting down (57P01 admin_shutdown,
 * 57P02 crash_shutdown), not accepting sessions yet or any more (57P03 cannot_connect_now), or
 * out of connection slots (53300 too_many_connections).
 */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);

/** node-postgres and pg-pool messages for a connection that broke or never came (no code). */
const LOST_CONNECTION =
  /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error and is not queryable|Client was closed and is not queryable)/;

const codeOf = (error: object): unknown => (error as { code?: unknown }).code;

/** Whether `error` (or what it wraps, as `cause`) says the database is unreachable. */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e = error, depth = 0; typeof e === 'object' && e !== null && depth < 5; depth++) {
    const code = codeOf(e);
    if (typeof code === 'string') {
      if (SOCKET_ERRORS.has(code) || UNAVAILABLE_SQLSTATES.has(code) || /^08[0-9A-Z]{3}$/.test(code))
        return true;
    }
    if (e instanceof Error && LOST_CONNECTION.test(e.message)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * SQLSTATE class 22, data exception: a value PostgreSQL will not take, e.g. a NUL byte in text
 * (22021), `\u0000` in json (22P05) or a malformed uuid (22P02). Always the sender's mistake.
 */
export function isInvalidValue(error: unknown): error is Error & { code: string } {
  if (!(error instanceof Error)) return false;
  const code = codeOf(error);
  return typeof code === 'string' && /^22[0-9A-Z]{3}$/.test(code);
}
