import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

export type Phase = 'platform' | 'init' | 'migration';

export interface MigrationFile {
  phase: Phase;
  /** Path relative to the schema directory: the ledger key and what errors name. */
  name: string;
  path: string;
  sql: string;
  checksum: string;
}

const MIGRATION_NAME = /^(\d{8})(\d{6})?_[a-z0-9_]+\.sql$/;
const INCLUDE = /^\s*\\ir?\s+(\S+)\s*$/;

/**
 * Every file the runner may apply, in order: platform (alphabetical), the phases
 * init.sql includes (in its order), then dated migrations (by date, then name).
 */
export function collectMigrationFiles(schemaDir: string): MigrationFile[] {
  return [...platformFiles(schemaDir), ...initFiles(schemaDir), ...datedMigrations(schemaDir)];
}

function platformFiles(schemaDir: string): MigrationFile[] {
  const dir = join(schemaDir, 'platform');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((f) => load(schemaDir, 'platform', join(dir, f)));
}

/** init.sql lists its phases as psql includes (`\ir 00_extensions.sql`) so psql can load it too. */
function initFiles(schemaDir: string): MigrationFile[] {
  const initSql = join(schemaDir, 'init', 'init.sql');
  if (!existsSync(initSql)) return [];
  const files: MigrationFile[] = [];
  for (const [index, line] of readFileSync(initSql, 'utf8').split('\n').entries()) {
    const include = INCLUDE.exec(line)?.[1];
    if (!include) continue;
    const path = resolve(dirname(initSql), include);
    if (!existsSync(path)) {
      throw new Error(`init/init.sql:${index + 1}: included file ${include} does not exist`);
    }
    files.push(load(schemaDir, 'init', path));
  }
  return files;
}

function datedMigrations(schemaDir: string): MigrationFile[] {
  const dir = join(schemaDir, 'migrations');
  if (!existsSync(dir)) return [];
  const names = readdirSync(dir).filter((f) => f.endsWith('.sql'));
  for (const name of names) {
    if (!MIGRATION_NAME.test(name)) {
      throw new Error(
        `migrations/${name}: migration files are named YYYYMMDD_snake_case.sql (optionally YYYYMMDDHHMMSS_…)`,
      );
    }
  }
  return names.sort().map((f) => load(schemaDir, 'migration', join(dir, f)));
}

function load(schemaDir: string, phase: Phase, path: string): MigrationFile {
  const sql = readFileSync(path, 'utf8');
  return {
    phase,
    name: relative(schemaDir, path),
    path,
    sql,
    checksum: createHash('sha256').update(sql).digest('hex'),
  };
}

/** One checksum over every file, to name a template database built from exactly these files. */
export function schemaFingerprint(files: MigrationFile[]): string {
  const hash = createHash('sha256');
  for (const file of files) hash.update(`${file.name}\0${file.checksum}\0`);
  return hash.digest('hex').slice(0, 16);
}
