import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { bundleMigrations } from '../src/bundle.js';
import {
  OFFLINE_CLI_ENV,
  type PlatformDatabase,
  platformOnlyDatabase,
  ROOT,
  run,
  SUPABASE_CLI,
  scratchProject,
} from './helpers.js';

function onPath(command: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const hasPsql = onPath('psql') && onPath('pg_isready');

/**
 * Runs docker/db/migrate.sh, the compose stack's `migrate` job, with this machine's psql against
 * a platform-only database, exactly as it would run against the stack's db service (where
 * supabase_admin, like postgres, logs in with POSTGRES_PASSWORD).
 */
function migrateJob(db: PlatformDatabase, migrationsDir: string, env: NodeJS.ProcessEnv = {}) {
  return run('sh', [join(ROOT, 'docker', 'db', 'migrate.sh')], {
    env: {
      PATH: process.env.PATH,
      PGHOST: '127.0.0.1',
      PGPORT: String(db.port),
      PGDATABASE: db.name,
      PGUSER: 'postgres',
      PGPASSWORD: 'postgres',
      MIGRATIONS_DIR: migrationsDir,
      ...env,
    },
  });
}

describe.runIf(hasPsql)('docker/db/migrate.sh (the compose migrate job)', () => {
  let db: PlatformDatabase;
  const expected = bundleMigrations(join(ROOT, 'db_schema'));
  const migrate = () =>
    migrateJob(db, join(ROOT, 'supabase', 'migrations'), {
      LIVEKIT_API_KEY: 'APIselfhost',
      LIVEKIT_API_SECRET: "a-livekit-secret-with-'quotes'-0123456789",
      LIVEKIT_PUBLIC_URL: 'wss://voice.example.com',
    });

  beforeAll(async () => {
    db = await platformOnlyDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('applies supabase/migrations as postgres, records them like the CLI, and configures LiveKit', async () => {
    const result = await migrate();
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
    for (const m of expected) expect(result.stdout).toContain(`migrate: applying ${m.file}`);
    const history = await db.admin.query(
      'select version, name from supabase_migrations.schema_migrations order by 1',
    );
    expect(history.rows).toEqual(expected.map((m) => ({ version: m.version, name: m.file.slice(15, -4) })));
    const owner = await db.admin.query(
      `select tableowner from pg_tables where schemaname = 'public' and tablename = 'messages'`,
    );
    expect(owner.rows).toEqual([{ tableowner: 'postgres' }]);
    const livekit = await db.admin.query(
      'select api_key, api_secret, server_url from private.livekit_config',
    );
    expect(livekit.rows).toEqual([
      {
        api_key: 'APIselfhost',
        api_secret: "a-livekit-secret-with-'quotes'-0123456789",
        server_url: 'wss://voice.example.com',
      },
    ]);
  });

  it('applies nothing the second time, and the Supabase CLI agrees that nothing is pending', async () => {
    const again = await migrate();
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('migrate: 0 migration(s) applied');

    const workdir = scratchProject();
    const push = await run(
      SUPABASE_CLI,
      ['db', 'push', '--db-url', db.postgresUrl, '--yes', '--workdir', workdir],
      {
        cwd: workdir,
        env: { ...process.env, ...OFFLINE_CLI_ENV, HOME: workdir },
      },
    );
    rmSync(workdir, { recursive: true, force: true });
    expect(push.code, push.stderr).toBe(0);
    expect(push.stderr).not.toContain('Applying migration');
  });
});

/**
 * The baseline migration is not re-runnable (plain `create table`), so a migration applied but
 * not recorded would stop every later run. Each file and its history row commit together.
 */
describe.runIf(hasPsql)('docker/db/migrate.sh: a migration and its history row in one transaction', () => {
  let db: PlatformDatabase;
  let dir: string;
  const VERSION = '20990101000000';

  /** One migration in an otherwise empty migrations directory, named as the bundler names them. */
  function onlyMigration(sql: string): string {
    rmSync(dir, { recursive: true, force: true });
    dir = mkdtempSync(join(tmpdir(), 'harmony-migrate-'));
    writeFileSync(join(dir, `${VERSION}_widgets.sql`), sql);
    return dir;
  }
  const state = async () => {
    const { rows } = await db.admin.query<{ recorded: number; applied: boolean }>(
      `select (select count(*)::int from supabase_migrations.schema_migrations where version = $1) as recorded,
              to_regclass('public.widgets') is not null as applied`,
      [VERSION],
    );
    return rows[0];
  };

  // Not re-runnable, like the baseline (plain `create table`).
  const WIDGETS =
    'create table public.widgets (id int primary key);\ninsert into public.widgets values (1);\n';
  // The baseline has no BEGIN/COMMIT of its own; dated migrations do, so they also run by hand.
  const STYLES = [
    ['without', (body: string) => body],
    ['with', (body: string) => `BEGIN;\n${body}COMMIT;\n`],
  ] as const;

  beforeAll(async () => {
    db = await platformOnlyDatabase();
    dir = mkdtempSync(join(tmpdir(), 'harmony-migrate-'));
    // A first run with nothing to apply creates the history table, where a fault can be planted.
    const empty = await migrateJob(db, dir);
    expect(empty.code, empty.stderr).toBe(0);
    await db.admin.query(`
      create function public.fail_recording() returns trigger language plpgsql as
        $$ begin raise exception 'simulated failure while recording %', new.version; end $$`);
  });
  beforeEach(async () => {
    await db.admin.query('drop table if exists public.widgets');
    await db.admin.query('delete from supabase_migrations.schema_migrations where version = $1', [VERSION]);
  });
  afterAll(async () => {
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each(STYLES)(
    'a file %s its own BEGIN/COMMIT that fails halfway leaves nothing applied and nothing recorded',
    async (_, wrap) => {
      const result = await migrateJob(db, onlyMigration(wrap(`${WIDGETS}select 1/0;\n`)));
      expect(result.code, result.stdout).not.toBe(0);
      expect(result.stderr).toContain('division by zero');
      expect(await state()).toEqual({ recorded: 0, applied: false });
    },
  );

  it.each(STYLES)(
    'a file %s its own BEGIN/COMMIT is undone when its history row cannot be committed',
    async (_, wrap) => {
      // Fails at COMMIT, after the file's statements and the history insert both succeeded.
      await db.admin.query(`
      create constraint trigger fail_recording after insert on supabase_migrations.schema_migrations
        deferrable initially deferred for each row execute function public.fail_recording()`);
      try {
        const failed = await migrateJob(db, onlyMigration(wrap(WIDGETS)));
        expect(failed.code, failed.stdout).not.toBe(0);
        expect(failed.stderr).toContain(`simulated failure while recording ${VERSION}`);
        expect(await state()).toEqual({ recorded: 0, applied: false });
      } finally {
        await db.admin.query('drop trigger fail_recording on supabase_migrations.schema_migrations');
      }

      const applied = await migrateJob(db, dir);
      expect(applied.code, applied.stderr).toBe(0);
      expect(applied.stdout).toContain('migrate: 1 migration(s) applied');
      expect(await state()).toEqual({ recorded: 1, applied: true });

      const again = await migrateJob(db, dir);
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout).toContain('migrate: 0 migration(s) applied');
      expect(await state()).toEqual({ recorded: 1, applied: true });
    },
  );

  it('removes the JWT secret that databases initialised by the old docker/db/jwt.sql still hold', async () => {
    await db.admin.query(`alter database ${db.name} set "app.settings.jwt_secret" to 'leaked-jwt-secret'`);
    const result = await migrateJob(db, onlyMigration('select 1;\n'));
    expect(result.code, result.stderr).toBe(0);

    // The attacker: any role with a database session, here anon through PostgREST's login role.
    const attacker = new pg.Client({
      connectionString: `postgresql://authenticator:postgres@127.0.0.1:${db.port}/${db.name}`,
    });
    await attacker.connect();
    try {
      await attacker.query('set role anon');
      const { rows } = await attacker.query(
        `select current_setting('app.settings.jwt_secret', true) as secret`,
      );
      expect(rows[0].secret ?? '').toBe('');
    } finally {
      await attacker.end();
    }
  });
});
