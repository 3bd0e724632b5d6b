import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '@harmony/db/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { generateServerSchema } from '../scripts/drizzle-introspect.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.close());

it('src/db/schema.ts matches the schema (run `pnpm db:server-schema` after changing it)', async () => {
  const committed = readFileSync(join(import.meta.dirname, '..', 'src', 'db', 'schema.ts'), 'utf8');
  expect(await generateServerSchema(db.url())).toBe(committed);
});
