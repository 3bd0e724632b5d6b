import {
  connectionUrl,
  handleSignalsYourself,
  loadConfig,
  migrate,
  runningPort,
  startPostgres,
} from '@harmony/db';
import pg from 'pg';
import pino from 'pino';
import { loadStackConfig } from './config.js';
import { configureLiveKit, liveKitFromEnv } from './livekit.js';
import { type RunningStack, startStack } from './server.js';

export interface LocalStack {
  stack: RunningStack;
  databaseUrl: string;
  stop(): Promise<void>;
}

/**
 * The whole local backend: PostgreSQL (embedded, or DATABASE_URL), migrated, then the
 * Supabase-compatible API. Used by `pnpm stack` and `pnpm dev`.
 */
export async function startLocalStack(env: NodeJS.ProcessEnv = process.env): Promise<LocalStack> {
  const dbConfig = loadConfig(env);
  let stopPostgres = async () => {};
  let databaseUrl = dbConfig.databaseUrl;
  if (!databaseUrl) {
    const port = runningPort(dbConfig.dataDir);
    if (port) {
      databaseUrl = connectionUrl(port);
    } else {
      const server = await startPostgres({ dataDir: dbConfig.dataDir, port: dbConfig.port });
      databaseUrl = server.url();
      stopPostgres = server.stop;
    }
  }
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const result = await migrate(client, dbConfig.schemaDir);
    if (result.applied.length) console.log(`database: applied ${result.applied.length} schema file(s)`);
    for (const name of result.changed) {
      console.warn(`warning: ${name} changed after it was applied; run \`pnpm db:reset\` to rebuild`);
    }
  } finally {
    await client.end();
  }
  const liveKit = liveKitFromEnv(env);
  if (liveKit) await configureLiveKit(databaseUrl, liveKit);
  const stack = await startStack(loadStackConfig(env), databaseUrl, pino({ level: env.LOG_LEVEL ?? 'info' }));
  return {
    stack,
    databaseUrl,
    stop: async () => {
      await stack.stop();
      await stopPostgres();
    },
  };
}

export function describeStack({ stack, databaseUrl }: LocalStack): string {
  return [
    `Harmony stack ready: ${stack.url}`,
    `  API URL:          ${stack.url}`,
    `  anon key:         ${stack.keys.anon}`,
    `  service_role key: ${stack.keys.serviceRole}`,
    `  publishable key:  ${stack.keys.publishable}`,
    `  secret key:       ${stack.keys.secret}`,
    `  database:         ${databaseUrl.replace(/:[^:@/]+@/, ':****@')}`,
  ].join('\n');
}

/** Stops everything once on SIGINT/SIGTERM, then exits 0. */
export function stopOnSignals(stop: () => Promise<void>): void {
  handleSignalsYourself();
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: shutting down`);
    await stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}
