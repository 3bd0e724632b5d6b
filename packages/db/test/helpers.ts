import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import { connectionUrl } from '../src/postgres.js';

/** A brand-new empty database on the test cluster, connected as the superuser. */
export async function emptyDatabase(): Promise<{ client: pg.Client; drop: () => Promise<void> }> {
  const { port } = inject('harmonyPostgres');
  const name = `scratch_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: connectionUrl(port) });
  await admin.connect();
  // As on Supabase, postgres owns the database (so it may create in schema public).
  await admin.query(`create database ${name} owner postgres`);
  const client = new pg.Client({ connectionString: connectionUrl(port, name) });
  await client.connect();
  return {
    client,
    drop: async () => {
      await client.end();
      await admin.query(`drop database ${name} with (force)`);
      await admin.end();
    },
  };
}

/** Writes a schema directory (db_schema layout) from a map of relative path → content. */
export function schemaDir(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'harmony-schema-'));
  for (const [path, content] of Object.entries(files)) addFile(root, path, content);
  return root;
}

export function addFile(root: string, path: string, content: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), content);
}
