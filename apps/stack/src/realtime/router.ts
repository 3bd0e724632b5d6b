import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { type Context, Hono, type MiddlewareHandler } from 'hono';
import type { StackContext, StackEnv } from '../context.js';
import { databaseReachable } from '../db.js';
import { httpBatchBroadcast, httpSingleBroadcast } from './broadcast.js';
import { RealtimeService } from './service.js';
import type { Vsn } from './socket.js';
import { checkToken } from './token.js';

export const WEBSOCKET_PATH = '/realtime/v1/websocket';

const services = new WeakMap<StackContext, RealtimeService>();

/** The stack's Realtime service (created on first use). */
export function realtimeFor(ctx: StackContext): RealtimeService {
  let service = services.get(ctx);
  if (!service) {
    service = new RealtimeService(ctx);
    services.set(ctx, service);
  }
  return service;
}

type UpgradeListener = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;

/** The HTTP server @hono/node-server returns (only its 'upgrade' event is used). */
export interface UpgradeSource {
  on(event: 'upgrade', listener: UpgradeListener): unknown;
  off(event: 'upgrade', listener: UpgradeListener): unknown;
}

export interface RunningRealtime {
  service: RealtimeService;
  stop(): Promise<void>;
}

/**
 * Attaches Realtime's WebSocket endpoint to the HTTP server (upgrades on
 * /realtime/v1/websocket; other upgrade requests are refused) and returns its stopper:
 * sockets are closed, the replication slot dropped.
 */
export function startRealtime(ctx: StackContext, server: UpgradeSource): RunningRealtime {
  const service = realtimeFor(ctx);
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => undefined);
    handleUpgrade(service, req, socket, head).catch((error: unknown) => {
      ctx.log.error({ err: error }, 'realtime: upgrade failed');
      reject(socket, 500, { error: 'Error connecting to Realtime' });
    });
  };
  server.on('upgrade', onUpgrade);
  return {
    service,
    stop: async () => {
      server.off('upgrade', onUpgrade);
      await service.stop();
    },
  };
}

function reject(socket: Duplex, status: number, body: unknown): void {
  if (socket.destroyed) return;
  const text = JSON.stringify(body);
  const reason = { 400: 'Bad Request', 401: 'Unauthorized', 404: 'Not Found', 500: 'Internal Server Error' }[
    status
  ];
  socket.end(
    `HTTP/1.1 ${status} ${reason ?? 'Error'}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`,
  );
}

/** Kong's key-auth: the apikey must be a project key; opaque sb_ keys stand for their role JWT. */
function keyJwt(ctx: StackContext, apikey: string): string | null {
  const { keys } = ctx;
  if (apikey === keys.anon || apikey === keys.publishable) return keys.anon;
  if (apikey === keys.serviceRole || apikey === keys.secret) return keys.serviceRole;
  return null;
}

async function handleUpgrade(service: RealtimeService, req: IncomingMessage, socket: Duplex, head: Buffer) {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const path = url.pathname.replace(/\/+$/, '');
  if (path !== WEBSOCKET_PATH || req.headers.upgrade?.toLowerCase() !== 'websocket') {
    reject(socket, 404, { message: 'no Route matched with those values' });
    return;
  }
  const header = (name: string) => {
    const value = req.headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  const apikey = url.searchParams.get('apikey') ?? header('apikey') ?? header('x-api-key');
  if (!apikey) {
    reject(socket, 401, {
      message: 'No API key found in request',
      hint: 'No `apikey` request header or url param was found.',
    });
    return;
  }
  const token = keyJwt(service.ctx, apikey);
  if (!token) {
    reject(socket, 401, {
      message: 'Invalid API key',
      hint: 'Double check your Supabase `anon` or `service_role` API key.',
    });
    return;
  }
  const vsnParam = url.searchParams.get('vsn') ?? '1.0.0';
  if (vsnParam !== '1.0.0' && vsnParam !== '2.0.0') {
    reject(socket, 400, { error: `Unsupported serializer version ${vsnParam}` });
    return;
  }
  const check = await checkToken(token, service.ctx.config.jwtKeys);
  if (!check.ok) {
    reject(socket, 401, { error: check.message });
    return;
  }
  service.wss.handleUpgrade(req, socket, head, (ws) => {
    service.accept(ws, { vsn: vsnParam as Vsn, token, claims: check.claims, headers: req.headers });
  });
}

const forwardedHeaders = (c: Context<StackEnv>): Record<string, string> => {
  const out: Record<string, string> = {};
  c.req.raw.headers.forEach((value, key) => {
    if (key !== 'cookie' && key !== 'authorization' && key !== 'apikey') out[key] = value;
  });
  return out;
};

/** Realtime's REST API (mounted at /realtime/v1, behind the API key like Kong's route). */
export function realtimeRouter(ctx: StackContext, apiKey: MiddlewareHandler<StackEnv>): Hono<StackEnv> {
  const router = new Hono<StackEnv>();
  router.use('/api/*', apiKey);
  // Realtime's tenant health (GET /api/tenants/:tenant/health) in its body, with a 503 while the
  // database is unreachable so a health check can tell.
  router.get('/api/health', async (c) => {
    const service = realtimeFor(ctx);
    const dbConnected = await databaseReachable(ctx.db.admin);
    const data = {
      healthy: dbConnected,
      db_connected: dbConnected,
      replication_connected: service.broadcastReplication?.isStreaming ?? false,
      connected_cluster: service.socketCount,
    };
    return c.json({ data }, dbConnected ? 200 : 503);
  });
  router.post('/api/broadcast', async (c) => {
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      return c.json({ message: 'Malformed JSON body' }, 400);
    }
    const result = await httpBatchBroadcast(realtimeFor(ctx), c.get('bearer'), forwardedHeaders(c), body);
    return result.body === null ? c.body(null, 202) : c.json(result.body as object, result.status as 401);
  });
  router.post('/api/broadcast/:topic/events/:event', async (c) => {
    const result = await httpSingleBroadcast(
      realtimeFor(ctx),
      c.get('bearer'),
      forwardedHeaders(c),
      c.req.param('topic'),
      c.req.param('event'),
      c.req.query('private') === 'true',
      c.req.header('content-type') ?? '',
      await c.req.arrayBuffer(),
    );
    return result.body === null ? c.body(null, 202) : c.json(result.body as object, result.status as 401);
  });
  return router;
}
