import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface DbConfig {
  /** When set, an existing PostgreSQL (plain or Supabase) is used instead of the embedded one. */
  databaseUrl: string | undefined;
  dataDir: string;
  port: number;
  schemaDir: string;
}

/** The CLI's database port, so tools that know Supabase's defaults find us. */
export const DEFAULT_PORT = 54322;

export function repoRoot(from = dirname(fileURLToPath(import.meta.url))): string {
  let dir = from;
  while (!existsSync(join(dir, 'pnpm-workspace.yaml'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no pnpm-workspace.yaml above ${from}`);
    dir = parent;
  }
  return dir;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): DbConfig {
  const root = repoRoot();
  const port = Number(env.HARMONY_PG_PORT ?? DEFAULT_PORT);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`HARMONY_PG_PORT must be a TCP port, got ${env.HARMONY_PG_PORT}`);
  }
  return {
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: resolve(root, env.HARMONY_PG_DATA ?? '.data/postgres'),
    port,
    schemaDir: join(root, 'db_schema'),
  };
}
