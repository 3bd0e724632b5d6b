import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { parse as parseToml } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { parseEnv } from '../src/keys.js';
import { PACKAGE_DIR, ROOT, run } from './helpers.js';

const COMPOSE_FILES = ['docker-compose.full.yml', 'docker-compose.prod.yml'] as const;
const SECRET_NAME = /PASSWORD|SECRET|KEY|TOKEN/;
/** `${NAME}`, `${NAME:-default}`, `${NAME?error}`, … and bare `$NAME`; `$$` is a literal dollar. */
const INTERPOLATION = /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g;

interface Service {
  image?: string;
  build?: unknown;
  environment?: Record<string, unknown> | string[];
  healthcheck?: { test?: unknown; disable?: boolean };
  profiles?: string[];
}
interface ComposeFile {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const compose = (file: string) => parseYaml(read(file)) as ComposeFile;
const example = parseEnv(read('.env.example'));

/** Every string in a parsed YAML document (comments are not part of it). */
function strings(node: unknown): string[] {
  if (typeof node === 'string') return [node];
  if (Array.isArray(node)) return node.flatMap(strings);
  if (node && typeof node === 'object') {
    return Object.entries(node).flatMap(([key, value]) => [key, ...strings(value)]);
  }
  return [];
}

interface Use {
  name: string;
  operator: string | undefined;
  text: string;
}
function interpolations(texts: string[]): Use[] {
  const uses: Use[] = [];
  for (const text of texts) {
    for (const match of text.replaceAll('$$', '').matchAll(INTERPOLATION)) {
      uses.push({ name: (match[1] ?? match[4]) as string, operator: match[2], text });
    }
  }
  return uses;
}

function environment(service: Service): Map<string, string> {
  const env = service.environment ?? {};
  if (Array.isArray(env)) {
    return new Map(env.map((entry) => [entry.split('=')[0] ?? '', entry.slice(entry.indexOf('=') + 1)]));
  }
  return new Map(Object.entries(env).map(([k, v]) => [k, String(v ?? '')]));
}

function hasCommand(command: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe.each(COMPOSE_FILES)('%s', (file) => {
  const doc = compose(file);

  it('validates against the compose-spec JSON schema (dclint 3.1.0 bundle)', () => {
    const schema = JSON.parse(
      readFileSync(join(PACKAGE_DIR, 'node_modules', 'dclint', 'schemas', 'compose.schema.json'), 'utf8'),
    );
    delete schema.$schema;
    const ajv = new Ajv({ allErrors: true, strict: false });
    const validate = ajv.compile(schema);
    const valid = validate(doc);
    expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 2)).toEqual([]);
    expect(valid).toBe(true);
  });

  it('uses only variables that .env.example lists', () => {
    const missing = interpolations(strings(doc))
      .map((u) => u.name)
      .filter((name) => !example.has(name));
    expect([...new Set(missing)]).toEqual([]);
  });

  it('gives no secret a default value and hard-codes none', () => {
    const defaulted = interpolations(strings(doc)).filter(
      (u) => SECRET_NAME.test(u.name) && u.operator !== undefined && !u.operator.endsWith('?'),
    );
    expect(defaulted.map((u) => u.text)).toEqual([]);
    const literal: string[] = [];
    for (const [name, service] of Object.entries(doc.services)) {
      for (const [key, value] of environment(service)) {
        // (Settings such as GOTRUE_SECURITY_REFRESH_TOKEN_REUSE_INTERVAL: 10 are not secrets.)
        if (SECRET_NAME.test(key) && !value.includes('${') && !/^(true|false|\d+)$/.test(value)) {
          literal.push(`${name}.${key}=${value}`);
        }
      }
    }
    expect(literal).toEqual([]);
  });

  // Anyone who can run SQL (any role, via current_setting) could read a JWT secret kept in a
  // database setting and mint service_role tokens; Supabase removed it from the platform.
  it('keeps the JWT secret out of the database', () => {
    for (const [name, service] of Object.entries(doc.services)) {
      const env = environment(service);
      expect(
        [...env.keys()].filter((key) => key.startsWith('PGRST_APP_SETTINGS_JWT_SECRET')),
        name,
      ).toEqual([]);
      if (service.image?.startsWith('supabase/postgres:')) {
        const secretUses = [...env].filter(([, value]) => value.includes('${JWT_SECRET'));
        expect(secretUses, `${name} is given JWT_SECRET`).toEqual([]);
      }
    }
  });

  it('pins every image to a version tag or a digest', () => {
    for (const [name, service] of Object.entries(doc.services)) {
      if (service.image === undefined) {
        expect(service.build, `${name} has neither image nor build`).toBeDefined();
        continue;
      }
      const image = service.image;
      const pinned =
        /@sha256:[0-9a-f]{64}$/.test(image) || /:[\w][\w.-]*$/.test(image.replace(/^[^/]+:\d+\//, ''));
      expect(pinned, `${name}: ${image} is not pinned`).toBe(true);
      expect(image, `${name}: ${image}`).not.toMatch(/:latest$/);
    }
  });

  it.runIf(hasCommand('docker-compose'))(
    'passes `docker-compose config` (v1, no engine needed)',
    async () => {
      const env = { ...process.env, DOCKER_HOST: 'unix:///nonexistent.sock' };
      const ok = await run(
        'docker-compose',
        [
          '--env-file',
          join(ROOT, '.env.example'),
          '--project-directory',
          ROOT,
          '-f',
          join(ROOT, file),
          'config',
          '-q',
        ],
        { cwd: ROOT, env },
      );
      expect(ok.code, ok.stderr).toBe(0);
      // Without .env every required secret stops it.
      const emptyDir = mkdtempSync(join(tmpdir(), 'harmony-compose-'));
      writeFileSync(join(emptyDir, 'empty.env'), '');
      const missing = await run(
        'docker-compose',
        [
          '--env-file',
          join(emptyDir, 'empty.env'),
          '--project-directory',
          ROOT,
          '-f',
          join(ROOT, file),
          'config',
          '-q',
        ],
        { cwd: emptyDir, env },
      );
      expect(missing.code).not.toBe(0);
      // Our own message, from the first `${NAME:?message}` it meets.
      expect(missing.stderr).toMatch(/set [A-Z_]+ in \.env/);
    },
  );
});

describe('docker-compose.full.yml', () => {
  const doc = compose('docker-compose.full.yml');
  const services = doc.services;

  it('runs the whole self-hosted stack', () => {
    for (const name of [
      'db',
      'kong',
      'auth',
      'rest',
      'realtime',
      'storage',
      'imgproxy',
      'meta',
      'studio',
      'web',
    ]) {
      expect(services[name], name).toBeDefined();
    }
    expect(services.livekit?.image).toMatch(/^livekit\/livekit-server:v\d+\.\d+\.\d+$/);
    expect(services.studio?.profiles).toEqual(['studio']);
    expect(services.web?.build).toMatchObject({ dockerfile: 'apps/web/Dockerfile' });
    expect(Object.keys(doc.volumes ?? {})).toEqual(expect.arrayContaining(['db-data', 'storage-data']));
  });

  it('has healthchecks for db, auth, rest and kong', () => {
    for (const name of ['db', 'auth', 'rest', 'kong']) {
      const check = services[name]?.healthcheck;
      expect(check?.test, `${name} healthcheck`).toBeDefined();
      expect(check?.disable).not.toBe(true);
    }
  });

  it('applies supabase/migrations once Auth, Storage and Realtime are healthy', () => {
    const migrate = services.migrate as Service & { depends_on: Record<string, { condition: string }> };
    expect(migrate.depends_on).toMatchObject({
      db: { condition: 'service_healthy' },
      auth: { condition: 'service_healthy' },
      storage: { condition: 'service_healthy' },
      realtime: { condition: 'service_healthy' },
    });
    expect(strings(migrate)).toContain('./supabase/migrations:/migrations:ro');
  });

  it('gives Kong every variable docker/kong.yml uses', () => {
    const kongEnv = environment(services.kong as Service);
    const used = interpolations([read('docker/kong.yml').replace(/^\s*#.*$/gm, '')]).map((u) => u.name);
    expect(used.length).toBeGreaterThan(0);
    for (const name of used) expect(kongEnv.has(name), name).toBe(true);
  });
});

describe('SQL files', () => {
  /** Every .sql file under the directories that end up in a database. */
  const sqlFiles = ['docker', 'db_schema', 'supabase'].flatMap((dir) =>
    readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.sql'))
      .map((file) => join(dir, file)),
  );

  it('never store the JWT secret in a database setting', () => {
    expect(sqlFiles.length).toBeGreaterThan(10);
    const setting = /app\.settings\.jwt_secret/i;
    expect(sqlFiles.filter((file) => setting.test(read(file)))).toEqual([]);
  });
});

describe('docker/kong.yml', () => {
  const hasShell = hasCommand('sh') && hasCommand('awk');

  it.runIf(hasShell)(
    'renders through kong-entrypoint.sh into the gateway Supabase clients expect',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'harmony-kong-'));
      const out = join(dir, 'kong.yml');
      const env = {
        PATH: process.env.PATH,
        KONG_TEMPLATE: join(ROOT, 'docker', 'kong.yml'),
        KONG_DECLARATIVE_CONFIG: out,
        SUPABASE_ANON_KEY: 'anon.jwt.value',
        SUPABASE_SERVICE_KEY: 'service.jwt.value',
        DASHBOARD_USERNAME: 'supabase',
        DASHBOARD_PASSWORD: `it's $HOME & \${X} \\ "quoted"`,
      };
      const result = await run('sh', [join(ROOT, 'docker', 'kong-entrypoint.sh'), '--render-only'], { env });
      expect(result.code, result.stderr).toBe(0);
      const kong = parseYaml(readFileSync(out, 'utf8')) as {
        consumers: { username: string; keyauth_credentials?: { key: string }[] }[];
        acls: { consumer: string; group: string }[];
        basicauth_credentials: { username: string; password: string }[];
        services: {
          name: string;
          url: string;
          routes: { paths: string[] }[];
          plugins?: { name: string }[];
        }[];
      };
      expect(kong.consumers.find((c) => c.username === 'anon')?.keyauth_credentials).toEqual([
        { key: 'anon.jwt.value' },
      ]);
      expect(kong.consumers.find((c) => c.username === 'service_role')?.keyauth_credentials).toEqual([
        { key: 'service.jwt.value' },
      ]);
      expect(kong.acls).toEqual([
        { consumer: 'anon', group: 'anon' },
        { consumer: 'service_role', group: 'admin' },
      ]);
      // Substituted verbatim: no shell expansion, quotes survive.
      expect(kong.basicauth_credentials[0]?.password).toBe(env.DASHBOARD_PASSWORD);

      const byPath = new Map(
        kong.services.flatMap((s) => s.routes.flatMap((r) => r.paths.map((p) => [p, s]))),
      );
      const plugins = (path: string) => (byPath.get(path)?.plugins ?? []).map((p) => p.name);
      for (const open of ['/auth/v1/verify', '/auth/v1/callback', '/auth/v1/authorize']) {
        expect(plugins(open), open).toEqual(['cors']);
      }
      for (const keyed of ['/auth/v1/', '/rest/v1/', '/realtime/v1/', '/realtime/v1/api/']) {
        expect(plugins(keyed), keyed).toEqual(expect.arrayContaining(['cors', 'key-auth', 'acl']));
      }
      expect(plugins('/storage/v1/')).toEqual(['cors']);
      expect(byPath.get('/rest/v1/')?.url).toBe('http://rest:3000/');
      expect(byPath.get('/auth/v1/')?.url).toBe('http://auth:9999/');
      expect(byPath.get('/realtime/v1/')?.url).toBe('http://realtime-dev.supabase-realtime:4000/socket');
      expect(byPath.get('/storage/v1/')?.url).toBe('http://storage:5000/');
    },
  );

  it.runIf(hasShell)('refuses to start with a key missing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'harmony-kong-'));
    const result = await run('sh', [join(ROOT, 'docker', 'kong-entrypoint.sh'), '--render-only'], {
      env: {
        PATH: process.env.PATH,
        KONG_TEMPLATE: join(ROOT, 'docker', 'kong.yml'),
        KONG_DECLARATIVE_CONFIG: join(dir, 'kong.yml'),
        SUPABASE_ANON_KEY: 'anon.jwt.value',
      },
    });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/\$\{SUPABASE_SERVICE_KEY\} is not set/);
  });
});

