import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import type { StackEnv } from './context.js';
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

export const corsMiddleware = (): MiddlewareHandler =>
  cors({
    origin: (origin) => origin || '*',
    allowMethods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
    allowHeaders: ALLOWED_HEADERS,
    exposeHeaders: EXPOSED_HEADERS,
    credentials: true,
    maxAge: 3600,
  });

export const sizeLimit = (maxBytes: number): MiddlewareHandler =>
  bodyLimit({
    maxSize: maxBytes,
    onError: (c) => c.json({ message: `Request body is larger than ${maxBytes} bytes` }, 413),
  });

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
      callerToken(keys, c.req.header('authorization'), c.req.header('apikey') ?? c.req.query('apikey')),
    );
    await next();
  };
