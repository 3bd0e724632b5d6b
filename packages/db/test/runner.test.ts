import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MigrationError, migrate } from '../src/migrate/runner.js';
import { addFile, emptyDatabase, schemaDir } from './helpers.js';

const REPO_SCHEMA = join(import.meta.dirname, '../../../db_schema');

const LOG_TABLE = `create table public.run_log (seq serial, entry text);
grant all on public.run_log, public.run_log_seq_seq to public;`;
const log = (entry: string) => `insert into public.run_log (entry) values ('${entry}');`;

const layout = () =>
  schemaDir({
    'platform/10_second.sql': log('platform 10'),
    'platform/00_first.sql': `${LOG_TABLE}\n${log('platform 00')}`,
    'init/init.sql': '-- phases in load order\n\\ir 02_tables.sql\n\\ir 01_types.sql\n',
    'init/01_types.sql': log('init 01'),
    'init/02_tables.sql': log('init 02'),
    'migrations/20260301_later.sql': log('migration 0301'),
    'migrations/20260115_earlier.sql': log('migration 0115'),
  });

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

async function freshDatabase() {
  const db = await emptyDatabase();
  cleanup = db.drop;
  return db.client;
}

describe('migration runner', () => {
  it('applies platform, then init.sql phases in include order, then migrations by date', async () => {
    const client = await freshDatabase();
    const result = await migrate(client, layout());
    expect(result.applied).toEqual([
      'platform/00_first.sql',
      'platform/10_second.sql',
      'init/02_tables.sql',
      'init/01_types.sql',
      'migrations/20260115_earlier.sql',
      'migrations/20260301_later.sql',
    ]);
    const { rows } = await client.query('select entry from run_log order by seq');
    expect(rows.map((r) => r.entry)).toEqual([
      'platform 00',
      'platform 10',
      'init 02',
      'init 01',
      'migration 0115',
      'migration 0301',
    ]);
  });

  it('records each file in the ledger and applies only new files on the next run', async () => {
    const client = await freshDatabase();
    const dir = layout();
    await migrate(client, dir);
    expect((await migrate(client, dir)).applied).toEqual([]);
    addFile(dir, 'migrations/20260401_newest.sql', log('migration 0401'));
    expect((await migrate(client, dir)).applied).toEqual(['migrations/20260401_newest.sql']);
    const { rows } = await client.query('select count(*)::int as n from run_log');
    expect(rows[0]?.n).toBe(7);
    const ledger = await client.query('select name, phase from harmony_migrations.applied_files');
    expect(ledger.rowCount).toBe(7);
  });

  it('reports a file changed after it was applied instead of silently re-running it', async () => {
    const client = await freshDatabase();
    const dir = layout();
    await migrate(client, dir);
    addFile(dir, 'init/01_types.sql', `${log('init 01')}\n-- edited`);
    const result = await migrate(client, dir);
    expect(result).toMatchObject({ applied: [], changed: ['init/01_types.sql'] });
  });

  it('stops at a failing file with its name, line and the Postgres error, undoing only that file', async () => {
    const client = await freshDatabase();
    const dir = layout();
    addFile(
      dir,
      'migrations/20260201_broken.sql',
      ['create table half_done (id int);', log('broken'), '', 'select * from', '  no_such_table;'].join('\n'),
    );
    const error = await migrate(client, dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MigrationError);
    const failure = error as MigrationError;
    expect(failure.file).toBe('migrations/20260201_broken.sql');
    expect(failure.line).toBe(5);
    expect(failure.code).toBe('42P01');
    expect(failure.message).toContain(
      'migrations/20260201_broken.sql:5: 42P01: relation "no_such_table" does not exist',
    );

    const { rows } = await client.query(`select to_regclass('half_done') as t`);
    expect(rows[0]?.t).toBeNull();
    const entries = await client.query('select entry from run_log order by seq');
    expect(entries.rows.map((r) => r.entry)).toEqual([
      'platform 00',
      'platform 10',
      'init 02',
      'init 01',
      'migration 0115',
    ]);
    const ledger = await client.query(
      `select 1 from harmony_migrations.applied_files where name like '%broken%'`,
    );
    expect(ledger.rowCount).toBe(0);
  });

  it('names the line of a runtime error without a position', async () => {
    const client = await freshDatabase();
    const dir = layout();
    addFile(dir, 'migrations/20260202_divide.sql', 'select 1;\n\nselect 1 / 0;\n');
    const error = (await migrate(client, dir).catch((e: unknown) => e)) as MigrationError;
    expect([error.file, error.line, error.code]).toEqual(['migrations/20260202_divide.sql', 3, '22012']);
  });

  it('owns the transaction: BEGIN/COMMIT lines in a migration do not break atomicity', async () => {
    const client = await freshDatabase();
    const dir = layout();
    addFile(
      dir,
      'migrations/20260203_wrapped.sql',
      'BEGIN;\ncreate table wrapped (id int);\ncommit;\nBEGIN;\nselect 1/0;\nCOMMIT;\n',
    );
    await expect(migrate(client, dir)).rejects.toThrow(/20260203_wrapped.sql:5/);
    const { rows } = await client.query(`select to_regclass('wrapped') as t`);
    expect(rows[0]?.t).toBeNull();
  });

  it('skips the platform phase where Supabase already provides it', async () => {
    const client = await freshDatabase();
    await client.query('create schema auth; create table auth.users (id uuid primary key)');
    const dir = layout();
    addFile(dir, 'platform/00_first.sql', 'select 1/0;');
    addFile(dir, 'init/01_types.sql', `${LOG_TABLE}\n${log('init 01')}`);
    addFile(dir, 'init/02_tables.sql', 'select 1;');
    const result = await migrate(client, dir);
    expect(result.skippedPlatform).toBe(true);
    expect(result.applied.filter((name) => name.startsWith('platform/'))).toEqual([]);
  });

  it('runs platform files as the superuser and app files as the non-superuser postgres role', async () => {
    const client = await freshDatabase();
    const dir = layout();
    addFile(dir, 'platform/20_owner.sql', 'create table public.made_by_platform (id int);');
    addFile(dir, 'init/01_types.sql', 'create table public.made_by_init (id int);');
    await migrate(client, dir);
    const { rows } = await client.query(
      `select tablename, tableowner from pg_tables where tablename like 'made_by_%' order by 1`,
    );
    expect(rows).toEqual([
      { tablename: 'made_by_init', tableowner: 'postgres' },
      { tablename: 'made_by_platform', tableowner: 'supabase_admin' },
    ]);
  });

  it('rejects migration files that are not named by date', async () => {
    const client = await freshDatabase();
    const dir = layout();
    addFile(dir, 'migrations/add_stuff.sql', 'select 1;');
    await expect(migrate(client, dir)).rejects.toThrow(/YYYYMMDD_snake_case/);
  });

  it('applies the real platform to several databases of one cluster at once', async () => {
    // Roles are cluster-wide: without the runner's lock two of these fail now and then with
    // "tuple concurrently updated" (seen in parallel test files).
    const databases = await Promise.all([1, 2, 3, 4].map(() => emptyDatabase()));
    try {
      const dir = schemaDir({});
      symlinkSync(join(REPO_SCHEMA, 'platform'), join(dir, 'platform'));
      for (let round = 0; round < 3; round++) {
        await Promise.all(
          databases.map(({ client }) =>
            client.query('delete from harmony_migrations.applied_files').catch(() => undefined),
          ),
        );
        await Promise.all(databases.map(({ client }) => migrate(client, dir)));
      }
    } finally {
      await Promise.all(databases.map((db) => db.drop()));
    }
  });
});
