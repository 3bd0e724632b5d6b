import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectionUrl, freePort, loadConfig, startPostgres } from '@harmony/db';
import { buildTemplate } from '@harmony/db/testing';
import { generateDatabaseTypes } from './typegen.js';

/** Regenerates src/database.types.ts from a fresh install on a throwaway cluster. */
const dataDir = mkdtempSync(join(tmpdir(), 'harmony-types-'));
const server = await startPostgres({ dataDir, port: await freePort(), ephemeral: true });
try {
  const database = await buildTemplate(server.port, loadConfig().schemaDir);
  const target = join(import.meta.dirname, '..', 'src', 'database.types.ts');
  writeFileSync(target, await generateDatabaseTypes(connectionUrl(server.port, database)));
  console.log(`wrote ${target}`);
} finally {
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
