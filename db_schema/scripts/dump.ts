import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectionUrl, freePort, loadConfig, startPostgres } from '@harmony/db';
import { buildTemplate } from '@harmony/db/testing';
import pg from 'pg';
import { dumpSchema } from './schema-dump.js';

/** Regenerates db_schema/latest_dev_backup.sql from a fresh install on a throwaway cluster. */
const dataDir = mkdtempSync(join(tmpdir(), 'harmony-dump-'));
const server = await startPostgres({ dataDir, port: await freePort(), ephemeral: true });
try {
  const { schemaDir } = loadConfig();
  const database = await buildTemplate(server.port, schemaDir);
  const client = new pg.Client({ connectionString: connectionUrl(server.port, database) });
  await client.connect();
  try {
    const target = join(schemaDir, 'latest_dev_backup.sql');
    writeFileSync(target, await dumpSchema(client));
    console.log(`wrote ${target}`);
  } finally {
    await client.end();
  }
} finally {
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
