import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectionUrl, freePort, loadConfig, startPostgres } from '@harmony/db';
import { buildTemplate } from '@harmony/db/testing';
import { generateServerSchema } from './drizzle-introspect.js';

/** `pnpm db:server-schema`: regenerates src/db/schema.ts from a fresh install on a throwaway cluster. */
const dataDir = mkdtempSync(join(tmpdir(), 'harmony-drizzle-'));
const server = await startPostgres({ dataDir, port: await freePort(), ephemeral: true });
try {
  const database = await buildTemplate(server.port, loadConfig().schemaDir);
  const target = join(import.meta.dirname, '..', 'src', 'db', 'schema.ts');
  writeFileSync(target, await generateServerSchema(connectionUrl(server.port, database)));
  console.log(`wrote ${target}`);
} finally {
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
