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
 * Kong's key-auth as self-hosted Supabase configures it: an `apikey` header or query
 * parameter must be one of the project's keys. An opaque sb_ key (or no Authorization at
 * all) is replaced by the matching role's JWT, so services only ever see JWTs.
 */
export const requireApiKey = (keys: ApiKeys): MiddlewareHandler<StackEnv> => {
  const roleJwt = new Map([
    [keys.anon, keys.anon],
    [keys.publishable, keys.anon],
    [keys.serviceRole, keys.serviceRole],
    [keys.secret, keys.serviceRole],
  ]);
  return async (c, next) => {
    const apikey = c.req.header('apikey') ?? c.req.query('apikey');
    if (!apikey) {
      return c.json(
        {
          message: 'No API key found in request',
          hint: 'No `apikey` request header or url param was found.',
        },
        401,
      );
    }
    const jwt = roleJwt.get(apikey);
    if (!jwt)
      return c.json(
        { message: 'Invalid API key', hint: 'Double check your Supabase `anon` or `service_role` API key.' },
        401,
      );
    const authorization = c.req.header('authorization');
    const bearer = /^bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
    c.set('bearer', bearer && !bearer.startsWith('sb_') ? bearer : jwt);
    await next();
  };
};
