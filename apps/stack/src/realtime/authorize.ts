import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import pg from 'pg';
import type { JwtClaims } from '../jwt.js';
import type { TableInfo } from './changes/catalog.js';

/** Who a check runs as: the JWT's role and claims (a "policy context"). */
export interface PolicyContext {
  /** role + claims: subscribers sharing it share every policy decision. */
  key: string;
  role: string;
  claims: JwtClaims;
  claimsJson: string;
}

export function policyContext(claims: JwtClaims): PolicyContext {
  const role = typeof claims.role === 'string' ? claims.role : 'anon';
  const claimsJson = JSON.stringify(claims);
  return { key: `${role}\u0000${claimsJson}`, role, claims, claimsJson };
}

export type Extension = 'broadcast' | 'presence';

/** Per-extension decisions; undefined = not evaluated yet. */
export interface Policies {
  broadcast: { read?: boolean; write?: boolean };
  presence: { read?: boolean; write?: boolean };
}

export const emptyPolicies = (): Policies => ({ broadcast: {}, presence: {} });

export class PolicyError extends Error {
  constructor(
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
  }
}

const SETTINGS_SQL = `select set_config('role', $1, true),
  set_config('realtime.topic', $2, true),
  set_config('request.jwt.claims', $3, true),
  set_config('request.jwt.claim.sub', $4, true),
  set_config('request.jwt.claim.role', $5, true),
  set_config('request.headers', $6, true)`;

function settings(context: PolicyContext, topic: string, headers: Record<string, string>): unknown[] {
  const sub = typeof context.claims.sub === 'string' ? context.claims.sub : '';
  return [context.role, topic, context.claimsJson, sub, context.role, JSON.stringify(headers)];
}

async function inRolledBackTransaction<T>(
  pool: pg.Pool,
  body: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query('begin');
    return await body(client);
  } catch (error) {
    broken = !(error as { code?: string }).code;
    throw error;
  } finally {
    await client.query('rollback').catch(() => {
      broken = true;
    });
    client.release(broken);
  }
}

/**
 * Private channels, as Realtime authorises them: as the privileged role, insert one probe
 * row per extension into realtime.messages, then switch to the JWT's role and claims (with
 * realtime.topic set) and see which probes the SELECT policies let through. Rolled back.
 */
export async function readPolicies(
  pool: pg.Pool,
  context: PolicyContext,
  topic: string,
  extensions: Extension[],
  headers: Record<string, string> = {},
): Promise<Partial<Record<Extension, boolean>>> {
  try {
    return await inRolledBackTransaction(pool, async (client) => {
      const ids = extensions.map(() => randomUUID());
      await client.query(
        `insert into realtime.messages (id, topic, extension)
         select * from unnest($1::uuid[], $2::text[], $3::text[])`,
        [ids, extensions.map(() => topic), extensions],
      );
      await client.query(SETTINGS_SQL, settings(context, topic, headers));
      const { rows } = await client.query<{ id: string }>(
        'select id::text as id from realtime.messages where id = any($1::uuid[])',
        [ids],
      );
      const seen = new Set(rows.map((r) => r.id));
      return Object.fromEntries(extensions.map((ext, i) => [ext, seen.has(ids[i] as string)]));
    });
  } catch (error) {
    throw new PolicyError((error as Error).message, error);
  }
}

/** Write checks: as the JWT's role, insert a row per extension; an RLS refusal means no. */
export async function writePolicies(
  pool: pg.Pool,
  context: PolicyContext,
  topic: string,
  extensions: Extension[],
  headers: Record<string, string> = {},
): Promise<Partial<Record<Extension, boolean>>> {
  try {
    return await inRolledBackTransaction(pool, async (client) => {
      await client.query(SETTINGS_SQL, settings(context, topic, headers));
      const result: Partial<Record<Extension, boolean>> = {};
      for (const extension of extensions) {
        await client.query('savepoint probe');
        try {
          await client.query('insert into realtime.messages (topic, extension) values ($1, $2)', [
            topic,
            extension,
          ]);
          result[extension] = true;
        } catch (error) {
          if ((error as { code?: string }).code !== '42501') throw error;
          result[extension] = false;
        }
        await client.query('rollback to savepoint probe');
      }
      return result;
    });
  } catch (error) {
    throw new PolicyError((error as Error).message, error);
  }
}

/** Rows of one table whose visibility one policy context needs, by primary-key text. */
export interface VisibilityQuery {
  table: TableInfo;
  /** Primary key values (text form, key order) of the rows to check. */
  keys: string[][];
}

export type Visibility = Map<number, Set<string>> | 'error';

/** How a row's primary key is compared: its columns' text forms as a JSON array. */
export const keyOf = (values: (string | null)[]) => JSON.stringify(values);

/** Contexts checked in parallel: enough round trips to keep every core busy, few enough to batch. */
const PARALLEL_CHUNKS = Math.max(2, Math.min(8, availableParallelism() * 2));
const MIN_CONTEXTS_PER_CHUNK = 4;

