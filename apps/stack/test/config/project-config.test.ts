import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase } from '@harmony/db/testing';
import { createClient } from '@supabase/supabase-js';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { loadAuthConfig } from '../../src/auth/config.js';
import { loadProjectConfig } from '../../src/config/project-config.js';
import { loadStackConfig } from '../../src/config.js';
import { projectEnvironment, startLocalStack } from '../../src/local.js';
import { startStack } from '../../src/server.js';

const CLI_PUBLISHABLE_KEY = 'sb_publishable_ACJWlzQHlZjBrEguHvfOxg_3BJgxAaH';

const dir = mkdtempSync(join(tmpdir(), 'harmony-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
const tomlFile = (text: string) => {
  const file = join(dir, `config-${++files}.toml`);
  writeFileSync(file, text);
  return file;
};
const load = (text: string, env: NodeJS.ProcessEnv = {}) => loadProjectConfig(tomlFile(text), env);

describe('supabase/config.toml', () => {
  it('loads the config.toml `supabase init` writes, listing what the stack ignores', async () => {
    const { readFileSync } = await import('node:fs');
    const generated = readFileSync(new URL('./cli-init-config.toml', import.meta.url), 'utf8');
    const project = load(generated);
    expect(project?.env).toMatchObject({
      HARMONY_STACK_PORT: '54321',
      HARMONY_PG_PORT: '54322',
      PGRST_DB_SCHEMAS: 'public,graphql_public',
      PGRST_DB_MAX_ROWS: '1000',
      SITE_URL: 'http://127.0.0.1:3000',
      JWT_EXPIRY: '3600',
      DISABLE_SIGNUP: 'false',
      ENABLE_EMAIL_AUTOCONFIRM: 'true',
    });
    expect(project?.ignored).toContain(`${project?.file}:95: studio.enabled: not implemented by the stack`);
  });

  it('loads the project own config.toml', () => {
    expect(
      loadProjectConfig(new URL('../../../../supabase/config.toml', import.meta.url).pathname, {}),
    ).toBeDefined();
  });

  it('gives way to the environment', () => {
    const file = tomlFile('[auth]\nsite_url = "http://from-toml"\njwt_expiry = 60\n');
    const { env } = projectEnvironment({ HARMONY_SUPABASE_CONFIG: file, SITE_URL: 'http://from-env' });
    expect(env.SITE_URL).toBe('http://from-env');
    expect(
      loadAuthConfig(loadStackConfig(env), { GOTRUE_MFA_MAX_ENROLLED_FACTORS: '3' }).maxEnrolledFactors,
    ).toBe(3);
    expect(loadStackConfig(env)).toMatchObject({ siteUrl: 'http://from-env', jwtExpirySeconds: 60 });
  });

  it('is absent without a file', () => {
    expect(loadProjectConfig(join(dir, 'missing.toml'))).toBeUndefined();
  });

  it('maps [api], [db] and [auth] to the settings the stack reads', () => {
    const project = load(
      `
[api]
port = 54400
schemas = ["public", "api"]
max_rows = 50
[db]
port = 54401
[auth]
site_url = "http://localhost:3000"
additional_redirect_urls = ["http://localhost:3000/**"]
jwt_expiry = 600
enable_signup = false
enable_anonymous_sign_ins = true
minimum_password_length = 10
[auth.rate_limit]
sign_in_sign_ups = 5
token_refresh = 7
anonymous_users = 9
[auth.email]
enable_confirmations = true
[auth.mfa]
max_enrolled_factors = 3
[auth.external.keycloak]
enabled = true
client_id = "harmony"
secret = "env(KEYCLOAK_SECRET)"
url = "https://sso.example.com/realms/main"
`,
      { KEYCLOAK_SECRET: 'from-env' },
    );
    expect(project?.env).toEqual({
      HARMONY_STACK_PORT: '54400',
      PGRST_DB_SCHEMAS: 'public,api',
      PGRST_DB_MAX_ROWS: '50',
      HARMONY_PG_PORT: '54401',
      SITE_URL: 'http://localhost:3000',
      HARMONY_AUTH_ADDITIONAL_REDIRECT_URLS: 'http://localhost:3000/**',
      JWT_EXPIRY: '600',
      DISABLE_SIGNUP: 'true',
      GOTRUE_EXTERNAL_ANONYMOUS_USERS_ENABLED: 'true',
      HARMONY_AUTH_MIN_PASSWORD_LENGTH: '10',
      HARMONY_AUTH_RATE_LIMIT_SIGN_IN_SIGN_UPS: '5',
      HARMONY_AUTH_RATE_LIMIT_TOKEN_REFRESH: '7',
      HARMONY_AUTH_RATE_LIMIT_ANONYMOUS_USERS: '9',
      ENABLE_EMAIL_AUTOCONFIRM: 'false',
      GOTRUE_MFA_MAX_ENROLLED_FACTORS: '3',
      // The CLI's own defaults where the file is silent: TOTP off.
      GOTRUE_MFA_TOTP_ENROLL_ENABLED: 'false',
      GOTRUE_MFA_TOTP_VERIFY_ENABLED: 'false',
      HARMONY_OIDC_KEYCLOAK_ISSUER: 'https://sso.example.com/realms/main',
      HARMONY_OIDC_KEYCLOAK_CLIENT_ID: 'harmony',
      HARMONY_OIDC_KEYCLOAK_CLIENT_SECRET: 'from-env',
    });
  });

  it('substitutes env(NAME) as the CLI does, also into numbers; unset stays as written', () => {
    const project = load('[api]\nport = "env(API_PORT)"\n[auth]\nsite_url = "env(NOPE)"\n', {
      API_PORT: '55000',
    });
    expect(project?.env.HARMONY_STACK_PORT).toBe('55000');
    expect(project?.env.SITE_URL).toBeUndefined();
    expect(project?.unsetEnv).toEqual(['NOPE']);
  });

  it('takes the CLI SUPABASE_<KEY> variables over the file', () => {
    const project = load('[auth]\nsite_url = "http://from-file"\n', {
      SUPABASE_AUTH_SITE_URL: 'http://from-env',
      SUPABASE_API_SCHEMAS: 'public, api',
      SUPABASE_AUTH_RATE_LIMIT_TOKEN_REFRESH: '5',
    });
    expect(project?.env).toMatchObject({
      SITE_URL: 'http://from-env',
      PGRST_DB_SCHEMAS: 'public,api',
      HARMONY_AUTH_RATE_LIMIT_TOKEN_REFRESH: '5',
    });
  });

  it('names the line and key of a wrong type', () => {
    expect(() => load('[api]\nenabled = true\nport = "fast"\n')).toThrow(/config-\d+\.toml:3: api\.port: /);
    expect(() => load('[auth]\n\nenable_signup = "sometimes"\n')).toThrow(/:3: auth\.enable_signup: /);
    expect(() => load('[storage]\nfile_size_limit = "lots"\n')).toThrow(
      /:2: storage\.file_size_limit: expected a size/,
    );
  });

  it('names the line of a key the CLI does not know', () => {
    expect(() => load('[api]\nport = 54321\nmax_row = 10\n')).toThrow(
      /config-\d+\.toml:3: api\.max_row: unknown key \(the Supabase CLI rejects it too\)/,
    );
    expect(() => load('[local_smtp]\nport = 54324\n')).toThrow(/:2: local_smtp\.port: unknown key/);
  });

  it('names the line of a TOML syntax error', () => {
    expect(() => load('[api]\nport = \n')).toThrow(/config-\d+\.toml:2:\d+: /);
  });

  it('reports what it does not apply, and not what a switched-off table holds', () => {
    const project = load(`
[auth.mfa.phone]
enroll_enabled = true
verify_enabled = true
[auth.external.github]
enabled = false
[auth.sms.twilio]
enabled = false
account_sid = "x"
`);
    expect(project?.ignored).toEqual([
      `${project?.file}:3: auth.mfa.phone.enroll_enabled: not supported: the stack always behaves as false`,
      `${project?.file}:4: auth.mfa.phone.verify_enabled: not supported: the stack always behaves as false`,
    ]);
  });

  it('parses file_size_limit as the CLI does: every unit binary', () => {
    const bytes = (value: string) => load(`[storage]\nfile_size_limit = ${value}\n`)?.env.FILE_SIZE_LIMIT;
    expect(bytes('"50MiB"')).toBe(String(50 * 1024 ** 2));
    expect(bytes('"5MB"')).toBe('5242880');
    expect(bytes('"1GiB"')).toBe(String(1024 ** 3));
    expect(bytes('"512KiB"')).toBe('524288');
    expect(bytes('"5000000"')).toBe('5000000');
    expect(bytes('5000000')).toBe('5000000');
  });

  it('maps the MFA switches and manual linking, refusing TOTP enrolment without verification', () => {
    const project = load(
      '[auth]\nenable_manual_linking = true\n[auth.mfa.totp]\nenroll_enabled = true\nverify_enabled = true\n',
    );
    expect(project?.env).toMatchObject({
      GOTRUE_SECURITY_MANUAL_LINKING_ENABLED: 'true',
      GOTRUE_MFA_TOTP_ENROLL_ENABLED: 'true',
      GOTRUE_MFA_TOTP_VERIFY_ENABLED: 'true',
    });
    expect(() => load('[auth.mfa.totp]\nenroll_enabled = true\nverify_enabled = false\n')).toThrow(
      /config-\d+\.toml:2: auth\.mfa\.totp\.enroll_enabled: requires verify_enabled = true/,
    );
  });

  it('refuses a jwt_secret under 16 characters as the CLI does, naming the line', () => {
    expect(() => load('[auth]\n\njwt_secret = "fifteen-chars.."\n')).toThrow(
      /config-\d+\.toml:3: auth\.jwt_secret: must be at least 16 characters/,
    );
    const project = load('[auth]\njwt_secret = "sixteen-chars..."\n');
    expect(project?.env.JWT_SECRET).toBe('sixteen-chars...');
    expect(loadStackConfig(project?.env).jwtSecret).toBe('sixteen-chars...');
    expect(() => loadStackConfig({ ...project?.env, HARMONY_STACK_HOST: '0.0.0.0' })).toThrow(
      /at least 32 characters/,
    );
  });

  it('maps GoTrue’s OAuth2 providers, and stops at an enabled provider the stack lacks, naming its line', () => {
    const github = load(
      '[auth.external.github]\nenabled = true\nclient_id = "x"\nsecret = "env(GH_SECRET)"\nurl = "https://ghe.example.com"\n',
      { GH_SECRET: 's' },
    );
    expect(github?.env).toMatchObject({
      GOTRUE_EXTERNAL_GITHUB_ENABLED: 'true',
      GOTRUE_EXTERNAL_GITHUB_CLIENT_ID: 'x',
      GOTRUE_EXTERNAL_GITHUB_SECRET: 's',
      GOTRUE_EXTERNAL_GITHUB_URL: 'https://ghe.example.com',
    });
    expect(() => load('[auth.external.twitter]\nenabled = true\nclient_id = "x"\nsecret = "y"\n')).toThrow(
      /config-\d+\.toml:2: auth\.external\.twitter\.enabled: the twitter provider is not supported by the stack/,
    );
    expect(() => load('[auth.external.discord]\nenabled = true\nsecret = "y"\n')).toThrow(
      /config-\d+\.toml:1: auth\.external\.discord\.client_id: missing required field/,
    );
  });

  it('reads supabase/.env files for env(NAME) as the CLI does, the real environment first', () => {
    const project = mkdtempSync(join(dir, 'project-'));
    const supabase = join(project, 'supabase');
    mkdirSync(supabase);
    const file = join(supabase, 'config.toml');
    writeFileSync(
      file,
      '[auth]\nsite_url = "env(SITE)"\njwt_expiry = "env(EXPIRY)"\nminimum_password_length = "env(MIN_LENGTH)"\n' +
        '[api]\nmax_rows = "env(ROWS)"\n',
    );
    writeFileSync(join(supabase, '.env'), 'SITE=http://from-supabase-env\nEXPIRY=60\nROWS=5\n');
    writeFileSync(join(supabase, '.env.local'), 'EXPIRY=120\n');
    writeFileSync(join(project, '.env'), 'SITE=http://from-project-env\nMIN_LENGTH=9\nROWS=7\n');
    expect(loadProjectConfig(file, { ROWS: '3' })?.env).toMatchObject({
      SITE_URL: 'http://from-supabase-env', // supabase/.env before the project's .env
      JWT_EXPIRY: '120', // .env.local before .env
      HARMONY_AUTH_MIN_PASSWORD_LENGTH: '9', // the project's .env fills what supabase/ leaves
      PGRST_DB_MAX_ROWS: '3', // the real environment wins
    });
    // SUPABASE_ENV=test skips .env.local, as the CLI does.
    expect(loadProjectConfig(file, { SUPABASE_ENV: 'test' })?.env.JWT_EXPIRY).toBe('60');
  });
});

describe('the stack configured by config.toml', () => {
  it('applies [api] max_rows, extra_search_path and [auth] settings, with supabase-js and the CLI keys', async () => {
    const file = tomlFile(
      '[api]\nport = 54321\nmax_rows = 2\nextra_search_path = ["public", "extensions", "cfg"]\n[auth]\nminimum_password_length = 12\n',
    );
    const db = await createTestDatabase();
    const before = { ...process.env };
    const local = await startLocalStack({
      HARMONY_SUPABASE_CONFIG: file,
      HARMONY_STACK_PORT: '0', // the environment wins over [api] port
      DATABASE_URL: db.url(),
      HARMONY_STORAGE_DIR: join(dir, 'storage'),
      LOG_LEVEL: 'silent',
    });
    try {
      await db.query(`create table public.cfg_rows (id int); insert into public.cfg_rows select generate_series(1, 5);
        grant select on public.cfg_rows to anon;
        create function public.cfg_search_path() returns text language sql as $$select current_setting('search_path')$$;
        grant execute on function public.cfg_search_path() to anon;`);
      const client = createClient(local.stack.url, CLI_PUBLISHABLE_KEY);
      expect((await client.rpc('cfg_search_path')).data).toBe('"public", "extensions", "cfg"');
      const { data, error } = await client.from('cfg_rows').select('id');
      expect(error).toBeNull();
      expect(data).toHaveLength(2);
      const { error: weak } = await client.auth.signUp({ email: 'cfg@example.com', password: 'eleven-char' });
      expect(weak).toMatchObject({ code: 'weak_password' });
    } finally {
      await local.stop();
      await db.close();
      process.env = before;
    }
  });

  it('says which variable to change when the API port is taken', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as { port: number };
    try {
      const config = loadStackConfig({ HARMONY_STACK_PORT: String(port) });
      await expect(
        startStack(config, 'postgresql://127.0.0.1:1/none', pino({ level: 'silent' })),
      ).rejects.toThrow(`port ${port} is already in use`);
    } finally {
      taken.close();
    }
  });
});
