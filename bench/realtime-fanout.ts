import { availableParallelism } from 'node:os';
import { freePort } from '@harmony/db';
import type { SupabaseClient } from '@supabase/supabase-js';
import WebSocket, { WebSocketServer } from 'ws';
import {
  type Member,
  type Latencies as Result,
  sleep,
  startRealtimeWorld,
  summarize,
  waitUntil,
} from './realtime-world.js';

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

const world = await startRealtimeWorld(Math.max(...SIZES));
const { members, channelId, insertMessage } = world;

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
  clients.push(...(await Promise.all(subset.map((member) => world.clientFor(member)))));
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
    `${world.local.stack.url.replace('http', 'ws')}/realtime/v1/websocket?apikey=${world.local.stack.keys.anon}&vsn=2.0.0`,
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

await world.close();
process.exit(0);
