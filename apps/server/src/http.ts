import { Hono } from 'hono';

export interface Probes {
  /** The process runs (liveness). */
  alive(): boolean;
  /** Takes jobs: the database answers and the queue runs (readiness). */
  ready(): Promise<{ ok: boolean; reason?: string }>;
}

/**
 * The service's routes: GET /health (liveness) and GET /ready (readiness), 200 or 503, the
 * public ones under /api/, and federation's (/.well-known/webfinger, /.well-known/nodeinfo,
 * /nodeinfo/, /ap/) when it is on.
 */
export function createHttpApp(probes: Probes, api?: Hono, federation?: Hono): Hono {
  const app = new Hono();
  if (api) app.route('/api', api);
  if (federation) app.route('/', federation);
  app.get('/health', (c) =>
    probes.alive() ? c.json({ status: 'ok' }) : c.json({ status: 'stopping' }, 503),
  );
  app.get('/ready', async (c) => {
    const { ok, reason } = await probes.ready();
    return ok ? c.json({ status: 'ready' }) : c.json({ status: 'not ready', reason }, 503);
  });
  app.notFound((c) => c.json({ error: 'not found' }, 404));
  return app;
}
