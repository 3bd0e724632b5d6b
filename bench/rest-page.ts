import { deepStrictEqual } from 'node:assert';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '@harmony/db';
import { signJwt, startLocalStack } from '@harmony/stack';
import pg from 'pg';
import { Pool } from 'undici';
import { execute } from '../apps/stack/src/rest/execute.js';
import { cpuBetween, type TreeCpu, treeSnapshot } from './cpu-meter.js';
import { messagesStatement, PAGE_QUERY } from './rest-statement.js';

/**
 * REST page read: a 50-message page of a channel with each message's author embedded, fetched
 * through the REST API with RLS as an authenticated member, against the same rows read directly
 * with `pg` (same role, same claims, same RLS) in the same run. The stack runs in a child process
 * so the load generator does not share its event loop.
 * Run from the repository root: pnpm exec tsx bench/rest-page.ts
 */
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 4000);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 400);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);
const MESSAGES_PER_CHANNEL = 4000;
const SECRET = 'bench-only-jwt-secret-with-at-least-32-characters';
/**
 * Worktrees of older commits, comma-separated (e.g. `git worktree add /tmp/wt-851 851d935`): the REST
 * page of each runs in the same rounds.
 */
const BASELINES = (process.env.BENCH_BASELINE_WORKTREE ?? '').split(',').filter(Boolean);
/**
 * The load generator's HTTP client: undici's Pool (default), or node:http with
 * BENCH_HTTP_CLIENT=node (the figures before 2026-12-06 evening). undici costs the generator about
 * half the CPU per request, and on these two cores the generator competes with the servers.
 */
const HTTP_CLIENT = process.env.BENCH_HTTP_CLIENT === 'node' ? 'node' : 'undici';