describe('web image', () => {
  it('apps/web/Dockerfile builds the workspace with pnpm 12.4.2 and serves apps/web/dist with nginx', () => {
    const dockerfile = read('apps/web/Dockerfile');
    // The image builds on the same Node.js the repository pins (root devDependency `node`).
    const pinnedNode = (JSON.parse(read('package.json')) as { devDependencies: { node: string } })
      .devDependencies.node;
    expect(dockerfile).toContain(`FROM node:${pinnedNode}-bookworm-slim AS build`);
    expect(dockerfile).toContain('pnpm@12.4.2');
    expect(dockerfile).toContain('pnpm --filter @harmony/web build');
    expect(dockerfile).toMatch(/^FROM nginx:1\.27-alpine/m);
    expect(dockerfile).toContain('COPY docker/nginx.conf /etc/nginx/conf.d/default.conf');
    expect(dockerfile).toContain('/workspace/apps/web/dist /usr/share/nginx/html');
    for (const arg of ['VITE_SUPABASE_URL', 'VITE_SUPABASE_ANON_KEY'])
      expect(dockerfile).toContain(`ARG ${arg}`);
  });

  it('docker/nginx.conf serves a single-page app with sensible caching and headers', () => {
    const conf = read('docker/nginx.conf');
    expect(conf).toContain('try_files $uri $uri/ /index.html;');
    expect(conf).toMatch(/location \/assets\/ \{[^}]*immutable/);
    expect(conf).toMatch(/location = \/index\.html \{[^}]*no-cache/);
    expect(conf).toContain('gzip on;');
    for (const header of [
      'X-Content-Type-Options',
      'Referrer-Policy',
      'X-Frame-Options',
      'Permissions-Policy',
    ]) {
      // Repeated in every location that sets headers (nginx does not inherit add_header into them).
      expect(conf.split(`add_header ${header}`).length - 1, header).toBe(3);
    }
  });

  it('docker/livekit.yaml holds no keys (they come from LIVEKIT_KEYS)', () => {
    const livekit = parseYaml(read('docker/livekit.yaml')) as Record<string, unknown>;
    expect(livekit.keys).toBeUndefined();
    expect(livekit.port).toBe(7880);
    const env = environment(compose('docker-compose.full.yml').services.livekit as Service);
    expect(env.get('LIVEKIT_KEYS')).toMatch(
      /^\$\{LIVEKIT_API_KEY:\?[^}]*\}: \$\{LIVEKIT_API_SECRET:\?[^}]*\}$/,
    );
  });
});

