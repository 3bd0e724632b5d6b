import { randomUUID } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@harmony/db';
import { signJwt, startLocalStack } from '@harmony/stack';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import pg from 'pg';
import WebSocket, { WebSocketServer } from 'ws';

/**
 * Realtime fan-out: a message insert (as its author, through RLS, like PostgREST would)
 * until every one of N subscribed supabase-js clients (each a different server member,
 * subscribed to postgres_changes on the channel, or joined to the channel's private topic
 * for the `message_create` its trigger broadcasts from the database) has it; against a plain
 * `ws` server sending the same frame to N plain sockets, measured in the same run as the floor.
 * Run from the repository root: pnpm exec tsx bench/realtime-fanout.ts
 */
const SIZES = (process.env.BENCH_SIZES ?? '10,100,500').split(',').map(Number);
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 40);
const GAP_MS = 60;
const SECRET = 'bench-only-jwt-secret-with-at-least-32-characters';

const dataDir = mkdtempSync(join(tmpdir(), 'harmony-bench-realtime-'));
// As root, PostgreSQL runs as the OS user postgres, which must be able to enter the directory.
chmodSync(dataDir, 0o755);
const env = {
  ...process.env,
  DATABASE_URL: '',
  HARMONY_PG_DATA: join(dataDir, 'pg'),
  HARMONY_PG_PORT: String(await freePort()),
  HARMONY_STACK_PORT: String(await freePort()),
  HARMONY_STORAGE_DIR: join(dataDir, 'storage'),
  JWT_SECRET: SECRET,
  LOG_LEVEL: 'warn',
};
const local = await startLocalStack(env);
const { stack } = local;
const admin = new pg.Pool({ connectionString: local.databaseUrl, max: 4 });

interface Member {
  userId: string;
  profileId: string;
  token: string;
}

async function createMembers(count: number): Promise<Member[]> {
  const ids = Array.from({ length: count }, () => randomUUID());
  await admin.query(
    `insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
                             raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
     select '00000000-0000-0000-0000-000000000000', id, 'authenticated', 'authenticated',
            'bench-' || id || '@example.test', '', now(), '{"provider":"email","providers":["email"]}',
            jsonb_build_object('username', 'b' || replace(left(id::text, 13), '-', '')), now(), now()
       from unnest($1::uuid[]) as id`,
    [ids],
  );
  const { rows } = await admin.query<{ id: string; user_id: string }>(
    'select id, user_id from public.profiles where user_id = any($1::uuid[])',
    [ids],
  );
  const exp = Math.floor(Date.now() / 1000) + 3600;
  return Promise.all(
    rows.map(async (r) => ({
      userId: r.user_id,
      profileId: r.id,
      token: await signJwt({ sub: r.user_id, role: 'authenticated', aud: 'authenticated', exp }, SECRET),
    })),
  );
}

const maxN = Math.max(...SIZES);
const [owner, ...members] = await createMembers(maxN + 1);
if (!owner) throw new Error('no users');
const serverId = randomUUID();
await admin.query('insert into public.servers (id, name, owner_id) values ($1, $2, $3)', [
  serverId,
  'Bench',
  owner.profileId,
]);
await admin.query(
  `insert into public.roles (id, server_id, name, position, permissions)
   values ($1, $1, '@everyone', 0, public.default_everyone_permissions())`,
  [serverId],
);
await admin.query('insert into public.server_members (server_id, profile_id) select $1, unnest($2::uuid[])', [
  serverId,
  [owner.profileId, ...members.map((m) => m.profileId)],
]);
const { rows: channelRows } = await admin.query<{ id: string }>(
  `insert into public.channels (server_id, type, name, position) values ($1, 'text', 'general', 0) returning id`,
  [serverId],
);
const channelId = channelRows[0]?.id as string;

