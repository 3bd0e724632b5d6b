import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { TestDatabase } from '@harmony/db/testing';
import { parseCrontab } from 'graphile-worker';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  addMember,
  createUser,
  seedServer,
  sendMessage,
  type TestServer,
  type TestUser,
} from '../../../db_schema/tests/fixtures.js';
import { CRONTAB, JOBS } from '../src/jobs/index.js';
import { defineJob } from '../src/jobs/job.js';
import type { RunningService } from '../src/service.js';
import { createServerDatabase, startTestService, VAPID, waitFor } from './helpers.js';
import { LocalPushService, type TestSubscription } from './push-server.js';

let db: TestDatabase;
let push: LocalPushService;
let author: TestUser;
let reader: TestUser;
let server: TestServer;
const children: ChildProcess[] = [];
const services: RunningService[] = [];

beforeAll(async () => {
  db = await createServerDatabase();
  push = await LocalPushService.start();
  author = await createUser(db, 'author');
  reader = await createUser(db, 'reader');
  server = await seedServer(db, author, 'Queue');
  await addMember(db, server.serverId, reader);
});
afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  for (const service of services) await service.stop();
  await push?.stop();
  await db?.close();
});

/** apps/server as its own process, the way pnpm dev and the compose files run it. */
function spawnWorker(extraEnv: Record<string, string> = {}): ChildProcess {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, '..', 'src', 'main.ts')],
    {
      env: {
        ...process.env,
        HARMONY_SERVER_DATABASE_URL: db.url('harmony_server'),
        HARMONY_SERVER_PORT: '0',
        VAPID_PUBLIC_KEY: VAPID.publicKey,
        VAPID_PRIVATE_KEY: VAPID.privateKey,
        PUSH_ALLOW_PRIVATE_ENDPOINTS: 'true',
        HARMONY_SERVER_SCHEDULED_JOBS: 'false',
        LOG_LEVEL: process.env.SERVER_TEST_LOG ?? 'silent',
        ...extraEnv,
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  children.push(child);
  return child;
}

async function subscribe(user: TestUser): Promise<TestSubscription> {
  const subscription = await push.subscribe(VAPID.publicKey);
  await user.api.query('select public.register_push_subscription($1, $2, $3)', [
    subscription.endpoint,
    subscription.keys.p256dh,
    subscription.keys.auth,
  ]);
  await db.query('update public.push_subscriptions set last_active_at = null where endpoint = $1', [
    subscription.endpoint,
  ]);
  return subscription;
}

const jobs = async () =>
  (
    await db.query<{
      task_identifier: string;
      attempts: number;
      locked_by: string | null;
      last_error: string | null;
    }>('select task_identifier, attempts, locked_by, last_error from graphile_worker.jobs order by id')
  ).rows;
const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) =>
    child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code)),
  );

// Each test starts from an empty queue and no devices, whatever the previous one left.
beforeEach(async () => {
  await db.query(`do $$ begin
                    if to_regclass('graphile_worker._private_jobs') is not null then
                      delete from graphile_worker._private_jobs;
                    end if;
                  end $$`);
  await db.query('delete from public.push_subscriptions');
});

describe('the job queue', () => {
  it('keeps jobs enqueued before the service ever ran (outbox) and runs them once it starts', async () => {
    const phone = await subscribe(reader);
    await sendMessage(author, server.textChannelId, `early <@${reader.profileId}>`);
    const { rows } = await db.query<{ task: string }>('select task from private.job_outbox');
    expect(rows.map((r) => r.task)).toEqual(['send-push']);

    const worker = spawnWorker();
    await waitFor(async () => (await push.messages(phone)).length === 1);
    expect((await db.query('select 1 from private.job_outbox')).rows).toEqual([]);
    worker.kill('SIGTERM');
    expect(await exited(worker)).toBe(0);
  });

  it('a worker killed mid-job: the job is retried by another replica, not lost, and not sent twice', async () => {
    const done = await subscribe(reader);
    const stuck = await subscribe(reader);
    push.behave(stuck, 'hold');
    const worker = spawnWorker();
    await sendMessage(author, server.textChannelId, `crash <@${reader.profileId}>`);
    // One device got it; the other's request hangs at the push service when the process dies.
    await waitFor(
      async () => (await push.messages(done)).length === 1 && push.received.get(stuck.clientHash) === 1,
    );
    await waitFor(async () => (await db.query('select 1 from private.push_deliveries')).rows.length === 1);
    worker.kill('SIGKILL');
    await exited(worker);
    const [locked] = await jobs();
    expect(locked).toMatchObject({ task_identifier: 'send-push', attempts: 1 });
    expect(locked?.locked_by).not.toBeNull();

    push.behave(stuck, 'deliver');
    services.push(await startTestService(db));
    await waitFor(async () => (await jobs()).length === 0);
    expect(await push.messages(stuck)).toHaveLength(1);
    expect(await push.messages(done)).toHaveLength(1);
    expect(push.received.get(done.clientHash)).toBe(1);
    expect((await db.query('select 1 from private.push_deliveries')).rows).toHaveLength(2);
    await services.pop()?.stop();
  });

  it('SIGTERM: the worker takes no new jobs, ends its running one (here: the push times out) and releases it', async () => {
    const slow = await subscribe(reader);
    push.behave(slow, 'hold');
    const worker = spawnWorker({ PUSH_TIMEOUT_MS: '1500' });
    await sendMessage(author, server.textChannelId, `slow <@${reader.profileId}>`);
    await waitFor(async () => push.received.get(slow.clientHash) === 1);
    worker.kill('SIGTERM');
    expect(await exited(worker)).toBe(0);
    const [released] = await jobs();
    expect(released).toMatchObject({ task_identifier: 'send-push', attempts: 1, locked_by: null });
    expect(released?.last_error).toMatch(/no answer/);
  });

  it('a job that keeps failing ends as a dead letter: logged, kept with attempts = max_attempts', async () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk, _encoding, callback) {
        lines.push(JSON.parse(String(chunk)));
        callback();
      },
    });
    const alwaysFails = defineJob({
      name: 'always-fails',
      payload: z.object({}),
      async run() {
        throw new Error('broken on purpose');
      },
    });
    const service = await startTestService(db, { jobs: [alwaysFails], log: pino({ level: 'warn' }, sink) });
    services.push(service);
    await db.query(`select graphile_worker.add_job('always-fails', '{}', max_attempts => 2)`);
    const dead = await waitFor(async () => lines.find((line) => line.deadLetter === true));
    expect(dead).toMatchObject({ job: 'always-fails', attempts: 2 });
    expect(lines.filter((line) => line.msg === 'job failed; will retry')).toHaveLength(1);
    expect(await jobs()).toMatchObject([{ task_identifier: 'always-fails', attempts: 2 }]);
    await services.pop()?.stop();
  });

  it('/health and /ready answer; /ready says 503 once stopping', async () => {
    const service = await startTestService(db);
    expect(await (await fetch(`${service.url}/health`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${service.url}/ready`);
    expect(ready.status).toBe(200);
    const stopping = service.stop();
    await stopping;
    await expect(fetch(`${service.url}/ready`)).rejects.toThrow();
  });

  it('the crontab names only jobs that exist', () => {
    const names = new Set(JOBS.map((job) => job.name));
    const scheduled = parseCrontab(CRONTAB).map((item) => item.task);
    expect(scheduled.length).toBeGreaterThan(0);
    expect(scheduled.filter((task) => !names.has(task))).toEqual([]);
  });
});
