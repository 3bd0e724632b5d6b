import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectionUrl, freePort, loadConfig, migrate, repoRoot, startPostgres } from '@harmony/db';
import pg from 'pg';
import { messagesStatement, PAGE_QUERY } from './rest-statement.js';

/**
 * Costs that must not grow with the data (issue 17), on one seeded database:
 *   page    a REST page of 50 messages for a member of ~1,000 channels vs a member of 2
 *   unread  get_unread_state() for a member of ~1,000 channels, 100k+ unread in some of them
 *   search  search_messages() for common, rare and partial words, member reads 5 of 10 channels
 *   mention a plain insert vs an @everyone insert in a 10,000-member server
 *   cursor  older pages of a 300-message channel inside the big table, at several depths
 *   size    bytes per 1M messages (table, TOAST, each index)
 * Each query runs as PostgREST runs it: authenticator, BEGIN, role authenticated + claims, the
 * statement, COMMIT. Baselines ("before") are the previous definitions of the replaced functions,
 * loaded from the migrations that defined them into schema bench_before, in the same database.
 * Run from the repository root: pnpm exec tsx bench/scale.ts   (BENCH_MESSAGES, BENCH_RUNS, BENCH_ONLY)
 */
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const ONLY = (process.env.BENCH_ONLY ?? 'page,unread,search,mention,cursor,size').split(',');
const CROWD = Number(process.env.BENCH_CROWD ?? 10_000);

/** One SQL script seeds everything; setseed keeps the texts the same from run to run. */
const SEED_SQL = `
select setseed(0.17);
create temporary table vocab as
  select i, case when i <= 12 then (array['hello','game','tonight','the','and','build','raid','guild','stream',
                                          'patch','party','server'])[i]
                 else 'w' || substr(md5(i::text), 1, 6) end as word
    from generate_series(1, 3000) i;
insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
                        raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
select '00000000-0000-0000-0000-000000000000', gen_random_uuid(), 'authenticated', 'authenticated',
       'scale' || i || '@example.test', '', now(), '{"provider":"email","providers":["email"]}',
       jsonb_build_object('username', 'scale' || i), now(), now()
  from generate_series(1, ${CROWD}) i;
create temporary table people as
  select substr(p.username, 6)::int as n, p.id, p.user_id
    from public.profiles p where p.username like 'scale%';
-- wide: member of ~1,000 channels; narrow: of 2; both in "pair". wide also searches "big".
create temporary table servers_seeded (name text, id uuid default gen_random_uuid(), channels int);
insert into servers_seeded (name, channels)
  select 'pair', 2 union all select 'big', 10 union all select 'crowd', 1
  union all select 'many' || i, 10 from generate_series(1, 99) i;
insert into public.servers (id, name, owner_id)
  select s.id, s.name, (select id from people where n = 3) from servers_seeded s;
insert into public.roles (id, server_id, name, position, permissions)
  select s.id, s.id, '@everyone', 0, public.default_everyone_permissions() from servers_seeded s;
insert into public.channels (server_id, type, name, position)
  select s.id, 'text', s.name || '-' || c, c from servers_seeded s, generate_series(1, s.channels) c;
-- The small channel of the cursor test lives in "big".
insert into public.channels (server_id, type, name, position)
  select id, 'text', 'big-tiny', 99 from servers_seeded where name = 'big';
-- Members: the owner (3) everywhere, wide (1) in all but crowd, narrow (2) in pair, the rest (5…) in crowd.
insert into public.server_members (server_id, profile_id)
  select s.id, p.id from servers_seeded s join people p on p.n = 3;
insert into public.server_members (server_id, profile_id)
  select s.id, p.id from servers_seeded s join people p on p.n = 1 where s.name <> 'crowd';
insert into public.server_members (server_id, profile_id)
  select s.id, p.id from servers_seeded s join people p on p.n = 2 where s.name = 'pair';
insert into public.server_members (server_id, profile_id)
  select s.id, p.id from servers_seeded s join people p on p.n > 4 where s.name = 'crowd';
-- searcher: a member of big only.
insert into public.server_members (server_id, profile_id)
  select s.id, p.id from servers_seeded s join people p on p.n = 4 where s.name = 'big';
-- wide reads 5 of big's 10 channels.
insert into public.channel_overwrites (channel_id, target_type, target_id, allow, deny)
  select c.id, 'role', c.server_id, 0, public.permission('VIEW_CHANNEL')
    from public.channels c join servers_seeded s on s.id = c.server_id
   where s.name = 'big' and c.name in ('big-6','big-7','big-8','big-9','big-10');
`;

