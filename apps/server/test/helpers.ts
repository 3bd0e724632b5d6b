import { LOCK_ROLE_CATALOGS } from '@harmony/db';
import { createTestDatabase, type TestDatabase } from '@harmony/db/testing';
import pino from 'pino';
import webpush from 'web-push';
import type { ServerConfig } from '../src/config.js';
import { type RunningService, type ServiceOptions, startService } from '../src/service.js';

export const VAPID = { ...webpush.generateVAPIDKeys(), subject: 'mailto:test@example.test' };

/**
 * Lets harmony_server log in with the local password, as apps/server's local start does. Roles
 * belong to the whole cluster, which parallel test files share: locked as the migration runner
 * locks them.
 */
export async function enableServerLogin(db: Pick<TestDatabase, 'query'>): Promise<void> {
  await db.query(`begin; ${LOCK_ROLE_CATALOGS};
    alter role harmony_server with login password 'postgres';
    commit;`);
}

/** A test database whose harmony_server role can log in. */
export async function createServerDatabase(): Promise<TestDatabase> {
  const db = await createTestDatabase();
  await enableServerLogin(db);
  return db;
}

export function serverConfig(db: TestDatabase, overrides: Partial<ServerConfig> = {}): ServerConfig {
  return {
    databaseUrl: db.url('harmony_server'),
    host: '127.0.0.1',
    port: 0,
    concurrency: 4,
    scheduledJobs: false,
    logLevel: 'silent',
    vapid: VAPID,
    pushActiveWindowSeconds: 90,
    pushAllowPrivateEndpoints: true,
    pushTimeoutMs: 5_000,
    presenceStaleMinutes: 10,
    outboundAllowedHosts: new Set(),
    previewTimeoutMs: 5_000,
    previewFetchesPerHostPerMinute: 30,
    ...overrides,
  };
}

export function startTestService(
  db: TestDatabase,
  options: Partial<ServiceOptions> = {},
): Promise<RunningService> {
  return startService({
    config: serverConfig(db),
    log: pino({ level: process.env.SERVER_TEST_LOG ?? 'silent' }),
    crontab: '',
    sweepIntervalMs: 300,
    abandonedAfterSeconds: 1,
    ...options,
  });
}

export async function waitFor<T>(
  probe: () => Promise<T | undefined | null | false>,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Runs a scheduled job now, as the crontab would (a `_cron` payload), and waits until no job of
 * that task is left.
 */
export async function runScheduled(db: Pick<TestDatabase, 'query'>, task: string): Promise<void> {
  await db.query(
    `select graphile_worker.add_job($1, json_build_object('_cron', json_build_object('ts', now())))`,
    [task],
  );
  await waitFor(
    async () =>
      (await db.query('select 1 from graphile_worker.jobs where task_identifier = $1', [task])).rows
        .length === 0,
  );
}
