import type pg from 'pg';
import { collectMigrationFiles, type MigrationFile, type Phase } from './files.js';
import { lineAt, splitSql } from './split-sql.js';

export interface MigrateResult {
  applied: string[];
  skippedPlatform: boolean;
  /** Files already applied whose content has since changed: they are not re-run. */
  changed: string[];
}

export class MigrationError extends Error {
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    readonly code: string | undefined,
    readonly pgMessage: string,
    readonly detail?: string,
    readonly hint?: string,
  ) {
    const where = line === undefined ? file : `${file}:${line}`;
    const extra = [detail && `DETAIL: ${detail}`, hint && `HINT: ${hint}`].filter(Boolean);
    super([`${where}: ${code ?? 'ERROR'}: ${pgMessage}`, ...extra].join('\n  '));
    this.name = 'MigrationError';
  }
}

const LEDGER = 'harmony_migrations.applied_files';
// The runner owns the transaction; BEGIN/COMMIT lines in a file are for running it with psql.
const TRANSACTION_CONTROL = /^(begin|start\s+transaction|commit|end)(\s+(work|transaction))?\s*;?$/i;

/**
 * Applies, on one connection, every file not yet in the ledger: the platform (only on
 * plain Postgres, never where Supabase already provides it), the init phases, then dated
 * migrations. Each file runs in its own transaction with its ledger row, so a failing
 * file leaves the database exactly as it was before that file.
 */
export async function migrate(client: pg.Client, schemaDir: string): Promise<MigrateResult> {
  const files = collectMigrationFiles(schemaDir);
  await ensureLedger(client);
  const applied = await appliedChecksums(client);
  const skippedPlatform = !hasPlatformRows(applied) && (await supabaseProvidesPlatform(client));
  let appRole: string | undefined | null = null;
  const result: MigrateResult = { applied: [], skippedPlatform, changed: [] };
  for (const file of files) {
    if (file.phase === 'platform' && skippedPlatform) continue;
    const previous = applied.get(file.name);
    if (previous !== undefined) {
      if (previous !== file.checksum) result.changed.push(file.name);
      continue;
    }
    // Decided after the platform phase, which is what creates the postgres role.
    if (file.phase !== 'platform' && appRole === null) appRole = await roleForAppFiles(client);
    await applyFile(client, file, file.phase === 'platform' ? undefined : (appRole ?? undefined));
    result.applied.push(file.name);
  }
  return result;
}

/**
 * Roles belong to the whole cluster: two sessions changing them at once (databases migrated in
 * parallel, parallel test files) fail with "tuple concurrently updated". Run inside the
 * transaction that changes roles, this makes the others wait until it ends.
 */
export const LOCK_ROLE_CATALOGS =
  'lock table pg_catalog.pg_authid, pg_catalog.pg_auth_members in share row exclusive mode';

async function applyFile(client: pg.Client, file: MigrationFile, role: string | undefined): Promise<void> {
  await client.query('begin');
  try {
    // Held until this file commits.
    if (file.phase === 'platform') await client.query(LOCK_ROLE_CATALOGS);
    // App SQL runs as `postgres`, as `supabase db push` does, so it cannot lean on superuser rights.
    if (role) await client.query(`set local role ${quoteIdent(role)}`);
    for (const statement of splitSql(file.sql)) {
      if (TRANSACTION_CONTROL.test(statement.sql)) continue;
      try {
        await client.query(statement.sql);
      } catch (error) {
        throw toMigrationError(file, statement.offset, error);
      }
    }
    if (role) await client.query('reset role');
    await client.query(`insert into ${LEDGER} (name, phase, checksum) values ($1, $2, $3)`, [
      file.name,
      file.phase,
      file.checksum,
    ]);
    await client.query('commit');
  } catch (error) {
    await client.query('rollback');
    throw error;
  }
}

function toMigrationError(file: MigrationFile, statementOffset: number, error: unknown): MigrationError {
  const pgError = error as Partial<pg.DatabaseError> & { message: string };
  const position = Number(pgError.position);
  const offset = Number.isFinite(position) && position > 0 ? statementOffset + position - 1 : statementOffset;
  return new MigrationError(
    file.name,
    lineAt(file.sql, offset),
    pgError.code,
    pgError.message,
    pgError.detail,
    pgError.hint,
  );
}

async function ensureLedger(client: pg.Client): Promise<void> {
  await client.query(`
    create schema if not exists harmony_migrations;
    create table if not exists ${LEDGER} (
      name text primary key,
      phase text not null check (phase in ('platform', 'init', 'migration')),
      checksum text not null,
      applied_at timestamptz not null default now()
    );
    revoke all on schema harmony_migrations from public;
  `);
}

async function appliedChecksums(client: pg.Client): Promise<Map<string, string>> {
  const { rows } = await client.query<{ name: string; checksum: string; phase: Phase }>(
    `select name, checksum, phase from ${LEDGER}`,
  );
  return new Map(rows.map((r) => [r.name, r.checksum]));
}

function hasPlatformRows(applied: Map<string, string>): boolean {
  for (const name of applied.keys()) if (name.startsWith('platform/')) return true;
  return false;
}

/** Real Supabase (cloud, self-hosted, CLI) already has the auth schema before any migration. */
async function supabaseProvidesPlatform(client: pg.Client): Promise<boolean> {
  const { rows } = await client.query<{ present: boolean }>(
    `select to_regclass('auth.users') is not null as present`,
  );
  return rows[0]?.present ?? false;
}

async function roleForAppFiles(client: pg.Client): Promise<string | undefined> {
  const { rows } = await client.query(
    `select rolsuper as superuser, current_user as user,
            exists (select 1 from pg_roles where rolname = 'postgres') as has_postgres
       from pg_roles where rolname = current_user`,
  );
  const me = rows[0] as { superuser: boolean; user: string; has_postgres: boolean } | undefined;
  return me?.superuser && me.has_postgres && me.user !== 'postgres' ? 'postgres' : undefined;
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