/** Messages: MESSAGES spread over big's 10 channels, 300 in big-tiny, 4000 per pair channel, 5 in each other. */
const MESSAGES_SQL = `
select setseed(0.42);
set session_replication_role = replica;
with targets as (
  select c.id as channel_id, case when c.name = 'big-tiny' then 300
                                  when s.name = 'big' then ${Math.floor(MESSAGES / 10)}
                                  when s.name = 'pair' then 4000 else 5 end as total,
         case when c.name = 'big-tiny' then 0.5 else 0 end as spacing
    from public.channels c join public.servers s on s.id = c.server_id
   where s.name <> 'crowd'
), numbered as (
  select t.channel_id, g as seq, t.total from targets t, generate_series(1, t.total) g
)
insert into public.messages (channel_id, seq, author_id, content, created_at)
select n.channel_id, n.seq, (select id from people where n = 3),
       (select string_agg(w.words[1 + k * 0 + floor(2999 * power(random(), 3))::int], ' ')
          from generate_series(1, 8) k where n.seq > 0)
       || case when random() < 0.00002 then ' zephyrine' else '' end,
       now() - make_interval(secs => (n.total - n.seq) * 10)
  from numbered n, (select array_agg(word order by i) as words from vocab) w;
set session_replication_role = origin;
update public.channel_sequences s set last_seq = m.last_seq, last_message_at = now()
  from (select channel_id, max(seq) as last_seq from public.messages group by channel_id) m
 where m.channel_id = s.channel_id;
`;

interface Person {
  id: string;
  user_id: string;
}

const pct = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
const fmt = (ms: number) => ms.toFixed(2);

/**
 * Runs `sql` `runs` times (after `warmups` warm-ups) as `user`, PostgREST-style; returns p50/p99 ms and the
 * last rows. The time is the client's round trip, or with `serverTime` PostgreSQL's execution time
 * (EXPLAIN ANALYZE), which round trips on a busy 2-core machine do not blur.
 */
async function timeAs(
  pool: pg.Pool,
  user: Person,
  sql: string,
  params: unknown[],
  serverTime = false,
  runs = RUNS,
  warmups = 3,
): Promise<{ p50: number; p99: number; rows: pg.QueryResultRow[] }> {
  const claims = JSON.stringify({ sub: user.user_id, role: 'authenticated', aud: 'authenticated' });
  const client = await pool.connect();
  const times: number[] = [];
  let rows: pg.QueryResultRow[] = [];
  try {
    for (let i = 0; i < runs + warmups; i++) {
      await client.query('begin');
      await client.query(
        "select set_config('role', 'authenticated', true), set_config('request.jwt.claims', $1, true), set_config('search_path', 'public, extensions', true)",
        [claims],
      );
      const t0 = performance.now();
      const res = await client.query(serverTime ? `explain (analyze, format json) ${sql}` : sql, params);
      const elapsed = serverTime
        ? (res.rows[0] as { 'QUERY PLAN': [{ 'Execution Time': number }] })['QUERY PLAN'][0]['Execution Time']
        : performance.now() - t0;
      await client.query('commit');
      // A multi-statement text (simple protocol) answers one result per statement.
      const results = res as unknown as pg.QueryResult | pg.QueryResult[];
      rows = (Array.isArray(results) ? results[results.length - 1] : results)?.rows ?? [];
      if (i >= warmups) times.push(elapsed);
    }
  } catch (error) {
    await client.query('rollback');
    throw error;
  } finally {
    client.release();
  }
  times.sort((a, b) => a - b);
  return { p50: pct(times, 0.5), p99: pct(times, 0.99), rows };
}

