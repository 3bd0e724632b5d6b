import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';

const run = promisify(execFile);
const require = createRequire(import.meta.url);

/**
 * TypeScript types for the `public` schema, from postgres-meta's generator (what
 * `supabase gen types` runs in a container) in its one-shot mode: no Docker needed.
 */
export async function generateDatabaseTypes(databaseUrl: string): Promise<string> {
  const server = require.resolve('@supabase/postgres-meta/dist/server/server.js');
  const { stdout } = await run(process.execPath, [server], {
    env: {
      ...process.env,
      PG_META_DB_URL: databaseUrl,
      PG_META_GENERATE_TYPES: 'typescript',
      PG_META_GENERATE_TYPES_INCLUDED_SCHEMAS: 'public',
      PG_META_GENERATE_TYPES_DETECT_ONE_TO_ONE_RELATIONSHIPS: 'true',
    },
    maxBuffer: 32 * 1024 * 1024,
  });
  return stdout;
}
