import { type Context, Hono } from 'hono';
import type { StackContext, StackEnv } from '../context.js';
import { requestHeaders } from '../gateway.js';
import { ApiError } from './errors.js';
import { type NodeListener, restReadFastPath } from './fast-path.js';
import type { RawRequest, Resource } from './parse/request.js';
import { errorReply, toResponse } from './respond.js';
import { RestService } from './service.js';

const MOUNT = '/rest/v1';
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];

/**
 * PostgREST, mounted by the gateway at /rest/v1 behind the API key check (table reads also come
 * in through `fastPath`, in front of hono: rest/fast-path.ts). Every route:
 *
 *   GET|HEAD                       /            OpenAPI description of the schema
 *   GET|HEAD|POST                  /rpc/:fn     call a function (other methods: 405 PGRST101)
 *   GET|HEAD|POST|PUT|PATCH|DELETE /:table      read, insert/upsert, upsert one, update, delete
 *   anything else                               404 PGRST125
 */
export function createRest(ctx: StackContext): { router: Hono<StackEnv>; fastPath: NodeListener } {
  const service = new RestService(ctx);
  service.start();
  // The service's LISTEN connection must close before the pools end.
  const endDb = ctx.db.end.bind(ctx.db);
  ctx.db.end = async () => {
    await service.close();
    await endDb();
  };

  const handle = async (c: Context<StackEnv>, resource: Resource) => {
    const url = c.req.url;
    const q = url.indexOf('?');
    const headers = requestHeaders(c);
    const method = c.req.method.toUpperCase();
    const fullPath = c.req.path;
    const at = fullPath.indexOf(MOUNT);
    const raw: RawRequest = {
      method,
      resource,
      path: at >= 0 ? fullPath.slice(at + MOUNT.length) || '/' : fullPath,
      query: q < 0 ? '' : url.slice(q + 1),
      headers,
      body: method === 'GET' || method === 'HEAD' ? null : await c.req.text(),
    };
    return toResponse(await service.handle(raw, c.var.bearer));
  };

  const app = new Hono<StackEnv>();
  app.on(['GET', 'HEAD'], '/', (c) => handle(c, { kind: 'schema' }));
  app.on(METHODS, '/rpc/:fn', (c) => handle(c, { kind: 'routine', name: c.req.param('fn') }));
  app.on(METHODS, '/:table', (c) => handle(c, { kind: 'relation', name: c.req.param('table') }));
  app.all('*', (c) => {
    // `/rest/v1/` (with the slash supabase-js and browsers send) is the root too.
    if (/\/rest\/v1\/$/.test(c.req.path) && (c.req.method === 'GET' || c.req.method === 'HEAD')) {
      return handle(c, { kind: 'schema' });
    }
    return toResponse(errorReply(new ApiError(404, 'PGRST125', 'Invalid path specified in request URL')));
  });
  return { router: app, fastPath: restReadFastPath(ctx, service) };
}
