import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type pg from 'pg';
import pino, { type Logger } from 'pino';
import { apiRoutes } from './api/index.js';
import type { ServerConfig } from './config.js';
import { createDatabase, createPool } from './db/client.js';
import { createHarmonyFederation, type HarmonyFederation } from './federation/index.js';
import { createHttpApp } from './http.js';
import { CRONTAB, JOBS, taskList } from './jobs/index.js';
import type { JobDefinition } from './jobs/job.js';
import { type Queue, startQueue } from './queue/runner.js';

export interface ServiceOptions {
  config: ServerConfig;
  log?: Logger;
  jobs?: JobDefinition[];
  crontab?: string;
  sweepIntervalMs?: number;
  abandonedAfterSeconds?: number;
}

export interface RunningService {
  url: string;
  pool: pg.Pool;
  queue: Queue;
  log: Logger;
  /** ActivityPub federation, when configured (FEDERATION_ORIGIN). */
  federation: HarmonyFederation | null;
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 2_000;

/** Starts the job queue (installing or upgrading its schema) and the HTTP probes. */
export async function startService(options: ServiceOptions): Promise<RunningService> {
  const { config } = options;
  const log = options.log ?? pino({ level: config.logLevel, base: { service: 'harmony-server' } });
  // graphile-worker: one connection per running job, one for LISTEN; one more holds the pool lock.
  const pool = createPool(config.databaseUrl, config.concurrency + 4);
  pool.on('error', (error) => log.warn({ err: error }, 'idle database connection failed'));
  pool.on('connect', (client) => {
    client.on('error', (error) => log.warn({ err: error }, 'database connection failed'));
  });
  const db = createDatabase(pool);
  const federation = config.federation
    ? createHarmonyFederation({ db, config: config.federation, log: log.child({ part: 'federation' }) })
    : null;
  let stopping = false;
  let queue: Queue;
  try {
    queue = await startQueue({
      pool,
      log,
      tasks: taskList({ db, config, log, federation }, options.jobs),
      crontab: options.crontab ?? (config.scheduledJobs ? CRONTAB : ''),
      concurrency: config.concurrency,
      sweepIntervalMs: options.sweepIntervalMs ?? 15_000,
      abandonedAfterSeconds: options.abandonedAfterSeconds ?? 30,
    });
  } catch (error) {
    await pool.end();
    throw error;
  }
  const app = createHttpApp(
    {
      alive: () => !stopping,
      ready: async () => {
        if (stopping) return { ok: false, reason: 'shutting down' };
        try {
          await Promise.race([
            pool.query('select 1'),
            new Promise((_, reject) =>
              setTimeout(() => reject(new Error('database timeout')), READY_TIMEOUT_MS).unref(),
            ),
          ]);
          return { ok: true };
        } catch (error) {
          return { ok: false, reason: error instanceof Error ? error.message : String(error) };
        }
      },
    },
    apiRoutes({ db, config, log }),
    federation?.routes,
  );
  const server = serve({ fetch: app.fetch, hostname: config.host, port: config.port });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${config.host}:${port}`;
  log.info({ url, jobs: (options.jobs ?? JOBS).map((job) => job.name) }, 'harmony-server started');
  return {
    url,
    pool,
    queue,
    log,
    federation,
    async stop() {
      if (stopping) return;
      stopping = true;
      log.info('harmony-server stopping: no new jobs; finishing running ones');
      await queue.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await pool.end();
      log.info('harmony-server stopped');
    },
  };
}