// The author writes through the authenticator role with its claims, as PostgREST does.
const authorPool = new pg.Pool({
  connectionString: local.databaseUrl.replace(/\/\/[^:]+:/, '//authenticator:'),
  max: 1,
});
async function insertMessage(content: string): Promise<void> {
  const client = await authorPool.connect();
  try {
    await client.query('begin');
    await client.query(
      `select set_config('role', 'authenticated', true), set_config('request.jwt.claims', $1, true)`,
      [JSON.stringify({ sub: owner?.userId, role: 'authenticated' })],
    );
    await client.query('insert into public.messages (channel_id, content) values ($1, $2)', [
      channelId,
      content,
    ]);
    await client.query('commit');
  } finally {
    client.release();
  }
}

interface Result {
  p50: number;
  p99: number;
  delivered: number;
  expected: number;
}

const percentile = (sorted: number[], p: number) =>
  sorted.length
    ? (sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number)
    : NaN;

function summarize(latencies: number[], expected: number): Result {
  const sorted = [...latencies].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), delivered: latencies.length, expected };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitUntil(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check() && Date.now() < deadline) await sleep(5);
}

/** A frame as Realtime sends it for one message insert, captured once for the baseline. */
let sampleFrame = '';

/**
 * N supabase-js clients; `shared` = all as one user (one policy context), else N distinct
 * members; `fromDatabase` = Broadcast from Database on `channel:<id>` instead of postgres_changes.
 */
async function realtimeRun(n: number, shared: boolean, fromDatabase = false): Promise<Result> {
  const sent = new Map<string, number>();
  const latencies: number[] = [];
  let received = 0;
  const clients: SupabaseClient[] = [];
  const joins: Promise<void>[] = [];
  const subset = shared ? Array.from({ length: n }, () => members[0] as Member) : members.slice(0, n);
  for (const member of subset) {
    clients.push(
      createClient(stack.url, stack.keys.anon, {
        auth: { persistSession: false, autoRefreshToken: false },
        accessToken: async () => member.token,
      }),
    );
  }
  // supabase-js hands the accessToken result to Realtime asynchronously; a channel
  // subscribed before that would join with the anon key.
  await Promise.all(subset.map((member, i) => (clients[i] as SupabaseClient).realtime.setAuth(member.token)));
  const arrived = (content: string) => {
    const at = performance.now();
    const start = sent.get(content);
    if (start !== undefined) {
      latencies.push(at - start);
      received++;
    }
  };
  clients.forEach((client, i) => {
    const channel = fromDatabase
      ? client
          .channel(`channel:${channelId}`, { config: { private: true } })
          .on('broadcast', { event: 'message_create' }, (message) =>
            arrived((message.payload as { record: { content: string } }).record.content),
          )
      : client
          .channel(`bench-${i}`)
          .on(
            'postgres_changes',
            { event: 'INSERT', schema: 'public', table: 'messages', filter: `channel_id=eq.${channelId}` },
            (payload) => arrived((payload.new as { content: string }).content),
          );
    joins.push(
      new Promise((resolve, reject) => {
        channel.subscribe((status, err) => {
          if (status === 'SUBSCRIBED') resolve();
          else if (status === 'CHANNEL_ERROR' || status === 'TIMED_OUT') reject(err ?? new Error(status));
        }, 30_000);
      }),
    );
  });
  await Promise.all(joins);
  // Warm up caches and connections.
  const run = `${n}-${shared}-${fromDatabase}`;
  for (let i = 0; i < 3; i++) await insertMessage(`warmup-${run}-${i}`);
  await sleep(500);
  for (let i = 0; i < MESSAGES; i++) {
    const content = `m-${run}-${i}`;
    sent.set(content, performance.now());
    await insertMessage(content);
    await sleep(GAP_MS);
  }
  await waitUntil(() => received >= n * MESSAGES, 10_000);
  for (const client of clients) {
    await client.removeAllChannels();
    client.realtime.disconnect();
  }
  return summarize(latencies, n * MESSAGES);
}

