import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
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

function onPath(command: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * docker/db/migrate.sh is the compose stack's `migrate` job. Here it runs with this machine's
 * psql against a platform-only database, exactly as it would against the stack's db service.
 */
describe.runIf(onPath('psql') && onPath('pg_isready'))(
  'docker/db/migrate.sh (the compose migrate job)',
  () => {
    let db: PlatformDatabase;
    const expected = bundleMigrations(join(ROOT, 'db_schema'));
    const migrate = () =>
      run('sh', [join(ROOT, 'docker', 'db', 'migrate.sh')], {
        env: {
          PATH: process.env.PATH,
          PGHOST: '127.0.0.1',
          PGPORT: String(db.port),
          PGDATABASE: db.name,
          PGUSER: 'postgres',
          PGPASSWORD: 'postgres',
          MIGRATIONS_DIR: join(ROOT, 'supabase', 'migrations'),
          LIVEKIT_API_KEY: 'APIselfhost',
          LIVEKIT_API_SECRET: "a-livekit-secret-with-'quotes'-0123456789",
          LIVEKIT_PUBLIC_URL: 'wss://voice.example.com',
        },
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
  },
);
