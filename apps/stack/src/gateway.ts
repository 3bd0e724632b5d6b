import type { IncomingMessage } from 'node:http';
import type { HttpBindings } from '@hono/node-server';
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { StackContext, StackEnv } from './context.js';
import type { ApiKeys } from './jwt.js';

/** Headers supabase-js sends, and those it must be able to read (count, pagination). */
const ALLOWED_HEADERS = [
  'authorization',
  'x-client-info',
  'apikey',
  'content-type',
  'x-retry-count',
  'traceparent',
  'tracestate',
  'baggage',
  'accept',
  'accept-profile',
  'content-profile',
  'prefer',
  'range',
  'x-supabase-api-version',
  'x-upsert',
  'cache-control',
  'x-metadata',
  'content-encoding',
  'accept-encoding',
  'if-none-match',
];
const EXPOSED_HEADERS = [
  'content-range',
  'x-total-count',
  'link',
  'x-supabase-api-version',
  'content-location',
  'location',
  'preference-applied',
  'etag',
  'content-length',
  'content-disposition',
  'x-request-id',
];

const ALLOW_METHODS = 'GET,HEAD,POST,PUT,PATCH,DELETE,OPTIONS';
const ALLOW_HEADERS = ALLOWED_HEADERS.join(',');
const EXPOSE_HEADERS = EXPOSED_HEADERS.join(',');

/** Node's IncomingMessage when the app runs under @hono/node-server (absent in in-process tests). */
const incomingOf = (c: Context<StackEnv>) => (c.env as Partial<HttpBindings> | undefined)?.incoming;

const joined = (value: string | string[] | undefined) => (Array.isArray(value) ? value.join(', ') : value);

/**
 * A request header, read from Node's IncomingMessage when there is one: `c.req.header()` would
 * materialise a WHATWG Request and Headers on every request, which costs more CPU than the rest
 * of a cached REST read (bench/rest-page.ts).
 */
export function requestHeader(c: Context<StackEnv>, name: string): string | undefined {
  const incoming = incomingOf(c);
  return incoming ? joined(incoming.headers[name]) : c.req.header(name);
}

/** Every request header by lower-case name, read the same way. */
export function requestHeaders(c: Context<StackEnv>): Record<string, string> {
  const incoming = incomingOf(c);
  if (incoming) return nodeRequestHeaders(incoming);
  const headers: Record<string, string> = {};
  c.req.raw.headers.forEach((value, key) => {
    headers[key] = value;
  });
  return headers;
}

/** Every header of a Node request by lower-case name (repeated ones joined as `Headers` does). */
export function nodeRequestHeaders(incoming: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(incoming.headers)) {
    const text = joined(value);
    if (text !== undefined) headers[key] = text;
  }
  return headers;
}

/** The CORS headers every response but a preflight carries, added to a plain record. */
export function addCorsHeaders(headers: Record<string, string>, origin: string): void {
  headers['access-control-allow-origin'] = origin;
  headers['access-control-allow-credentials'] = 'true';
  headers['access-control-expose-headers'] = EXPOSE_HEADERS;
  headers.vary = headers.vary ? `${headers.vary}, Origin` : 'Origin';
}

/**
 * CORS as Kong's plugin answers supabase-js: preflights get 204 with the allowed methods and
 * headers; every other response gets the origin, credentials and exposed headers. Headers are
 * added after the handler so its Response is not rebuilt (hono's cors sets them before).
 */
export const corsMiddleware = (): MiddlewareHandler<StackEnv> => async (c, next) => {
  const origin = requestHeader(c, 'origin') || '*';
  if (c.req.method === 'OPTIONS') {
    return new Response(null, {
      status: 204,
      headers: {
        'access-control-allow-origin': origin,
        'access-control-allow-credentials': 'true',
        'access-control-expose-headers': EXPOSE_HEADERS,
        'access-control-max-age': '3600',
        'access-control-allow-methods': ALLOW_METHODS,
        'access-control-allow-headers': ALLOW_HEADERS,
        vary: 'Origin, Access-Control-Request-Headers',
      },
    });
  }
  await next();
  const headers = c.res.headers;
  headers.set('access-control-allow-origin', origin);
  headers.set('access-control-allow-credentials', 'true');
  headers.set('access-control-expose-headers', EXPOSE_HEADERS);
  headers.append('vary', 'Origin');
};

/** The gateway's access log line. */
export function logRequest(ctx: StackContext, method: string, path: string, status: number, started: number) {
  ctx.log.info({ method, path, status, ms: Math.round(performance.now() - started) }, 'request');
}

/** The body of a 500 for an error no service handled. */
export const UNEXPECTED_ERROR = { message: 'An unexpected error occurred' };

/** Requests that carry no body skip the check: reading `c.req.raw.body` builds a WHATWG Request. */
export const sizeLimit = (maxBytes: number): MiddlewareHandler => {
  const limit = bodyLimit({
    maxSize: maxBytes,
    onError: (c) => c.json({ message: `Request body is larger than ${maxBytes} bytes` }, 413),
  });
  return (c, next) => (c.req.method === 'GET' || c.req.method === 'HEAD' ? next() : limit(c, next));
};

/**
 * The caller's token as the Supabase CLI's Kong derives the Authorization it forwards: a
 * Bearer other than an opaque sb_ key is passed on as is; otherwise the sb_secret_/
 * sb_publishable_ key maps to the service_role/anon JWT; otherwise the `apikey` itself (a
 * legacy JWT, or whatever was sent, which the service then rejects). No key at all means no
 * token: REST serves `anon`, auth answers "requires a valid Bearer token". Kong checks no key.
 */
export function callerToken(
  keys: ApiKeys,
  authorization: string | undefined,
  apikey: string | undefined,
): string {
  if (authorization !== undefined && !/^bearer sb_/i.test(authorization)) {
    return /^bearer\s+(\S+)$/i.exec(authorization.trim())?.[1] ?? '';
  }
  if (apikey === keys.secret) return keys.serviceRole;
  if (apikey === keys.publishable) return keys.anon;
  return apikey ?? '';
}

export const resolveCaller =
  (keys: ApiKeys): MiddlewareHandler<StackEnv> =>
  async (c, next) => {
    c.set(
      'bearer',
      callerToken(
        keys,
        requestHeader(c, 'authorization'),
        requestHeader(c, 'apikey') ?? c.req.query('apikey'),
      ),
    );
    await next();
  };
