import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectionUrl, freePort, loadConfig, startPostgres } from '@harmony/db';
import pg from 'pg';
import { loadServerConfig } from '../apps/server/src/config.js';
import { sendPush } from '../apps/server/src/push/send.js';
import { type RunningService, startService } from '../apps/server/src/service.js';
import { VAPID } from '../apps/server/test/helpers.js';
import { LocalPushService, type TestSubscription } from '../apps/server/test/push-server.js';
import { buildTemplate } from '../packages/db/src/testing/global-setup.js';
import { REQUEST_SETTINGS_SQL, requestSettings, userClaims } from '../packages/db/src/testing/requester.js';

/**
 * Push fan-out: one @everyone message in a server of N members, each with one subscribed device
 * on a local Web Push protocol server (web-push-testing, which checks the VAPID JWT and decrypts
 * every message). The insert enqueues one push-everyone-mention job, which writes the N members'
 * mention notifications; their trigger enqueues N send-push jobs; each loads its notification,
 * checks levels and mutes, encrypts (RFC 8291), POSTs it and records the delivery. Measured:
 * message insert → every job done.
 * Baseline in the same run: the same N encrypted pushes sent straight from a loop (no queue, no
 * database), at the same concurrency.
 * Run from the repository root: pnpm exec tsx bench/push-fanout.ts
 */
const MEMBERS = Number(process.env.BENCH_MEMBERS ?? 1000);
const CONCURRENCY = (process.env.BENCH_CONCURRENCY ?? '10,20').split(',').map(Number);
const REPLICAS = Number(process.env.BENCH_REPLICAS ?? 2);

const dataDir = mkdtempSync(join(tmpdir(), 'harmony-bench-push-'));
const cluster = await startPostgres({ dataDir, port: await freePort(), ephemeral: true });
const push = await LocalPushService.start();
try {
  const database = await buildTemplate(cluster.port, loadConfig().schemaDir);
  const admin = new pg.Pool({ connectionString: connectionUrl(cluster.port, database), max: 4 });
  admin.on('error', () => {});
  await admin.query(`alter role harmony_server with login password 'postgres'`);
  const world = await seed(admin);
  const subscriptions = await subscribeAll(admin, world.memberIds);

  const rows: string[][] = [];
  for (const concurrency of CONCURRENCY) {
    const direct = await directBaseline(subscriptions, concurrency);
    rows.push(['direct sends (no queue, no DB)', '1', String(concurrency), fmt(direct)]);
    for (const replicas of [1, REPLICAS]) {
      const seconds = await queuedRun(admin, database, world, concurrency, replicas);
      rows.push(['apps/server send-push jobs', String(replicas), String(concurrency), fmt(seconds)]);
    }
  }
  console.log(`\npush fan-out to ${MEMBERS} devices (one @everyone message)\n`);
  console.log(table(['path', 'replicas', 'concurrency each', 'seconds', 'pushes/s'], rows));
  await admin.end();
} finally {
  await push.stop();
  await cluster.stop();
  rmSync(dataDir, { recursive: true, force: true });
}

function fmt(seconds: number): string {
  return `${seconds.toFixed(2)} | ${Math.round(MEMBERS / seconds)}`;
}

