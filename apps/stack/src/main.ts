import { connectionUrl, loadConfig, migrate, runningPort, startPostgres } from '@harmony/db';
import pg from 'pg';
import { loadStackConfig } from './config.js';
import { startStack } from './server.js';

/**
 * `pnpm stack`: PostgreSQL (embedded, or DATABASE_URL), migrated, then the Supabase-compatible
 * API on one port. SIGINT/SIGTERM stop the HTTP server, then the database.
 */
async function main(): Promise<void> {
  const dbConfig = loadConfig();
  const stackConfig = loadStackConfig();
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
  } finally {
    await client.end();
  }

  const stack = await startStack(stackConfig, databaseUrl);
  console.log(
    [
      `Harmony stack ready: ${stack.url}`,
      `  API URL:          ${stack.url}`,
      `  anon key:         ${stack.keys.anon}`,
      `  service_role key: ${stack.keys.serviceRole}`,
      `  publishable key:  ${stack.keys.publishable}`,
      `  secret key:       ${stack.keys.secret}`,
      `  database:         ${databaseUrl.replace(/:[^:@/]+@/, ':****@')}`,
    ].join('\n'),
  );

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: shutting down`);
    await stack.stop();
    await stopPostgres();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
