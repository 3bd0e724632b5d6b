import pg from 'pg';
import { type DbConfig, loadConfig } from './config.js';
import { recreateDatabase } from './migrate/reset.js';
import { migrate } from './migrate/runner.js';
import {
  connectionUrl,
  handleSignalsYourself,
  POSTGRES_MAJOR,
  runningPort,
  startPostgres,
} from './postgres.js';

const USAGE = 'usage: tsx src/cli.ts start | migrate | reset';

async function main(command: string | undefined): Promise<void> {
  const config = loadConfig();
  switch (command) {
    case 'start':
      return start(config);
    case 'migrate':
      return withDatabase(config, (url) => migrateUrl(url, config.schemaDir));
    case 'reset':
      return withDatabase(config, async (url) => {
        await recreateDatabase(url);
        console.log('database recreated');
        await migrateUrl(url, config.schemaDir);
      });
    default:
      throw new Error(USAGE);
  }
}

/** Runs against DATABASE_URL, the cluster already running from the data dir, or one started just for this. */
async function withDatabase(config: DbConfig, run: (url: string) => Promise<void>): Promise<void> {
  if (config.databaseUrl) return run(config.databaseUrl);
  const port = runningPort(config.dataDir);
  if (port) return run(connectionUrl(port));
  const server = await startPostgres({ dataDir: config.dataDir, port: config.port });
  try {
    await run(server.url());
  } finally {
    await server.stop();
  }
}

async function migrateUrl(url: string, schemaDir: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const result = await migrate(client, schemaDir);
    if (result.skippedPlatform) console.log('platform: provided by Supabase, skipped');
    for (const name of result.applied) console.log(`applied ${name}`);
    console.log(`${result.applied.length} file(s) applied`);
    for (const name of result.changed) {
      console.warn(`warning: ${name} changed after it was applied; run \`pnpm db:reset\` to rebuild`);
    }
  } finally {
    await client.end();
  }
}

async function start(config: DbConfig): Promise<void> {
  if (config.databaseUrl) {
    await migrateUrl(config.databaseUrl, config.schemaDir);
    console.log('using DATABASE_URL; nothing to keep running');
    return;
  }
  const running = runningPort(config.dataDir);
  if (running) throw new Error(`PostgreSQL is already running from ${config.dataDir} on port ${running}`);
  const server = await startPostgres({ dataDir: config.dataDir, port: config.port });
  await migrateUrl(server.url(), config.schemaDir);
  console.log(
    `PostgreSQL ${POSTGRES_MAJOR} ${server.created ? 'created' : 'reopened'} in ${config.dataDir}\n` +
      `  app (postgres): ${server.url('postgres', 'postgres')}\n` +
      `  superuser:      ${server.url()}\n` +
      'Ctrl-C stops it.',
  );
  handleSignalsYourself();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, async () => {
      console.log(`${signal}: stopping PostgreSQL`);
      await server.stop();
      process.exit(0);
    });
  }
}

main(process.argv[2]).catch((error: unknown) => {
  console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