/** The floor: the same frame from a plain ws server to N plain ws clients. */
async function plainRun(n: number): Promise<Result> {
  const port = await freePort();
  const wss = new WebSocketServer({ port, host: '127.0.0.1', perMessageDeflate: false });
  await new Promise((resolve) => wss.once('listening', resolve));
  const latencies: number[] = [];
  let start = 0;
  const sockets: WebSocket[] = [];
  for (let i = 0; i < n; i++) {
    const ws = new WebSocket(`ws://127.0.0.1:${port}`);
    ws.on('message', (data) => {
      JSON.parse(String(data)); // a client decodes every frame
      latencies.push(performance.now() - start);
    });
    sockets.push(ws);
  }
  await Promise.all(sockets.map((ws) => new Promise((resolve) => ws.once('open', resolve))));
  const frame =
    sampleFrame || JSON.stringify([null, null, 'realtime:x', 'postgres_changes', { ids: [1], data: {} }]);
  for (let i = 0; i < MESSAGES; i++) {
    start = performance.now();
    for (const client of wss.clients) client.send(frame);
    await waitUntil(() => latencies.length >= (i + 1) * n, 5_000);
    await sleep(GAP_MS);
  }
  for (const ws of sockets) ws.close();
  await new Promise((resolve) => wss.close(resolve));
  return summarize(latencies, n * MESSAGES);
}

// Capture one real frame (its size matters for the baseline).
{
  const probe = new WebSocket(
    `${stack.url.replace('http', 'ws')}/realtime/v1/websocket?apikey=${stack.keys.anon}&vsn=2.0.0`,
  );
  await new Promise((resolve) => probe.once('open', resolve));
  probe.on('message', (data) => {
    const text = String(data);
    if (text.includes('"postgres_changes",{"ids"')) sampleFrame = text;
  });
  probe.send(
    JSON.stringify([
      '1',
      '1',
      'realtime:probe',
      'phx_join',
      {
        config: { postgres_changes: [{ event: 'INSERT', schema: 'public', table: 'messages' }] },
        access_token: members[0]?.token,
      },
    ]),
  );
  await sleep(500);
  await insertMessage('probe');
  await waitUntil(() => sampleFrame !== '', 5_000);
  probe.close();
}

const rows: string[] = [];
const fmt = (n: number) => (Number.isNaN(n) ? '—' : n.toFixed(1));
const pct = (r: Result) => `${((100 * r.delivered) / r.expected).toFixed(1)}%`;
for (const n of SIZES) {
  const distinct = await realtimeRun(n, false);
  const shared = await realtimeRun(n, true);
  const fromDatabase = await realtimeRun(n, false, true);
  const plain = await plainRun(n);
  const cells = (r: Result) =>
    `${fmt(r.p50)} / ${fmt(r.p99)} | ${pct(r)} | ${(r.p50 / plain.p50).toFixed(1)}x`;
  rows.push(
    `| ${n} | ${cells(distinct)} | ${cells(shared)} | ${cells(fromDatabase)} | ${fmt(plain.p50)} / ${fmt(plain.p99)} | ${pct(plain)} |`,
  );
  console.log(rows.at(-1));
}

console.log(
  [
    '',
    `Realtime fan-out: ${MESSAGES} messages per size, one every ${GAP_MS} ms; frame ${Buffer.byteLength(sampleFrame)} bytes; ` +
      `node ${process.version}, ${availableParallelism()} CPUs`,
    '| N | N users: p50 / p99 ms | delivered | p50 vs plain | 1 user on N clients: p50 / p99 ms | delivered | p50 vs plain | Broadcast from Database, N users: p50 / p99 ms | delivered | p50 vs plain | plain ws p50 / p99 ms | delivered |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n'),
);

await authorPool.end();
await admin.end();
await local.stop();
rmSync(dataDir, { recursive: true, force: true });
process.exit(0);
