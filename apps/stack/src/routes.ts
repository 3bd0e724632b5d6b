import { Hono } from 'hono';
import { createAuthRouter } from './auth/router.js';
import type { StackContext, StackEnv } from './context.js';
import { corsMiddleware, logRequest, resolveCaller, sizeLimit, UNEXPECTED_ERROR } from './gateway.js';
import { realtimeRouter } from './realtime/router.js';
import type { NodeListener } from './rest/fast-path.js';
import { createRest } from './rest/router.js';
import { createStorageRouter } from './storage/router.js';

/**
 * Every route of the gateway and the middleware in front of it, as self-hosted Supabase's
 * Kong routes them: services are mounted under /auth/v1, /rest/v1, /storage/v1 and
 * /realtime/v1 on one port.
 */
export interface StackApp {
  app: Hono<StackEnv>;
  /** REST table reads, served on Node's request before hono sees it (rest/fast-path.ts). */
  fastPath: NodeListener;
}

export function createApp(ctx: StackContext): StackApp {
  const app = new Hono<StackEnv>();
  const apiKey = resolveCaller(ctx.keys);

  app.use('*', corsMiddleware());
  // Storage streams uploads against its own (per-bucket) cap, so the gateway's limit skips it.
  app.use('*', async (c, next) =>
    c.req.path.startsWith('/storage/v1/') ? next() : sizeLimit(ctx.config.maxBodyBytes)(c, next),
  );
  app.use('*', async (c, next) => {
    const started = performance.now();
    await next();
    logRequest(ctx, c.req.method, c.req.path, c.res.status, started);
  });

  app.get('/health', (c) => c.json({ status: 'ok' }));

  // == services: each mounts its router here; `apiKey` derives the caller's token as the CLI's Kong does ==
  // Auth applies `apiKey` itself: /verify, /callback, /authorize and the JWKS are open, as in Kong.
  app.route('/auth/v1', createAuthRouter(ctx, apiKey));
  app.route('/storage/v1', createStorageRouter(ctx));
  app.route('/realtime/v1', realtimeRouter(ctx, apiKey));
  app.use('/rest/v1/*', apiKey);
  const rest = createRest(ctx);
  app.route('/rest/v1', rest.router);
  // == end services ==

  app.notFound((c) => c.json({ message: 'no Route matched with those values' }, 404));
  app.onError((error, c) => {
    ctx.log.error({ err: error, path: c.req.path }, 'unhandled error');
    return c.json(UNEXPECTED_ERROR, 500);
  });
  return { app, fastPath: rest.fastPath };
}