/** The definition of public.<name> in the newest file (of `files`) that defines it, renamed into bench_before. */
function previousDefinition(name: string, files: string[]): string {
  for (const file of files) {
    const text = readFileSync(join(repoRoot(), 'db_schema', file), 'utf8');
    const start = text.search(new RegExp(`create (or replace )?function public\\.${name}\\(`));
    if (start < 0) continue;
    const bodyStart = text.indexOf('$$', start);
    const end = text.indexOf('$$;', bodyStart + 2) + 3;
    return text
      .slice(start, end)
      .replace(/^create (or replace )?function public\./, 'create or replace function bench_before.');
  }
  throw new Error(`no definition of ${name}`);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'harmony-bench-scale-'));
  const server = await startPostgres({ dataDir: join(dir, 'pg'), port: await freePort(), ephemeral: true });
  const admin = new pg.Client({ connectionString: connectionUrl(server.port) });
  try {
    await admin.connect();
    await admin.query('create database bench');
    await admin.end();
    const db = new pg.Client({ connectionString: connectionUrl(server.port, 'bench') });
    db.on('error', () => undefined);
    await db.connect();
    await migrate(db, loadConfig().schemaDir);
    await db.query("set maintenance_work_mem = '256MB'");
    let t = performance.now();
    await db.query(SEED_SQL);
    console.log(`seeded people, servers, channels in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    t = performance.now();
    // Indexes are built after the bulk insert (faster); the schema's definitions are put back as they were.
    const { rows: indexes } = await db.query<{ name: string; def: string }>(
      `select i.indexrelid::regclass::text as name, pg_get_indexdef(i.indexrelid) as def from pg_index i
        where i.indrelid = 'public.messages'::regclass and not i.indisprimary
          and not exists (select 1 from pg_constraint c where c.conindid = i.indexrelid)`,
    );
    for (const index of indexes) await db.query(`drop index ${index.name}`);
    await db.query(MESSAGES_SQL);
    for (const index of indexes) await db.query(index.def);
    await db.query('vacuum analyze');
    console.log(`seeded ${MESSAGES} messages in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    await db.query('create schema bench_before; grant usage on schema bench_before to authenticated');

    const { rows: people } = await db.query<Person & { n: string }>(
      'select substr(p.username, 6) as n, p.id, p.user_id from public.profiles p where p.username in ($1, $2, $3, $4)',
      ['scale1', 'scale2', 'scale3', 'scale4'],
    );
    const person = (n: number) => people.find((p) => p.n === String(n)) as Person;
    const wide = person(1);
    const narrow = person(2);
    const owner = person(3);
    const searcher = person(4);
    const channel = async (name: string) =>
      (await db.query<{ id: string }>('select id from public.channels where name = $1', [name])).rows[0]
        ?.id as string;

    const api = new pg.Pool({
      connectionString: `postgresql://authenticator:postgres@127.0.0.1:${server.port}/bench`,
      max: 2,
    });
    const context = { db, api, wide, narrow, owner, searcher, channel };
    for (const section of ONLY) {
      const run = SECTIONS[section];
      if (!run) throw new Error(`unknown section ${section}`);
      console.log(`\n== ${section}`);
      await run(context);
    }
    await api.end();
    await db.end();
  } catch (error) {
    console.error(error);
    process.exitCode = 1;
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Context {
  db: pg.Client;
  api: pg.Pool;
  wide: Person;
  narrow: Person;
  owner: Person;
  searcher: Person;
  channel: (name: string) => Promise<string>;
}

const SECTIONS: Record<string, (c: Context) => Promise<void>> = {
  /** Keeps the seeded database up for psql (BENCH_ONLY=hold), until the process is stopped. */
  hold: async ({ db }) => {
    console.log(
      `holding ${(db as unknown as { connectionParameters: { port: number } }).connectionParameters.port}`,
    );
    await new Promise((resolve) => setTimeout(resolve, 3_600_000));
  },
  page: async ({ db, api, wide, narrow, channel }) => {
    const pair = await channel('pair-1');
    const { rows } = await db.query<{ who: string; channels: string }>(
      `select p.username as who, count(*)::text as channels from private.channel_member_permissions c
         join public.profiles p on p.id = c.profile_id where p.id = any($1) group by p.username`,
      [[wide.id, narrow.id]],
    );
    console.log(rows.map((r) => `${r.who}: ${r.channels} channels`).join(', '));
    const statement = await messagesStatement(db as unknown as pg.PoolClient, PAGE_QUERY(pair));
    const { rows: policy } = await db.query<{ qual: string }>(
      `select pg_get_expr(polqual, polrelid) as qual from pg_policy
        where polrelid = 'public.messages'::regclass and polname = 'messages_select_reader'`,
    );
    const setPolicy = (qual: string) =>
      db.query(`drop policy messages_select_reader on public.messages;
                create policy messages_select_reader on public.messages for select to authenticated using (${qual})`);
    console.log(
      '| policy | member of | round trip p50 / p99 ms | PostgreSQL p50 / p99 ms |\n| --- | --- | ---: | ---: |',
    );
    // Before: the policy of the init schema (the hashed set of all the caller's readable channels).
    for (const [label, qual] of [
      ['before', 'channel_id in (select public.readable_channel_ids())'],
      ['after', policy[0]?.qual as string],
    ] as const) {
      await setPolicy(qual);
      const a = await timeAs(api, narrow, statement.text, statement.values);
      const b = await timeAs(api, wide, statement.text, statement.values);
      const aServer = await timeAs(api, narrow, statement.text, statement.values, true);
      const bServer = await timeAs(api, wide, statement.text, statement.values, true);
      const wideChannels = rows.find((r) => r.who === 'scale1')?.channels;
      console.log(
        `| ${label} | 2 channels | ${fmt(a.p50)} / ${fmt(a.p99)} | ${fmt(aServer.p50)} / ${fmt(aServer.p99)} |`,
      );
      console.log(
        `| ${label} | ${wideChannels} channels | ${fmt(b.p50)} / ${fmt(b.p99)} | ${fmt(bServer.p50)} / ${fmt(bServer.p99)} |`,
      );
      console.log(
        `| ${label} | ratio | ${(b.p50 / a.p50).toFixed(2)} | ${(bServer.p50 / aServer.p50).toFixed(2)} |`,
      );
    }
  },

  unread: async ({ db, api, wide }) => {
    await db.query(previousDefinition('get_unread_state', ['init/12_functions_messages.sql']));
    const { rows } = await db.query<{ channels: string; unread: string }>(
      `select count(*)::text as channels, sum(s.last_seq)::text as unread from private.channel_member_permissions p
         join public.channel_sequences s on s.channel_id = p.channel_id where p.profile_id = $1`,
      [wide.id],
    );
    console.log(
      `member of ${rows[0]?.channels} channels (5 of big's 10 readable), ${rows[0]?.unread} messages in them`,
    );
    console.log('| read position | before p50 / p99 ms | after p50 / p99 ms |\n| --- | ---: | ---: |');
    const measure = async (label: string) => {
      const cell = async (fn: string) => {
        try {
          const r = await timeAs(
            api,
            wide,
            `set local statement_timeout = '8s'; select * from ${fn}()`,
            [],
            false,
            10,
          );
          return `${fmt(r.p50)} / ${fmt(r.p99)}`;
        } catch (error) {
          return (error as { code?: string }).code === '57014' ? 'timeout (8 s)' : String(error);
        }
      };
      console.log(
        `| ${label} | ${await cell('bench_before.get_unread_state')} | ${await cell('public.get_unread_state')} |`,
      );
    };
    await db.query('delete from public.read_states where profile_id = $1', [wide.id]);
    await db.query('analyze public.read_states');
    await measure('nothing read');
    await db.query(
      `insert into public.read_states (profile_id, channel_id, last_read_seq)
       select $1, s.channel_id, s.last_seq from public.channel_sequences s
         join private.channel_member_permissions p on p.channel_id = s.channel_id and p.profile_id = $1`,
      [wide.id],
    );
    await db.query('analyze public.read_states');
    await measure('everything read');
  },

  search: async ({ db, api, searcher, wide }) => {
    await db.query(
      previousDefinition('search_messages', ['migrations/20261206000400_rpc_error_statuses.sql']),
    );
    console.log(
      '| who | query | kind | before p50 / p99 ms | after p50 / p99 ms | results |\n| --- | --- | --- | ---: | ---: | ---: |',
    );
    const words: [string, string][] = [
      ['hello', 'common (43% of messages)'],
      ['zephyrine', 'rare (~20 per 1M)'],
      ['hell', 'partial, common'],
      ['zephyr', 'partial, rare'],
      ['w3c59dc', 'mid-frequency word'],
      ['helo', 'typo of a common word'],
    ];
    const seen: string[] = [];
    for (const [who, person] of [
      ['reads 5 of 10 channels', searcher],
      ['member of ~1,000 channels', wide],
    ] as const) {
      for (const [word, kind] of words) {
        const cell = async (fn: string, runs: number) => {
          try {
            const r = await timeAs(
              api,
              person,
              `set local statement_timeout = '8s'; select id from ${fn}('${word}')`,
              [],
              false,
              runs,
              runs > 3 ? 3 : 0,
            );
            return { text: `${fmt(r.p50)} / ${fmt(r.p99)}`, rows: r.rows };
          } catch (error) {
            return {
              text: (error as { code?: string }).code === '57014' ? 'timeout (8 s)' : String(error),
              rows: [],
            };
          }
        };
        const before = await cell('bench_before.search_messages', 3);
        const after = await cell('public.search_messages', RUNS);
        console.log(`| ${who} | ${word} | ${kind} | ${before.text} | ${after.text} | ${after.rows.length} |`);
        if (person === searcher) seen.push(...after.rows.map((r) => r.id as string));
      }
    }
    // Results only from channels the searcher can read.
    const { rows } = await db.query<{ n: string }>(
      `select count(*)::text as n from public.messages m
        where m.id = any($1::uuid[]) and private.channel_permissions(m.channel_id, $2) & 66560 <> 66560`,
      [seen, searcher.id],
    );
    console.log(`results the searcher cannot read: ${rows[0]?.n} of ${seen.length}`);
  },

  mention: async ({ db, api, owner, channel }) => {
    const crowd = await channel('crowd-1');
    const { rows } = await db.query<{ n: string }>(
      'select count(*)::text as n from public.server_members m join public.channels c on c.server_id = m.server_id where c.id = $1',
      [crowd],
    );
    const insert = 'insert into public.messages (channel_id, content) values ($1, $2) returning id';
    // authenticated's statement_timeout (8 s, as on Supabase) applies to the insert.
    const measure = async (content: string, runs: number) => {
      try {
        const r = await timeAs(api, owner, insert, [crowd, content], false, runs, 1);
        return `${fmt(r.p50)} / ${fmt(r.p99)}`;
      } catch (error) {
        return (error as { code?: string }).code === '57014' ? 'timeout (8 s)' : String(error);
      }
    };
    const use = (definition: string) =>
      db.query(
        definition.replace(
          /^create or replace function bench_before\./,
          'create or replace function public.',
        ),
      );
    const before = previousDefinition('notify_message', ['migrations/20261206000300_permission_queries.sql']);
    const after = previousDefinition('notify_message', [
      'migrations/20261206133000_everyone_mentions_lazy.sql',
    ]);
    console.log(`server of ${rows[0]?.n} members, insert as the owner (who may mention everyone)`);
    console.log(
      '| notify_message | plain p50 / p99 ms | @everyone p50 / p99 ms | notifications written per @everyone |\n| --- | ---: | ---: | ---: |',
    );
    for (const [label, definition] of [
      ['before (a row per member)', before],
      ['after (lazy)', after],
    ] as const) {
      await use(definition);
      const written = async () =>
        Number(
          (await db.query<{ n: string }>('select count(*)::text as n from public.notifications')).rows[0]?.n,
        );
      const runs = label.startsWith('before') ? 3 : 20;
      const plain = await measure('plain message', 20);
      const start = await written();
      const everyone = await measure('@everyone look', runs);
      const perMessage = ((await written()) - start) / (runs + 1);
      // A timed-out insert rolled its notifications back with it.
      const rowsText = everyone.startsWith('timeout') ? 'rolled back' : perMessage.toFixed(0);
      console.log(`| ${label} | ${plain} | ${everyone} | ${rowsText} |`);
    }
  },
  cursor: async ({ db, api, wide, channel }) => {
    await db.query(previousDefinition('get_messages', ['migrations/20261206130000_permission_probes.sql']));
    const tiny = await channel('big-tiny');
    const big = await channel('big-1');
    console.log(
      '| channel | cursor (before seq) | before p50 / p99 ms | after p50 / p99 ms |\n| --- | ---: | ---: | ---: |',
    );
    const perChannel = Math.floor(MESSAGES / 10);
    for (const [label, id, cursors] of [
      ['big-tiny (300 messages)', tiny, [301, 250, 120, 51]],
      [`big-1 (${perChannel} messages)`, big, [perChannel + 1, Math.floor(perChannel / 2), 1000, 51]],
    ] as const) {
      for (const cursor of cursors) {
        const sql = (fn: string) => `select count(*) from ${fn}('${id}', ${cursor})`;
        const before = await timeAs(api, wide, sql('bench_before.get_messages'), [], true);
        const after = await timeAs(api, wide, sql('public.get_messages'), [], true);
        console.log(
          `| ${label} | ${cursor} | ${fmt(before.p50)} / ${fmt(before.p99)} | ${fmt(after.p50)} / ${fmt(after.p99)} |`,
        );
      }
    }
    // PL/pgSQL switches to a cached generic plan after a few calls when it judges it no worse;
    // forcing it shows what a page then costs (round trips: EXPLAIN cannot wrap the SET).
    console.log('\nwith generic plans (plan_cache_mode = force_generic_plan), round trip:');
    console.log(
      '| channel | cursor (before seq) | before p50 / p99 ms | after p50 / p99 ms |\n| --- | ---: | ---: | ---: |',
    );
    for (const cursor of [perChannel + 1, Math.floor(perChannel / 2), 1000, 51]) {
      const sql = (fn: string) =>
        `set local plan_cache_mode = force_generic_plan; select count(*) from ${fn}('${big}', ${cursor})`;
      const before = await timeAs(api, wide, sql('bench_before.get_messages'), [], false, 10);
      const after = await timeAs(api, wide, sql('public.get_messages'), [], false, 10);
      console.log(
        `| big-1 | ${cursor} | ${fmt(before.p50)} / ${fmt(before.p99)} | ${fmt(after.p50)} / ${fmt(after.p99)} |`,
      );
    }
  },
  size: async ({ db }) => {
    const { rows } = await db.query<{ name: string; bytes: string; scans: string }>(
      `select c.relname as name, pg_relation_size(c.oid)::text as bytes, coalesce(s.idx_scan, 0)::text as scans
         from pg_class c left join pg_stat_user_indexes s on s.indexrelid = c.oid
        where c.oid = 'public.messages'::regclass or c.oid = (select reltoastrelid from pg_class where oid = 'public.messages'::regclass)
           or c.oid in (select indexrelid from pg_index where indrelid = 'public.messages'::regclass)
        order by pg_relation_size(c.oid) desc`,
    );
    const { rows: total } = await db.query<{ n: string; bytes: string }>(
      `select count(*)::text as n, pg_total_relation_size('public.messages')::text as bytes from public.messages`,
    );
    const n = Number(total[0]?.n);
    const perMillion = (bytes: number) => `${(((bytes / n) * 1e6) / 2 ** 20).toFixed(1)} MB`;
    console.log(`${n} messages, total ${perMillion(Number(total[0]?.bytes))} per 1M messages`);
    console.log('| relation | per 1M messages | index scans in this run |\n| --- | ---: | ---: |');
    for (const r of rows) console.log(`| ${r.name} | ${perMillion(Number(r.bytes))} | ${r.scans} |`);
  },
};

await main();
