import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '@harmony/db/testing';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { dumpSchema } from '../scripts/schema-dump.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.close());

it('latest_dev_backup.sql matches a fresh install (run `pnpm db:dump` after changing the schema)', async () => {
  const client = new pg.Client({ connectionString: db.url() });
  await client.connect();
  try {
    const committed = readFileSync(join(import.meta.dirname, '..', 'latest_dev_backup.sql'), 'utf8');
    expect(await dumpSchema(client)).toBe(committed);
  } finally {
    await client.end();
  }
});
