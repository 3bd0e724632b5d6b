import { createServer, type RequestListener, type ServerOptions } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import pino, { type Logger } from 'pino';
import type { StackConfig } from './config.js';
import type { StackContext } from './context.js';
import { connectStackDb } from './db.js';
import { type ApiKeys, mintApiKeys } from './jwt.js';
import { startRealtime } from './realtime/router.js';
import { createApp } from './routes.js';

export interface RunningStack {
  url: string;
  keys: ApiKeys;
  ctx: StackContext;
  stop(): Promise<void>;
}

/** Serves the gateway and every service on one port (0 picks a free one). */
export async function startStack(
  config: StackConfig,
  databaseUrl: string,
  log: Logger = pino({ level: process.env.LOG_LEVEL ?? 'info' }),
): Promise<RunningStack> {
  const db = connectStackDb(databaseUrl, config.rolePassword);
  const keys = await mintApiKeys(config.jwtSecret, config.apiKeys);
  const ctx: StackContext = { config, db, keys, log };
  const { app, fastPath } = createApp(ctx);
  // REST table reads are answered before hono's request listener (rest/fast-path.ts).
  const withFastPath = ((options: ServerOptions, listener?: RequestListener) =>
    createServer(options, (req, res) => {
      if (!fastPath(req, res)) listener?.(req, res);
    })) as typeof createServer;
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve(
      { fetch: app.fetch, port: config.port, hostname: config.host, createServer: withFastPath },
      () => resolve(s),
    );
    s.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(
              `port ${config.port} is already in use (is another stack or \`supabase start\` running?); stop it or set HARMONY_STACK_PORT ([api] port in supabase/config.toml)`,
            )
          : error,
      ),
    );
  });
  // Realtime: WebSocket upgrades on /realtime/v1/websocket, replication slot on demand.
  const realtime = startRealtime(ctx, server);
  const { port } = server.address() as AddressInfo;
  const url = `http://${config.host}:${port}`;
  if (config.port === 0) config.publicUrl = url;
  return {
    url,
    keys,
    ctx,
    stop: async () => {
      // Sockets first (server.close waits for them), and the slot is dropped while the pools live.
      await realtime.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Keep-alive sockets would hold close() open; in-flight requests have finished by now.
        (server as unknown as { closeIdleConnections?: () => void }).closeIdleConnections?.();
      });
      await db.end();
    },
  };
}