if (process.argv[2] === 'serve') {
  // Child: PostgreSQL + the stack, until stdin closes.
  const local = await startLocalStack(process.env);
  const served: Served = {
    url: local.stack.url,
    anon: local.stack.keys.anon,
    db: local.databaseUrl,
    ...(local.stackDatabaseUrl !== local.databaseUrl ? { socketDb: local.stackDatabaseUrl } : {}),
  };
  process.stdout.write(`READY ${JSON.stringify(served)}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => {
    void local.stop().then(() => process.exit(0));
  });
} else {
  await main();
}

interface Served {
  url: string;
  anon: string;
  db: string;
  /** The same database over its Unix-domain socket, which the stack itself uses (if it has one). */
  socketDb?: string;
}

type Server = { served: Served; pid: number; stop: () => Promise<void> };

/** Runs `script serve` (this file, or the same bench of another worktree) in a child process. */
function startServer(env: NodeJS.ProcessEnv, script: string): Promise<Server> {
  const child = spawn(process.execPath, [...process.execArgv, script, 'serve'], {
    env,
    cwd: join(dirname(script), '..'),
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n').find((l) => l.startsWith('READY '));
      if (!line) return;
      child.removeAllListeners('exit');
      resolve({
        served: JSON.parse(line.slice(6)) as Served,
        pid: child.pid as number,
        stop: () =>
          new Promise<void>((done) => {
            child.once('exit', () => done());
            child.stdin.end();
          }),
      });
    });
  });
}

/** CPU milliseconds per request, by process: the load generator, the stack, PostgreSQL. */
interface CpuPerRequest extends TreeCpu {
  client: number;
}

interface Stats {
  label: string;
  rps: number;
  /** req/s in each round, in order (rounds of different variants run back to back). */
  roundRps: number[];
  p50: number;
  p99: number;
  cpu: CpuPerRequest;
}

interface Variant {
  label: string;
  one: () => Promise<unknown>;
  latencies: number[];
  seconds: number;
  roundRps: number[];
  cpu: CpuPerRequest;
  /** The process tree whose CPU is counted as stack and PostgreSQL. */
  pid: number;
}

/** CONCURRENCY loops issue `count` calls of `one`; returns each latency (ms) and the wall time. */
async function run(
  one: () => Promise<unknown>,
  count: number,
): Promise<{ latencies: number[]; seconds: number }> {
  const latencies: number[] = [];
  let issued = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (issued++ < count) {
        const t0 = performance.now();
        await one();
        latencies.push(performance.now() - t0);
      }
    }),
  );
  return { latencies, seconds: (performance.now() - started) / 1000 };
}

/** The value at quantile q of ascending `sorted` (nearest rank). */
function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}

/**
 * Warms every variant up, then runs them interleaved in ROUNDS slices of REQUESTS/ROUNDS, so
 * background load on the machine hits them all alike.
 */
async function measureAll(variants: Variant[]): Promise<Stats[]> {
  for (const v of variants) await run(v.one, WARMUP);
  for (let round = 0; round < ROUNDS; round++) {
    for (const v of variants) {
      const clientBefore = process.cpuUsage();
      const treeBefore = treeSnapshot(v.pid);
      const { latencies, seconds } = await run(v.one, Math.ceil(REQUESTS / ROUNDS));
      const client = process.cpuUsage(clientBefore);
      const tree = cpuBetween(treeBefore, treeSnapshot(v.pid));
      v.cpu.client += (client.user + client.system) / 1000;
      v.cpu.stack += tree.stack;
      v.cpu.postgres += tree.postgres;
      v.latencies.push(...latencies);
      v.seconds += seconds;
      v.roundRps.push(latencies.length / seconds);
    }
  }
  return variants.map((v) => {
    const n = v.latencies.length;
    const sorted = [...v.latencies].sort((a, b) => a - b);
    const at = (q: number) => quantile(sorted, q);
    const cpu = { client: v.cpu.client / n, stack: v.cpu.stack / n, postgres: v.cpu.postgres / n };
    return { label: v.label, rps: n / v.seconds, roundRps: v.roundRps, p50: at(0.5), p99: at(0.99), cpu };
  });
}

/**
 * Authors and one reader, all members of a server with three busy channels; returns the reader's
 * user id and the channel whose page is read.
 */
async function seed(databaseUrl: string): Promise<{ readerUserId: string; channel: string }> {
  const admin = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  admin.on('error', () => undefined);
  try {
    const users = Array.from({ length: 21 }, () => randomUUID());
    await admin.query(
      `insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
                               raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
       select '00000000-0000-0000-0000-000000000000', id, 'authenticated', 'authenticated',
              'bench-' || id || '@example.test', '', now(), '{"provider":"email","providers":["email"]}',
              jsonb_build_object('username', 'b' || replace(left(id::text, 13), '-', ''),
                                 'display_name', 'Bench ' || left(id::text, 8)), now(), now()
         from unnest($1::uuid[]) as id`,
      [users],
    );
    const { rows: profiles } = await admin.query<{ id: string; user_id: string }>(
      'select id, user_id from public.profiles where user_id = any($1::uuid[])',
      [users],
    );
    const reader = profiles.find((p) => p.user_id === users[0]) as { id: string; user_id: string };
    const authors = profiles.filter((p) => p !== reader).map((p) => p.id);
    const serverId = randomUUID();
    await admin.query('insert into public.servers (id, name, owner_id) values ($1, $2, $3)', [
      serverId,
      'Bench',
      authors[0],
    ]);
    await admin.query(
      `insert into public.roles (id, server_id, name, position, permissions)
       values ($1, $1, '@everyone', 0, public.default_everyone_permissions())`,
      [serverId],
    );
    await admin.query(
      'insert into public.server_members (server_id, profile_id) select $1, unnest($2::uuid[])',
      [serverId, profiles.map((p) => p.id)],
    );
    const channels: string[] = [];
    for (const name of ['general', 'random', 'off-topic']) {
      const { rows } = await admin.query<{ id: string }>(
        `insert into public.channels (server_id, type, name) values ($1, 'text', $2) returning id`,
        [serverId, name],
      );
      const channel = rows[0]?.id as string;
      channels.push(channel);
      await admin.query(
        `insert into public.messages (channel_id, author_id, content)
         select $1, ($2::uuid[])[1 + g % array_length($2::uuid[], 1)], 'message number ' || g || ' in ' || $3
           from generate_series(1, $4::int) g`,
        [channel, authors, name, MESSAGES_PER_CHANNEL],
      );
    }
    await admin.query('analyze');
    return { readerUserId: reader.user_id, channel: channels[0] as string };
  } finally {
    await admin.end();
  }
}

/** The load generator's HTTP client for every REST variant alike (see HTTP_CLIENT). */
type HttpGet = (url: URL, headers: Record<string, string>) => () => Promise<string>;

function httpClient(): { get: HttpGet; close: () => Promise<void> } {
  if (HTTP_CLIENT === 'undici') {
    const pools = new Map<string, Pool>();
    const poolFor = (origin: string) => {
      let pool = pools.get(origin);
      if (!pool) {
        pool = new Pool(origin, { connections: CONCURRENCY });
        pools.set(origin, pool);
      }
      return pool;
    };
    const get: HttpGet = (url, headers) => async () => {
      const res = await poolFor(url.origin).request({
        path: `${url.pathname}${url.search}`,
        method: 'GET',
        headers,
      });
      const body = await res.body.text();
      if (res.statusCode !== 200) throw new Error(`REST ${res.statusCode}: ${body}`);
      return body;
    };
    return {
      get,
      close: async () => void (await Promise.all([...pools.values()].map((pool) => pool.close()))),
    };
  }
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const get: HttpGet = (url, headers) => () =>
    new Promise<string>((resolve, reject) => {
      const req = http.request(url, { agent, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          res.statusCode === 200
            ? resolve(Buffer.concat(chunks).toString())
            : reject(new Error(`REST ${res.statusCode}: ${Buffer.concat(chunks).toString()}`)),
        );
      });
      req.on('error', reject);
      req.end();
    });
  return { get, close: async () => agent.destroy() };
}

/** GET of the page over keep-alive HTTP/1.1. */
function restReader(get: HttpGet, served: Served, channel: string, token: string, keyInQuery = false) {
  const key = keyInQuery ? `&apikey=${served.anon}` : '';
  const url = new URL(`${served.url}/rest/v1/messages?${PAGE_QUERY(channel)}${key}`);
  const headers: Record<string, string> = {
    ...(keyInQuery ? {} : { apikey: served.anon }),
    Authorization: `Bearer ${token}`,
    'Accept-Profile': 'public',
    'X-Client-Info': 'bench',
  };
  return get(url, headers);
}

function readerToken(sub: string): Promise<string> {
  return signJwt(
    { sub, role: 'authenticated', aud: 'authenticated', exp: Math.floor(Date.now() / 1000) + 3600 },
    SECRET,
  );
}

/** The baseline worktree's stack, seeded alike; its page must be a full page with authors. */
async function oldRestReader(get: HttpGet, served: Served) {
  const { readerUserId, channel } = await seed(served.db);
  const page = restReader(get, served, channel, await readerToken(readerUserId));
  const rows = JSON.parse(await page()) as { author: unknown }[];
  if (rows.length !== 50 || !rows[0]?.author)
    throw new Error('baseline REST did not return a page with authors');
  return page;
}

/**
 * The REST / direct req/s ratio of each round, whose two slices ran back to back: a paired
 * measure, steadier than the ratio of totals when the machine's speed drifts during a run.
 */
function pairedRatios(rest: Stats, direct: Stats) {
  const ratios = rest.roundRps.map((rps, i) => rps / (direct.roundRps[i] as number)).sort((a, b) => a - b);
  const at = (q: number) => (100 * quantile(ratios, q)).toFixed(0);
  return { n: ratios.length, median: at(0.5), q1: at(0.25), q3: at(0.75) };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'harmony-bench-rest-'));
  chmodSync(dir, 0o755);
  const env = async (name: string) => ({
    ...process.env,
    DATABASE_URL: '',
    HARMONY_PG_DATA: join(dir, name, 'pg'),
    HARMONY_PG_PORT: String(await freePort()),
    HARMONY_STACK_PORT: String(await freePort()),
    HARMONY_STORAGE_DIR: join(dir, name, 'storage'),
    JWT_SECRET: SECRET,
    LOG_LEVEL: 'warn',
  });
  const { served, pid, stop } = await startServer(await env('head'), fileURLToPath(import.meta.url));
  const olds: (Server & { worktree: string })[] = [];
  for (const [i, worktree] of BASELINES.entries())
    olds.push({
      ...(await startServer(await env(`baseline-${i}`), join(worktree, 'bench/rest-page.ts'))),
      worktree,
    });
  const admin = new pg.Pool({ connectionString: served.db, max: 2 });
  admin.on('error', () => undefined);
  try {
    const { readerUserId, channel } = await seed(served.db);
    const reader = { user_id: readerUserId };
    const token = await readerToken(reader.user_id);
    const claims = JSON.stringify({ sub: reader.user_id, role: 'authenticated', aud: 'authenticated' });

    const client = httpClient();
    const restPage = restReader(client.get, served, channel, token);
    // The key in the query string is not served by the stack's REST fast path: hono's route.
    const honoPage = restReader(client.get, served, channel, token, true);
    const oldPages = await Promise.all(olds.map((old) => oldRestReader(client.get, old.served)));

    // The SQL the REST layer runs for this URL, and a hand-written equivalent.
    const schemaClient = await admin.connect();
    const statement = await messagesStatement(schemaClient, PAGE_QUERY(channel));
    schemaClient.release();
    const handWritten = {
      text: `select coalesce(json_agg(t), '[]')::text from (
               select m.*, (select json_build_object('username', p.username, 'display_name', p.display_name)
                              from public.profiles p where p.id = m.author_id) as author
                 from public.messages m where m.channel_id = $1 order by m.seq desc limit 50) t`,
      values: [channel],
    };

    const asAuthenticator = (url: string) => {
      const parsed = new URL(url);
      parsed.username = 'authenticator';
      parsed.password = 'postgres';
      return parsed.toString();
    };
    const dbUrl = asAuthenticator(served.db);
    const direct = new pg.Pool({ connectionString: dbUrl, max: CONCURRENCY });
    // For reference: a direct client on the Unix-domain socket the stack itself uses.
    const directSocket = served.socketDb
      ? new pg.Pool({ connectionString: asAuthenticator(served.socketDb), max: CONCURRENCY })
      : null;
    const pipelined = new pg.Pool({
      connectionString: dbUrl,
      max: CONCURRENCY,
      pipeline: true,
    } as pg.PoolConfig);
    // The stack's PostgreSQL goes away at teardown; idle clients must not crash the run then.
    for (const pool of [direct, pipelined, directSocket]) pool?.on('error', () => undefined);
    const settings = {
      name: 'bench_settings',
      text: "select set_config('role', 'authenticated', true), set_config('request.jwt.claims', $1, true), set_config('search_path', 'public, extensions', true)",
      values: [claims],
    };
    /** The REST executor itself (same settings, same pipelining), without HTTP or a second process. */
    const viaExecute = async () => {
      const r = await execute(direct, {
        auth: { role: 'authenticated', claims: JSON.parse(claims), claimsJson: claims },
        context: {
          method: 'GET',
          path: '/messages',
          headers: { apikey: served.anon, authorization: `Bearer ${token}` },
          cookies: {},
          schema: 'public',
        },
        statement,
        readOnly: true,
        roleSettings: [['statement_timeout', '8s']],
        extraSearchPath: ['public', 'extensions'],
        rollback: false,
      });
      return r.body;
    };
    /** BEGIN READ ONLY, the request settings, the query, COMMIT: one round trip each. */
    const sequential =
      (query: { text: string; values: unknown[] }, name: string, pool = direct) =>
      async () => {
        const client = await pool.connect();
        try {
          await client.query('BEGIN READ ONLY');
          await client.query(settings);
          const res = await client.query({ name, text: query.text, values: query.values, rowMode: 'array' });
          await client.query('COMMIT');
          return res.rows[0]?.[0 + (query === statement ? 2 : 0)] as string;
        } finally {
          client.release();
        }
      };
    /** The same four statements in one round trip (node-postgres's pipeline mode: a Sync each). */
    const oneTrip = (query: { text: string; values: unknown[] }, name: string) => async () => {
      const client = await pipelined.connect();
      try {
        const [, , res] = await Promise.all([
          client.query('BEGIN READ ONLY'),
          client.query(settings),
          client.query({ name, text: query.text, values: query.values, rowMode: 'array' }),
          client.query('COMMIT'),
        ]);
        return (res as pg.QueryResult<unknown[]>).rows[0]?.[0 + (query === statement ? 2 : 0)] as string;
      } finally {
        client.release();
      }
    };

    // Same rows, same RLS: all variants return the page the member may read.
    const viaRest = JSON.parse(await restPage()) as { id: string; author: unknown }[];
    const viaSame = JSON.parse(await sequential(statement, 'bench_same')()) as unknown[];
    const viaHand = JSON.parse(await sequential(handWritten, 'bench_hand')()) as unknown[];
    if (viaRest.length !== 50 || !viaRest[0]?.author)
      throw new Error('REST did not return a page with authors');
    deepStrictEqual(viaRest, viaSame);
    deepStrictEqual(viaRest, JSON.parse(await honoPage()));
    deepStrictEqual(viaRest, viaHand);

    const variant = (label: string, one: () => Promise<unknown>, tree = pid): Variant => ({
      label,
      one,
      latencies: [],
      seconds: 0,
      roundRps: [],
      cpu: { client: 0, stack: 0, postgres: 0 },
      pid: tree,
    });
    const results = await measureAll([
      variant('REST (supabase-js URL, HTTP keep-alive)', restPage),
      variant('pg, same SQL, 4 round trips', sequential(statement, 'bench_same')),
      variant('pg, same SQL, pipelined (1 round trip)', oneTrip(statement, 'bench_same_p')),
      variant('pg, hand-written SQL, 4 round trips', sequential(handWritten, 'bench_hand')),
      variant('REST executor in-process (no HTTP)', viaExecute),
      variant('REST through hono (apikey in the query string)', honoPage),
      ...(directSocket
        ? [
            variant(
              'pg, same SQL, 4 round trips, Unix socket',
              sequential(statement, 'bench_same', directSocket),
            ),
          ]
        : []),
      ...olds.map((old, i) =>
        variant(`REST at ${old.worktree}`, oldPages[i] as () => Promise<string>, old.pid),
      ),
    ]);
    const rest = results[0] as Stats;
    const baseline = results[1] as Stats;
    const befores = results.slice(results.length - olds.length);
    console.log(
      `\nREST page (50 messages + author), ${REQUESTS} requests per variant in ${ROUNDS} interleaved rounds, ${CONCURRENCY} concurrent, HTTP client: ${HTTP_CLIENT}\n`,
    );
    console.log(
      '| variant | req/s | p50 ms | p99 ms | REST / variant | CPU ms/req: client | stack | postgres |',
    );
    console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const r of results) {
      const { client, stack, postgres } = r.cpu;
      console.log(
        `| ${r.label} | ${r.rps.toFixed(0)} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${(rest.rps / r.rps).toFixed(2)} | ${client.toFixed(3)} | ${stack.toFixed(3)} | ${postgres.toFixed(3)} |`,
      );
    }
    const ok = rest.rps >= 0.85 * baseline.rps;
    console.log(
      `\ntarget: REST >= 85% of the same SQL run directly: ${(100 * (rest.rps / baseline.rps)).toFixed(0)}% -> ${ok ? 'met' : 'NOT met'}`,
    );
    const paired = pairedRatios(rest, baseline);
    console.log(
      `REST / same SQL directly, round by round (${paired.n} pairs run back to back): median ${paired.median}%, quartiles ${paired.q1}–${paired.q3}%`,
    );
    const cpuOf = (r: Stats) => r.cpu.client + r.cpu.stack + r.cpu.postgres;
    console.log(
      `REST / same SQL directly by CPU per page: ${(100 * (cpuOf(baseline) / cpuOf(rest))).toFixed(0)}%`,
    );
    for (const before of befores) {
      const ratio = rest.rps / before.rps;
      console.log(
        `target: REST >= 2x ${before.label}: ${ratio.toFixed(2)}x by req/s -> ${ratio >= 2 ? 'met' : 'NOT met'}; ${(cpuOf(before) / cpuOf(rest)).toFixed(2)}x by CPU per page`,
      );
    }
    await client.close();
    await Promise.all([direct.end(), pipelined.end(), directSocket?.end()]);
  } finally {
    await admin.end();
    await Promise.all([stop(), ...olds.map((old) => old.stop())]);
    rmSync(dir, { recursive: true, force: true });
  }
}
