import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const require = createRequire(import.meta.url);
const serverDir = join(import.meta.dirname, '..');

const HEADER = `// Generated from the live database by drizzle-kit introspection (pnpm db:server-schema); do not edit.
// The tables apps/server uses (drizzle.config.ts), columns only: constraints, indexes and policies
// stay in db_schema.
`;

/** src/db/schema.ts for the database at `databaseUrl`: `drizzle-kit pull`, tidied (see tidyDrizzleSchema). */
export async function generateServerSchema(databaseUrl: string): Promise<string> {
  const out = mkdtempSync(join(tmpdir(), 'harmony-drizzle-'));
  try {
    await run(
      process.execPath,
      [join(dirname(require.resolve('drizzle-kit')), 'bin.cjs'), 'pull', '--config', 'drizzle.config.ts'],
      {
        cwd: serverDir,
        env: { ...process.env, DRIZZLE_OUT: out, DRIZZLE_DATABASE_URL: databaseUrl },
      },
    );
    return await formatTypeScript(HEADER + tidyDrizzleSchema(readFileSync(join(out, 'schema.ts'), 'utf8')));
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/**
 * drizzle-kit's introspection output does not compile as is: it names the `private` schema
 * `private` (a reserved word), writes an empty-string default as `default(')`, cannot type
 * tsvector, and references tables outside the filter in foreign keys. The service only builds
 * queries from it, so keep the column definitions and drop the rest.
 */
export function tidyDrizzleSchema(source: string): string {
  const body = source
    // The table extras (indexes, foreign keys, policies, checks): `}, (table) => [ … ]);`
    .replace(/\}, \(table\) => \[\n[\s\S]*?\n\]\);/g, '});')
    .replace(/^export const \w+ = (?:pgSequence|\w+\.sequence)\(.*\n/gm, '')
    .replace(/^\s*\/\/ TODO: failed to parse database type .*\n.*\n/gm, '')
    .replace(/^\s*\/\/ You can use \{ mode: "bigint" \}.*\n/gm, '')
    .replace(/\bexport const private = /, 'export const privateSchema = ')
    .replace(/\bprivate\.table\(/g, 'privateSchema.table(')
    .replace(/\.default\('\)/g, ".default('')")
    .replace(/\.default\(\[""\]\)/g, '.default([])');
  const [importLine = '', ...rest] = body.split('\n');
  const code = rest.join('\n');
  const named = /import \{ (.*) \} from "drizzle-orm\/pg-core"/.exec(importLine)?.[1]?.split(', ') ?? [];
  const used = named.filter((name) => new RegExp(`(?<!\\.)\\b${name.replace(/^type /, '')}\\b`).test(code));
  const drizzleImport = /\bsql`/.test(code) ? 'import { sql } from "drizzle-orm"\n' : '';
  return `import { ${used.join(', ')} } from "drizzle-orm/pg-core"\n${drizzleImport}${code.replace(/^import \{ sql \} from "drizzle-orm"\n/m, '')}`;
}

async function formatTypeScript(source: string): Promise<string> {
  const biome = require.resolve('@biomejs/biome/bin/biome', { paths: [join(serverDir, '..', '..')] });
  const child = execFile(
    process.execPath,
    [biome, 'check', '--write', '--stdin-file-path=src/db/schema.ts'],
    {
      cwd: serverDir,
      maxBuffer: 8 * 1024 * 1024,
    },
  );
  child.stdin?.end(source);
  let stdout = '';
  child.stdout?.on('data', (chunk: string) => {
    stdout += chunk;
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`biome check failed (${code})`);
  return stdout;
}
