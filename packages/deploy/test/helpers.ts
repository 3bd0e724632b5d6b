import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectionUrl, migrate, repoRoot } from '@harmony/db';
import pg from 'pg';
import { inject } from 'vitest';

export const ROOT = repoRoot(dirname(fileURLToPath(import.meta.url)));
export const PACKAGE_DIR = join(ROOT, 'packages', 'deploy');
export const SUPABASE_CLI = join(PACKAGE_DIR, 'node_modules', '.bin', 'supabase');

/** Keeps the CLI off the network: no telemetry, no update check. */
export const OFFLINE_CLI_ENV = {
  SUPABASE_TELEMETRY_DISABLED: '1',
  SUPABASE_NO_UPDATE_NOTIFIER: '1',
  DO_NOT_TRACK: '1',
  CI: '1',
};

export interface PlatformDatabase {
  name: string;
  port: number;
  /** Connected as the superuser. */
  admin: pg.Client;
  /** The URL `supabase db push` gets: the non-superuser `postgres`, as on Supabase. */
  postgresUrl: string;
  drop(): Promise<void>;
}

/**
 * A fresh database holding only db_schema/platform (what Supabase's images provide), i.e.
 * what a new Supabase project looks like before its first `supabase db push`.
 */
export async function platformOnlyDatabase(): Promise<PlatformDatabase> {
  const { port } = inject('harmonyPostgres');
  const name = `deploy_${randomBytes(5).toString('hex')}`;
  const cluster = new pg.Client({ connectionString: connectionUrl(port) });
  await cluster.connect();
  await cluster.query(`create database ${name} owner postgres`);
  const admin = new pg.Client({ connectionString: connectionUrl(port, name) });
  await admin.connect();
  const schemaDir = mkdtempSync(join(tmpdir(), 'harmony-platform-'));
  symlinkSync(join(ROOT, 'db_schema', 'platform'), join(schemaDir, 'platform'));
  await migrate(admin, schemaDir);
  return {
    name,
    port,
    admin,
    postgresUrl: `postgresql://postgres:postgres@127.0.0.1:${port}/${name}?sslmode=disable`,
    drop: async () => {
      await admin.end();
      await cluster.query(`drop database ${name} with (force)`);
      await cluster.end();
    },
  };
}

/** A scratch copy of supabase/ (config, migrations, seed) so CLI runs leave the repo untouched. */
export function scratchProject(): string {
  const workdir = mkdtempSync(join(tmpdir(), 'harmony-supabase-'));
  cpSync(join(ROOT, 'supabase'), join(workdir, 'supabase'), {
    recursive: true,
    filter: (src) => !/[/\\]\.(temp|branches)$/.test(src),
  });
  return workdir;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function run(
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeout?: number } = {},
): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      { cwd: options.cwd, env: options.env, timeout: options.timeout ?? 50_000, maxBuffer: 16 << 20 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) });
      },
    );
  });
}