describe('supabase/config.toml', () => {
  const config = parseToml(read('supabase/config.toml')) as unknown as {
    project_id: string;
    api: Record<string, unknown>;
    db: Record<string, unknown> & { seed: { sql_paths: string[] } };
    studio: { port: number };
    realtime: { enabled: boolean };
    storage: { file_size_limit: string };
    auth: Record<string, unknown> & {
      email: { enable_confirmations: boolean };
      mfa: { totp: unknown };
      external: Record<string, { enabled: boolean; client_id: string; secret: string }>;
    };
  };

  it('parses and configures Harmony', () => {
    expect(config.project_id).toBe('harmony');
    expect(config.api).toMatchObject({
      port: 54321,
      schemas: ['public', 'graphql_public'],
      extra_search_path: ['public', 'extensions'],
      max_rows: 1000,
    });
    expect(config.db).toMatchObject({ port: 54322, shadow_port: 54320, major_version: 17 });
    expect(config.db.seed.sql_paths).toEqual(['./seed.sql']);
    expect(config.studio.port).toBe(54323);
    expect(config.realtime.enabled).toBe(true);
    expect(config.storage.file_size_limit).toBe('50MiB');
    expect(config.auth).toMatchObject({
      site_url: 'http://127.0.0.1:5173',
      jwt_expiry: 3600,
      enable_signup: true,
      enable_refresh_token_rotation: true,
      refresh_token_reuse_interval: 10,
      minimum_password_length: 6,
    });
    expect(config.auth.email.enable_confirmations).toBe(false);
    expect(config.auth.mfa.totp).toEqual({ enroll_enabled: true, verify_enabled: true });
    for (const provider of ['github', 'google', 'discord']) {
      const external = config.auth.external[provider];
      expect(external?.enabled, provider).toBe(false);
      expect(external?.client_id).toMatch(/^env\([A-Z_]+\)$/);
      expect(external?.secret).toMatch(/^env\([A-Z_]+\)$/);
    }
  });
});
