import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '@harmony/db/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { generateDatabaseTypes } from '../scripts/typegen.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.close());

it('database.types.ts matches the schema (run `pnpm db:types` after changing it)', async () => {
  const committed = readFileSync(join(import.meta.dirname, '..', 'src', 'database.types.ts'), 'utf8');
  expect(await generateDatabaseTypes(db.url())).toBe(committed);
});
