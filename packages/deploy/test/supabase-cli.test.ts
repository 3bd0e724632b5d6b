import { readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

/**
 * What `supabase db push` does to a new Supabase project, on plain Postgres that holds only
 * our platform emulation: the CLI connects as `postgres` (not a superuser), so anything in
 * our migrations that needs more than Supabase grants fails here too.
 */
describe('supabase db push (CLI 2.117.0) onto a platform-only database', () => {
  let db: PlatformDatabase;
  let workdir: string;
  const expected = bundleMigrations(join(ROOT, 'db_schema'));

  const cli = (...args: string[]) =>
    run(SUPABASE_CLI, [...args, '--workdir', workdir], {
      cwd: workdir,
      // HOME too, so the CLI keeps its own state (telemetry id, caches) out of the real home.
      env: { ...process.env, ...OFFLINE_CLI_ENV, HOME: workdir },
    });

  beforeAll(async () => {
    db = await platformOnlyDatabase();
    workdir = scratchProject();
  });
  afterAll(async () => {
    await db?.drop();
    if (workdir) rmSync(workdir, { recursive: true, force: true });
  });

  // The CLI loads (and validates) the copied supabase/config.toml on every command, so a
  // config it rejects fails here too.
  it('applies every migration as postgres and records each version', async () => {
    const result = await cli('db', 'push', '--db-url', db.postgresUrl, '--yes');
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
    for (const m of expected) expect(result.stderr).toContain(`Applying migration ${m.file}`);

    const { rows } = await db.admin.query<{ version: string; name: string }>(
      'select version, name from supabase_migrations.schema_migrations order by version',
    );
    expect(rows).toEqual(expected.map((m) => ({ version: m.version, name: m.file.slice(15, -4) })));

    const objects = await db.admin.query(`
      select (select tableowner from pg_tables where schemaname = 'public' and tablename = 'messages') as messages_owner,
             to_regprocedure('public.channel_permissions(uuid, uuid)') is not null as permission_function,
             to_regprocedure('public.get_livekit_token(uuid)') is not null as livekit_function,
             exists (select 1 from pg_publication_tables
                      where pubname = 'supabase_realtime' and tablename = 'messages') as published,
             (select relrowsecurity from pg_class where oid = 'public.messages'::regclass) as rls`);
    expect(objects.rows[0]).toEqual({
      messages_owner: 'postgres',
      permission_function: true,
      livekit_function: true,
      published: true,
      rls: true,
    });
  });

  it('finds nothing to push the second time, and loads seed.sql with --include-seed', async () => {
    const result = await cli('db', 'push', '--db-url', db.postgresUrl, '--yes', '--include-seed');
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
    expect(result.stderr).not.toContain('Applying migration');
    const { rows } = await db.admin.query<{ n: number }>(
      `select count(*)::int as n from public.messages where channel_id = 'de300000-0000-4000-8000-000000000201'`,
    );
    expect(rows[0]?.n).toBe(3);
  });

  it('lists the local and remote migrations as in step', async () => {
    const result = await cli('migration', 'list', '--db-url', db.postgresUrl);
    expect(result.code, result.stderr).toBe(0);
    for (const m of expected)
      expect(result.stdout).toMatch(new RegExp(`${m.version}\\W+\\|\\W+${m.version}`));
  });
});

/**
 * docs-source/self-hosting.md tells self-hosters to push the schema from their machine to the
 * compose stack's published database port, which speaks no TLS. The command is taken from the
 * page as written and run by a shell, with the throwaway database's port, password and name.
 */
describe('the `supabase db push` command documented for self-hosting', () => {
  let db: PlatformDatabase;
  let workdir: string;

  beforeAll(async () => {
    db = await platformOnlyDatabase();
    workdir = scratchProject();
  });
  afterAll(async () => {
    await db?.drop();
    if (workdir) rmSync(workdir, { recursive: true, force: true });
  });

  it('applies the migrations to a database without TLS', async () => {
    const page = readFileSync(join(ROOT, 'docs-source', 'self-hosting.md'), 'utf8');
    const commands = [...page.matchAll(/(?:^|`)(supabase db push --db-url [^`\n]+)/gm)].map(
      (m) => m[1] as string,
    );
    expect(commands).toHaveLength(1);
    const documented = commands[0] as string;

    const written = /postgres(?:ql)?:\/\/[^\s'"]+/.exec(documented)?.[0] as string;
    const url = new URL(
      written.replace('<POSTGRES_PASSWORD>', 'postgres').replace('<POSTGRES_PORT>', '5432'),
    );
    // The compose file publishes the database on the loopback interface only.
    expect(url.hostname).toBe('127.0.0.1');
    url.port = String(db.port);
    url.pathname = `/${db.name}`;
    const command = documented.replace(written, url.href);

    const result = await run('sh', ['-c', command], {
      cwd: workdir,
      env: {
        ...process.env,
        ...OFFLINE_CLI_ENV,
        HOME: workdir,
        PATH: `${dirname(SUPABASE_CLI)}:${process.env.PATH}`,
      },
    });
    expect(result.code, `${command}\n${result.stdout}\n${result.stderr}`).toBe(0);
    const { rows } = await db.admin.query<{ version: string }>(
      'select version from supabase_migrations.schema_migrations order by version',
    );
    expect(rows.map((r) => r.version)).toEqual(
      bundleMigrations(join(ROOT, 'db_schema')).map((m) => m.version),
    );
  });
});
