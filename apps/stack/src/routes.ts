import { Hono } from 'hono';
import type { StackContext, StackEnv } from './context.js';
import { corsMiddleware, requireApiKey, sizeLimit } from './gateway.js';

/**
 * Every route of the gateway and the middleware in front of it, as self-hosted Supabase's
 * Kong routes them: services are mounted under /auth/v1, /rest/v1, /storage/v1 and
 * /realtime/v1 on one port.
 */
export function createApp(ctx: StackContext): Hono<StackEnv> {
  const app = new Hono<StackEnv>();
  const apiKey = requireApiKey(ctx.keys);

  app.use('*', corsMiddleware());
  app.use('*', sizeLimit(ctx.config.maxBodyBytes));
  app.use('*', async (c, next) => {
    const started = performance.now();
    await next();
    ctx.log.info(
      {
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        ms: Math.round(performance.now() - started),
      },
      'request',
    );
  });

  app.get('/health', (c) => c.json({ status: 'ok' }));

  // == services: each mounts its router here, behind `apiKey` where Kong requires a key ==
  // == end services ==

  app.notFound((c) => c.json({ message: 'no Route matched with those values' }, 404));
  app.onError((error, c) => {
    ctx.log.error({ err: error, path: c.req.path }, 'unhandled error');
    return c.json({ message: 'An unexpected error occurred' }, 500);
  });
  void apiKey;
  return app;
}