/** Splits work into at most PARALLEL_CHUNKS chunks of at least MIN_CONTEXTS_PER_CHUNK items. */
function chunked<T>(items: T[]): T[][] {
  const count = Math.max(1, Math.min(PARALLEL_CHUNKS, Math.ceil(items.length / MIN_CONTEXTS_PER_CHUNK)));
  const size = Math.ceil(items.length / count);
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

/**
 * Which rows each policy context may SELECT. Every context is one `set_config(role,
 * claims)` plus one keyed SELECT per table; a chunk of contexts goes in a single round
 * trip (a multi-statement simple query inside a rolled-back transaction on the
 * authenticator pool), chunks run in parallel. A context whose policies raise gets 'error'.
 */
export async function visibleRows(
  pool: pg.Pool,
  requests: Map<PolicyContext, VisibilityQuery[]>,
  xid?: number,
): Promise<Map<string, Visibility>> {
  const result = new Map<string, Visibility>();
  await Promise.all(
    chunked([...requests.entries()]).map(async (chunk) => {
      try {
        for (const [key, visibility] of await runChunkWhenVisible(pool, chunk, xid))
          result.set(key, visibility);
      } catch (error) {
        if (!(error as { code?: string }).code) throw error; // connection trouble: let the caller retry
        // One context's policy failed and took the batch with it: check them one by one.
        for (const entry of chunk) {
          try {
            for (const [key, visibility] of await runChunkWhenVisible(pool, [entry], xid))
              result.set(key, visibility);
          } catch (single) {
            if (!(single as { code?: string }).code) throw single;
            result.set(entry[0].key, 'error');
          }
        }
      }
    }),
  );
  return result;
}

/**
 * The walsender can send a commit a moment before the committing backend makes it visible
 * to new snapshots; a check in that window would miss the row. So each batch first asks
 * whether the transaction is still in progress and, if it is, runs again a moment later.
 */
async function runChunkWhenVisible(
  pool: pg.Pool,
  chunk: [PolicyContext, VisibilityQuery[]][],
  xid: number | undefined,
): Promise<Map<string, Visibility>> {
  const deadline = Date.now() + 2_000;
  for (;;) {
    const result = await runChunk(pool, chunk, xid);
    if (result !== 'in progress' || Date.now() > deadline)
      return result === 'in progress' ? new Map() : result;
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

/**
 * Waits (up to 2 s) until a transaction the stream reported committed is visible to new
 * snapshots, so checks that follow see what it changed.
 */
export async function whenCommitVisible(pool: pg.Pool, xid: number): Promise<void> {
  const deadline = Date.now() + 2_000;
  for (;;) {
    const { rows } = await pool.query<{ status: string }>(XACT_STATUS_SQL(Math.trunc(xid)));
    if (rows[0]?.status !== 'in progress' || Date.now() > deadline) return;
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

/** pg_xact_status of a 32-bit xid from the stream, widened with the current epoch. */
const XACT_STATUS_SQL = (xid: number) =>
  `select pg_xact_status(((case when ${xid}::bigint > (x & 4294967295) then (x >> 32) - 1 else x >> 32 end)
     * 4294967296 + ${xid}::bigint)::text::xid8) as status
     from (select pg_snapshot_xmax(pg_current_snapshot())::text::bigint as x) cur`;

async function runChunk(
  pool: pg.Pool,
  chunk: [PolicyContext, VisibilityQuery[]][],
  xid?: number,
): Promise<Map<string, Visibility> | 'in progress'> {
  // Keys are compared in their text form, rendered as the replication stream renders them.
  const statements = [
    'begin',
    `select set_config('statement_timeout', '5000', true), set_config('TimeZone', 'UTC', true),
       set_config('DateStyle', 'ISO, MDY', true), set_config('extra_float_digits', '1', true)`,
  ];
  const statusIndex = xid === undefined ? -1 : statements.length;
  if (xid !== undefined) statements.push(XACT_STATUS_SQL(Math.trunc(xid)));
  const slots: { context: string; relid: number; index: number }[] = [];
  for (const [context, queries] of chunk) {
    statements.push(
      `select set_config('role', ${pg.escapeLiteral(context.role)}, true), ` +
        `set_config('request.jwt.claims', ${pg.escapeLiteral(context.claimsJson)}, true)`,
    );
    for (const query of queries) {
      slots.push({ context: context.key, relid: query.table.relid, index: statements.length });
      statements.push(selectKeysSql(query));
    }
  }
  statements.push('rollback');
  const client = await pool.connect();
  let broken = false;
  try {
    const results = (await client.query(statements.join(';\n'))) as unknown as pg.QueryResult[];
    if (statusIndex >= 0 && results[statusIndex]?.rows[0]?.status === 'in progress') return 'in progress';
    const out = new Map<string, Visibility>();
    for (const [context] of chunk) out.set(context.key, new Map());
    for (const slot of slots) {
      const rows = results[slot.index]?.rows ?? [];
      const visibility = out.get(slot.context) as Map<number, Set<string>>;
      const set = visibility.get(slot.relid) ?? new Set<string>();
      for (const row of rows) set.add(keyOf(JSON.parse(row.k as string) as (string | null)[]));
      visibility.set(slot.relid, set);
    }
    return out;
  } catch (error) {
    broken = !(error as { code?: string }).code;
    await client.query('rollback').catch(() => {
      broken = true;
    });
    throw error;
  } finally {
    client.release(broken);
  }
}

function selectKeysSql({ table, keys }: VisibilityQuery): string {
  const cols = table.primaryKey.map((name) => table.byName.get(name));
  const ident = (name: string) => pg.escapeIdentifier(name);
  const keyExpr = `json_build_array(${table.primaryKey.map((n) => `${ident(n)}::text`).join(', ')})::text`;
  const tuple = (values: string[]) =>
    `(${values.map((v, i) => `${pg.escapeLiteral(v)}::${cols[i]?.sqlType ?? 'text'}`).join(', ')})`;
  return (
    `select ${keyExpr} as k from ${ident(table.schema)}.${ident(table.table)} ` +
    `where (${table.primaryKey.map(ident).join(', ')}) in (${keys.map(tuple).join(', ')})`
  );
}

/** One private channel whose read decisions are evaluated again. */
export interface ReadRecheck {
  context: PolicyContext;
  topic: string;
  headers: Record<string, string>;
  extensions: Extension[];
}

export type RecheckResult = Partial<Record<Extension, boolean>> | 'error';

/**
 * readPolicies for many channels at once: per chunk, one round trip of a rolled-back
 * transaction that inserts every probe row as the privileged role, then for each channel
 * switches to its role, claims, headers and topic and selects its probes back. Chunks run
 * in parallel; a check whose policies raise gets 'error'. Lost connections reject.
 */
export async function recheckReadPolicies(pool: pg.Pool, checks: ReadRecheck[]): Promise<RecheckResult[]> {
  const results: RecheckResult[] = new Array(checks.length);
  const indexed = checks.map((check, index) => ({ check, index }));
  await Promise.all(
    chunked(indexed).map(async (chunk) => {
      try {
        const decided = await runRecheck(
          pool,
          chunk.map((c) => c.check),
        );
        chunk.forEach((c, i) => {
          results[c.index] = decided[i] as RecheckResult;
        });
      } catch (error) {
        if (!(error as { code?: string }).code) throw error;
        for (const c of chunk) {
          try {
            results[c.index] = (await runRecheck(pool, [c.check]))[0] as RecheckResult;
          } catch (single) {
            if (!(single as { code?: string }).code) throw single;
            results[c.index] = 'error';
          }
        }
      }
    }),
  );
  return results;
}

async function runRecheck(pool: pg.Pool, checks: ReadRecheck[]): Promise<RecheckResult[]> {
  const lit = pg.escapeLiteral;
  const probes = checks.map((check) =>
    check.extensions.map((extension) => ({ id: randomUUID(), extension })),
  );
  const rows = checks.flatMap((check, i) =>
    (probes[i] ?? []).map((p) => `(${lit(p.id)}::uuid, ${lit(check.topic)}, ${lit(p.extension)})`),
  );
  const statements = [
    'begin',
    "select set_config('statement_timeout', '5000', true)",
    `insert into realtime.messages (id, topic, extension) values ${rows.join(', ')}`,
  ];
  const selects: number[] = [];
  checks.forEach((check, i) => {
    const [role, topic, claims, sub, claimRole, headers] = settings(
      check.context,
      check.topic,
      check.headers,
    );
    statements.push(
      `select set_config('role', ${lit(String(role))}, true), set_config('realtime.topic', ${lit(String(topic))}, true),
         set_config('request.jwt.claims', ${lit(String(claims))}, true),
         set_config('request.jwt.claim.sub', ${lit(String(sub))}, true),
         set_config('request.jwt.claim.role', ${lit(String(claimRole))}, true),
         set_config('request.headers', ${lit(String(headers))}, true)`,
    );
    selects.push(statements.length);
    const ids = (probes[i] ?? []).map((p) => `${lit(p.id)}::uuid`).join(', ');
    statements.push(`select id::text as id from realtime.messages where id in (${ids})`);
  });
  statements.push('rollback');
  const client = await pool.connect();
  let broken = false;
  try {
    const results = (await client.query(statements.join(';\n'))) as unknown as pg.QueryResult[];
    return checks.map((check, i) => {
      const seen = new Set((results[selects[i] as number]?.rows ?? []).map((r) => r.id as string));
      return Object.fromEntries(
        check.extensions.map((ext, j) => [ext, seen.has(probes[i]?.[j]?.id as string)]),
      );
    });
  } catch (error) {
    broken = !(error as { code?: string }).code;
    await client.query('rollback').catch(() => {
      broken = true;
    });
    throw error;
  } finally {
    client.release(broken);
  }
}
