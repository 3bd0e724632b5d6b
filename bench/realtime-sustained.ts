import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { SupabaseClient } from '@supabase/supabase-js';
import { sleep, startRealtimeWorld, summarize, waitUntil } from './realtime-world.js';

/**
 * Sustained Broadcast from Database: SUBSCRIBERS distinct members joined to one channel's
 * private topic while its author posts RATE messages a second for SECONDS seconds. Reports
 * deliveries per second, latency, and where the CPU went (this process: the stack's
 * realtime server and every client's decoding; PostgreSQL: the inserts, triggers and WAL
 * decoding), so the cost per delivery can be read off.
 * Run from the repository root: pnpm exec tsx bench/realtime-sustained.ts
 */
const SUBSCRIBERS = Number(process.env.BENCH_SUBSCRIBERS ?? 1000);
const RATE = Number(process.env.BENCH_RATE ?? 20);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);

const world = await startRealtimeWorld(SUBSCRIBERS);
const clients: SupabaseClient[] = [];
const sent = new Map<string, number>();
const latencies: number[] = [];
let lastArrival = 0;

for (const member of world.members) {
  const client = await world.clientFor(member);
  clients.push(client);
  await new Promise<void>((resolve, reject) => {
    client
      .channel(`channel:${world.channelId}`, { config: { private: true } })
      .on('broadcast', { event: 'message_create' }, ({ payload }) => {
        const start = sent.get((payload as { record: { content: string } }).record.content);
        if (start === undefined) return;
        lastArrival = performance.now();
        latencies.push(lastArrival - start);
      })
      .subscribe((status, err) => {
        if (status === 'SUBSCRIBED') resolve();
        else if (status === 'CHANNEL_ERROR' || status === 'TIMED_OUT') reject(err ?? new Error(status));
      }, 30_000);
  });
}
for (let i = 0; i < 3; i++) await world.insertMessage(`warmup-${i}`);
await sleep(1000);

const total = RATE * SECONDS;
const postmaster = Number(readFileSync(join(world.postgresDataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
const cpuBefore = { node: process.cpuUsage(), postgres: postgresCpuMs(postmaster) };
const started = performance.now();
for (let i = 0; i < total; i++) {
  // Paced against the clock, so a slow insert does not lower the offered rate.
  const due = started + (i * 1000) / RATE;
  const wait = due - performance.now();
  if (wait > 0) await sleep(wait);
  const content = `sustained-${i}`;
  sent.set(content, performance.now());
  await world.insertMessage(content);
}
await waitUntil(() => latencies.length >= total * SUBSCRIBERS, 30_000);
const elapsedS = ((lastArrival || performance.now()) - started) / 1000;
const nodeCpu = process.cpuUsage(cpuBefore.node);
const nodeCpuS = (nodeCpu.user + nodeCpu.system) / 1e6;
const postgresCpuS = (postgresCpuMs(postmaster) - cpuBefore.postgres) / 1000;

const result = summarize(latencies, total * SUBSCRIBERS);
const perSecond = result.delivered / elapsedS;
console.log(
  [
    `Broadcast from Database, sustained: ${SUBSCRIBERS} subscribers × ${RATE} msg/s for ${SECONDS} s; ` +
      `node ${process.version}, ${availableParallelism()} CPUs`,
    '| deliveries/s | delivered | p50 / p99 ms | CPU s: this process (stack + clients) | CPU s: PostgreSQL | µs CPU per delivery |',
    '|---|---|---|---|---|---|',
    `| ${Math.round(perSecond).toLocaleString('en')} | ${((100 * result.delivered) / result.expected).toFixed(1)}% ` +
      `| ${result.p50.toFixed(1)} / ${result.p99.toFixed(1)} | ${nodeCpuS.toFixed(1)} | ${postgresCpuS.toFixed(1)} ` +
      `| ${(((nodeCpuS + postgresCpuS) * 1e6) / Math.max(1, result.delivered)).toFixed(1)} |`,
  ].join('\n'),
);

for (const client of clients) {
  await client.removeAllChannels();
  client.realtime.disconnect();
}
await world.close();
process.exit(0);

/**
 * CPU time (user + system) of this cluster: the server process, its live children (backends,
 * walsenders, background workers) and the children that have exited, from /proc.
 */
function postgresCpuMs(postmasterPid: number): number {
  const ticksPerMs = 100 / 1000; // USER_HZ is 100 on Linux
  let ticks = 0;
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // Fields after "pid (comm) ": state, ppid, …, utime (14th field), stime (15th).
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(pid) === postmasterPid) {
        // Its own time plus that of children already exited and reaped (cutime, cstime).
        ticks += Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
      } else if (Number(fields[1]) === postmasterPid) {
        ticks += Number(fields[11]) + Number(fields[12]);
      }
    } catch {
      // The process ended while we read.
    }
  }
  return ticks / ticksPerMs;
}