function table(header: string[], body: string[][]): string {
  const lines = [header, ...body.map((row) => row.flatMap((cell) => cell.split(' | ')))];
  const widths = header.map((_, i) => Math.max(...lines.map((line) => (line[i] ?? '').length)));
  const render = (line: string[]) => `| ${line.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [
    render(header),
    `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`,
    ...lines.slice(1).map(render),
  ].join('\n');
}

interface World {
  authorUserId: string;
  serverId: string;
  channelId: string;
  memberIds: string[];
}

async function seed(admin: pg.Pool): Promise<World> {
  // Registered as GoTrue does (its signup trigger makes each profile).
  await admin.query(
    `insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
                             raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
     select '00000000-0000-0000-0000-000000000000', gen_random_uuid(), 'authenticated', 'authenticated',
            'bench' || i || '@example.test', '', now(), '{"provider":"email","providers":["email"]}',
            jsonb_build_object('username', 'bench_' || i), now(), now()
       from generate_series(0, $1) i`,
    [MEMBERS],
  );
  const { rows } = await admin.query<{ user_id: string; profile_id: string }>(
    `select u.id as user_id, p.id as profile_id from auth.users u join public.profiles p on p.user_id = u.id
      order by u.email = 'bench0@example.test' desc`,
  );
  const [author, ...members] = rows;
  if (!author) throw new Error('no users');
  const server = await admin.query<{ id: string }>(
    `insert into public.servers (name, owner_id) values ('Bench', $1) returning id`,
    [author.profile_id],
  );
  const serverId = server.rows[0]?.id as string;
  await admin.query(
    `insert into public.roles (id, server_id, name, position, permissions)
     values ($1, $1, '@everyone', 0, public.default_everyone_permissions())`,
    [serverId],
  );
  await admin.query(
    'insert into public.server_members (server_id, profile_id) select $1, unnest($2::uuid[])',
    [serverId, rows.map((r) => r.profile_id)],
  );
  const channel = await admin.query<{ id: string }>(
    `insert into public.channels (server_id, type, name) values ($1, 'text', 'general') returning id`,
    [serverId],
  );
  return {
    authorUserId: author.user_id,
    serverId,
    channelId: channel.rows[0]?.id as string,
    memberIds: members.map((m) => m.profile_id),
  };
}

async function subscribeAll(admin: pg.Pool, memberIds: string[]): Promise<TestSubscription[]> {
  const subscriptions: TestSubscription[] = [];
  for (const _ of memberIds) subscriptions.push(await push.subscribe(VAPID.publicKey));
  await admin.query(
    `insert into public.push_subscriptions (profile_id, endpoint, public_key, auth_secret)
     select * from unnest($1::uuid[], $2::text[], $3::text[], $4::text[])`,
    [
      memberIds,
      subscriptions.map((s) => s.endpoint),
      subscriptions.map((s) => s.keys.p256dh),
      subscriptions.map((s) => s.keys.auth),
    ],
  );
  return subscriptions;
}

async function directBaseline(subscriptions: TestSubscription[], concurrency: number): Promise<number> {
  const payload = { title: 'bench', body: 'x'.repeat(120), url: '/#/' };
  const options = {
    vapid: VAPID,
    ttl: 86_400,
    urgency: 'high' as const,
    timeoutMs: 10_000,
    allowPrivateEndpoints: true,
  };
  const queue = subscriptions.map((s) => ({
    endpoint: s.endpoint,
    p256dh: s.keys.p256dh,
    auth: s.keys.auth,
  }));
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let next = queue.pop(); next; next = queue.pop()) {
        const outcome = await sendPush(next, payload, options);
        if (outcome.kind !== 'sent') throw new Error(`push not accepted: ${JSON.stringify(outcome)}`);
      }
    }),
  );
  return (performance.now() - started) / 1000;
}

async function queuedRun(
  admin: pg.Pool,
  database: string,
  world: World,
  concurrency: number,
  replicas: number,
): Promise<number> {
  await admin.query('delete from public.notifications');
  // The service's own defaults for everything not set here (config.ts is their one place).
  const config = loadServerConfig({
    HARMONY_SERVER_DATABASE_URL: connectionUrl(cluster.port, database, 'harmony_server'),
    HARMONY_SERVER_PORT: '0',
    HARMONY_SERVER_CONCURRENCY: String(concurrency),
    HARMONY_SERVER_SCHEDULED_JOBS: 'false',
    LOG_LEVEL: 'silent',
    VAPID_PUBLIC_KEY: VAPID.publicKey,
    VAPID_PRIVATE_KEY: VAPID.privateKey,
    VAPID_SUBJECT: VAPID.subject,
    PUSH_ALLOW_PRIVATE_ENDPOINTS: 'true',
  });
  const services: RunningService[] = [];
  for (let i = 0; i < replicas; i++) {
    services.push(await startService({ config }));
  }
  const author = await admin.connect();
  const started = performance.now();
  try {
    await author.query('begin');
    await author.query(REQUEST_SETTINGS_SQL, requestSettings(userClaims({ sub: world.authorUserId })));
    await author.query(`insert into public.messages (channel_id, content) values ($1, '@everyone bench')`, [
      world.channelId,
    ]);
    await author.query('commit');
  } finally {
    await author.query('reset role');
    author.release();
  }
  for (;;) {
    const { rows } = await admin.query<{ jobs: number; delivered: number }>(
      `select (select count(*) from graphile_worker.jobs)::int as jobs,
              (select count(*) from private.push_deliveries)::int as delivered`,
    );
    if (rows[0]?.jobs === 0 && rows[0]?.delivered === MEMBERS) break;
    if (performance.now() - started > Number(process.env.BENCH_TIMEOUT_MS ?? 300_000)) {
      const notified = await admin.query('select count(*)::int as n from public.notifications');
      throw new Error(`stuck: ${JSON.stringify({ ...rows[0], notifications: notified.rows[0]?.n })}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const seconds = (performance.now() - started) / 1000;
  for (const service of services) await service.stop();
  return seconds;
}
