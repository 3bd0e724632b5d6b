import { resolve } from 'node:path';
import {
  connectionUrl,
  handleSignalsYourself,
  loadConfig,
  migrate,
  repoRoot,
  runningPort,
  socketConnectionUrl,
  startPostgres,
} from '@harmony/db';
import pg from 'pg';
import pino, { type Logger } from 'pino';
import { loadProjectConfig, type ProjectConfig } from './config/project-config.js';
import { loadStackConfig } from './config.js';
import { inboxSettings, type RunningInbox, startInbox } from './inbox/index.js';
import { configureLiveKit, liveKitFromEnv } from './livekit.js';
import { type RunningStack, startStack } from './server.js';

export interface LocalStack {
  stack: RunningStack;
  /** The local inbox (mail auth sends), unless switched off or its ports were taken. */
  inbox?: RunningInbox;
  databaseUrl: string;
  /** What the stack itself connects with: the cluster's Unix-domain socket when it has one. */
  stackDatabaseUrl: string;
  /**
   * The database URL `supabase start` prints: the embedded database as the CLI's role
   * postgres/postgres; a DATABASE_URL with its password hidden.
   */
  printedDatabaseUrl: string;
  stop(): Promise<void>;
}

/**
 * The environment over supabase/config.toml (or HARMONY_SUPABASE_CONFIG): the file's settings
 * fill the variables the environment leaves unset.
 */
export function projectEnvironment(env: NodeJS.ProcessEnv): {
  env: NodeJS.ProcessEnv;
  project?: ProjectConfig;
} {
  const project = loadProjectConfig(
    env.HARMONY_SUPABASE_CONFIG ?? resolve(repoRoot(), 'supabase/config.toml'),
    env,
  );
  return project ? { env: { ...project.env, ...env }, project } : { env };
}

/**
 * The whole local backend: PostgreSQL (embedded, or DATABASE_URL), migrated, then the
 * Supabase-compatible API. Used by `pnpm stack` and `pnpm dev`.
 */
export async function startLocalStack(environment: NodeJS.ProcessEnv = process.env): Promise<LocalStack> {
  const { env, project } = projectEnvironment(environment);
  const log = pino({ level: env.LOG_LEVEL ?? 'info' });
  if (project) {
    // Auth reads its settings from process.env.
    for (const [name, value] of Object.entries(project.env)) process.env[name] ??= value;
    log.debug({ file: project.file, ignored: project.ignored }, 'config.toml keys the stack does not apply');
    for (const name of project.unsetEnv) log.debug(`config.toml: environment variable is unset: ${name}`);
  }
  const stackConfig = loadStackConfig(env);
  const dbConfig = loadConfig(env);
  const inbox = await startLocalInbox(env, stackConfig.host, dbConfig.dataDir, log);
  let stopPostgres = async () => {};
  let databaseUrl = dbConfig.databaseUrl;
  // The stack's own connections to its embedded cluster go through the Unix-domain socket when
  // there is one (less CPU per round trip than loopback TCP); a DATABASE_URL is used as given.
  let socketUrl: string | undefined;
  if (!databaseUrl) {
    const port = runningPort(dbConfig.dataDir);
    if (port) {
      databaseUrl = connectionUrl(port);
      socketUrl = socketConnectionUrl(dbConfig.dataDir, port);
    } else {
      const server = await startPostgres({ dataDir: dbConfig.dataDir, port: dbConfig.port });
      databaseUrl = server.url();
      socketUrl = server.socketUrl();
      stopPostgres = server.stop;
    }
  }
  const ownUrl = socketUrl ?? databaseUrl;
  const client = new pg.Client({ connectionString: ownUrl });
  await client.connect();
  try {
    const result = await migrate(client, dbConfig.schemaDir);
    if (result.applied.length) console.log(`database: applied ${result.applied.length} schema file(s)`);
    for (const name of result.changed) {
      console.warn(`warning: ${name} changed after it was applied; run \`pnpm db:reset\` to rebuild`);
    }
  } finally {
    await client.end();
  }
  const liveKit = liveKitFromEnv(env);
  if (liveKit) await configureLiveKit(ownUrl, liveKit);
  const stack = await startStack(stackConfig, ownUrl, log);
  return {
    stack,
    inbox,
    databaseUrl,
    stackDatabaseUrl: ownUrl,
    printedDatabaseUrl: dbConfig.databaseUrl
      ? databaseUrl.replace(/:[^:@/]+@/, ':****@')
      : asPostgresRole(databaseUrl),
    stop: async () => {
      await stack.stop();
      await inbox?.stop();
      await stopPostgres();
    },
  };
}

/**
 * The inbox, and auth's SMTP pointed at it unless [auth.email.smtp] (GOTRUE_SMTP_HOST) names a
 * real server, as the CLI points GoTrue at Inbucket. Taken ports (another stack, `supabase start`)
 * leave the stack without an inbox rather than without an API.
 */
async function startLocalInbox(
  env: NodeJS.ProcessEnv,
  host: string,
  postgresDataDir: string,
  log: Logger,
): Promise<RunningInbox | undefined> {
  const settings = inboxSettings(env, postgresDataDir);
  if (!settings.enabled) return undefined;
  try {
    const inbox = await startInbox({ ...settings, host, log });
    if (!env.GOTRUE_SMTP_HOST) {
      process.env.GOTRUE_SMTP_HOST = host;
      process.env.GOTRUE_SMTP_PORT = String(inbox.smtpPort);
    }
    return inbox;
  } catch (error) {
    console.warn(`warning: no local inbox: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
}

/** The platform emulation's `postgres` role shares the embedded superuser's local password. */
function asPostgresRole(url: string): string {
  const parsed = new URL(url);
  parsed.username = 'postgres';
  return parsed.toString();
}

/** What `supabase start` prints, for what this stack serves (no Studio, GraphQL, Functions or S3). */
export function describeStack({ stack, inbox, printedDatabaseUrl }: LocalStack): string {
  const row = (label: string, value: string) => `  ${label.padEnd(16)}${value}`;
  return [
    'Started the Harmony stack (local Supabase).',
    '',
    '🌐 APIs',
    row('Project URL', stack.url),
    row('REST', `${stack.url}/rest/v1`),
    '',
    '⛁ Database',
    row('URL', printedDatabaseUrl),
    '',
    ...(inbox
      ? [
          '📧 Mail (what auth sends)',
          row('Inbox', inbox.url),
          row('SMTP', `${stack.ctx.config.host}:${inbox.smtpPort}`),
          '',
        ]
      : []),
    '🔑 Authentication Keys',
    row('Publishable', stack.keys.publishable),
    row('Secret', stack.keys.secret),
    row('anon', stack.keys.anon),
    row('service_role', stack.keys.serviceRole),
  ].join('\n');
}

/** Stops everything once on SIGINT/SIGTERM, then exits 0. */
export function stopOnSignals(stop: () => Promise<void>): void {
  handleSignalsYourself();
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: shutting down`);
    await stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}
