import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectionUrl, migrate } from '@harmony/db';
import { createTestDatabase, type TestDatabase } from '@harmony/db/testing';
import pg from 'pg';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { dumpSchema } from '../scripts/schema-dump.js';

const committed = readFileSync(join(import.meta.dirname, '..', 'latest_dev_backup.sql'), 'utf8');

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.close());

async function withClient<T>(url: string, body: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await body(client);
  } finally {
    await client.end();
  }
}

it('latest_dev_backup.sql matches a fresh install (run `pnpm db:dump` after changing the schema)', async () => {
  expect(await withClient(db.url(), dumpSchema)).toBe(committed);
});

it('latest_dev_backup.sql is a complete dump: replayed on a bare platform it rebuilds the same schema', async () => {
  const { port } = inject('harmonyPostgres');
  const name = `restore_${Date.now().toString(36)}`;
  const platformOnly = mkdtempSync(join(tmpdir(), 'harmony-platform-'));
  cpSync(join(import.meta.dirname, '..', 'platform'), join(platformOnly, 'platform'), { recursive: true });
  await withClient(connectionUrl(port), (admin) => admin.query(`create database ${name}`));
  try {
    const restored = await withClient(connectionUrl(port, name), async (client) => {
      await migrate(client, platformOnly);
      await client.query('set role postgres');
      await client.query(committed);
      await client.query('reset role');
      return dumpSchema(client);
    });
    expect(restored).toBe(committed);
  } finally {
    await withClient(connectionUrl(port), (admin) => admin.query(`drop database ${name} with (force)`));
    rmSync(platformOnly, { recursive: true, force: true });
  }
});
