import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { AuthResult } from './auth.js';
import { ApiError, pgErrorToApiError } from './errors.js';
import { endsConnection, OneSyncPipeline, type PipelineStep } from './one-sync.js';
import type { MainStatement } from './sql/statements.js';

/** The single row every main statement returns (MainTx.hs ResultSet). */
export interface MainResult {
  /** Total rows for Prefer: count (null when not counted). */
  total: number | null;
  /** Rows in this response / rows affected. */
  pageTotal: number;
  body: string;
  gucHeaders: string | null;
  gucStatus: string | null;
  /** merge-duplicates: rows actually inserted. */
  inserted: number | null;
  /** count=planned/estimated: the planner's estimate. */
  plannedTotal: number | null;
}

export interface RequestContext {
  method: string;
  path: string;
  headers: Record<string, string>;
  cookies: Record<string, string>;
  schema: string;
  timezone?: string;
}

export interface ExecuteOptions {
  auth: AuthResult;
  context: RequestContext;
  statement: MainStatement;
  readOnly: boolean;
  /** Settings of the target role (pg_db_role_setting), applied before switching to it. */
  roleSettings: [string, string][];
  /** db-extra-search-path. */
  extraSearchPath: string[];
  /** Prefer: tx=rollback. */
  rollback: boolean;
  /** Checks the result inside the transaction; throwing rolls it back (singular, max-affected, PUT). */
  check?: (result: MainResult) => void;
}

const quoteIdent = (s: string) => `"${s.replace(/"/g, '""')}"`;

/** Names prepared statements by their text; a bounded set, so server memory stays bounded. */
class StatementNames {
  private readonly names = new Map<string, string>();
  private readonly seen = new Map<string, number>();

  constructor(private readonly capacity: number) {}

  /** A name once a text has been seen twice (one-off queries stay unnamed), within capacity. */
  nameFor(text: string, always = false): string | undefined {
    const existing = this.names.get(text);
    if (existing) return existing;
    if (this.names.size >= this.capacity) return undefined;
    if (!always) {
      const count = (this.seen.get(text) ?? 0) + 1;
      if (count < 2) {
        if (this.seen.size > 10 * this.capacity) this.seen.clear();
        this.seen.set(text, count);
        return undefined;
      }
      this.seen.delete(text);
    }
    const name = `pgrst_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
    this.names.set(text, name);
    return name;
  }
}

const mainNames = new StatementNames(200);
const settingsNames = new StatementNames(50);
/** The settings statement for each list of setting names (a role's settings, a time zone). */
const settingsShapes = new Map<string, { text: string; name: string | undefined }>();

function settingsStatement(options: ExecuteOptions): { text: string; values: unknown[]; name?: string } {
  const { auth, context } = options;
  const searchPath = [...new Set([context.schema, ...options.extraSearchPath])].map(quoteIdent).join(', ');
  const pairs: [string, string][] = [['search_path', searchPath], ...options.roleSettings];
  // A read's transaction is implicit (see execute): READ ONLY comes from the setting.
  if (options.readOnly) pairs.unshift(['transaction_read_only', 'on']);
  pairs.push(
    ['role', auth.role],
    ['request.jwt.claims', auth.claimsJson],
    ['request.method', context.method],
    ['request.path', context.path],
    ['request.headers', JSON.stringify(context.headers)],
    ['request.cookies', JSON.stringify(context.cookies)],
  );
  if (context.timezone !== undefined) pairs.push(['timezone', context.timezone]);
  const key = pairs.map(([name]) => name).join('\n');
  let shape = settingsShapes.get(key);
  if (!shape) {
    // Setting names are constants or come from the catalog; values are always parameters.
    const calls = pairs.map(([name], i) => `set_config('${name.replace(/'/g, "''")}', $${i + 1}, true)`);
    // One small column back instead of every value set (the claims, the headers' JSON): the
    // subquery's volatile set_config calls are evaluated all the same.
    const text = `select 1 from (select ${calls.join(', ')}) as pgrst_settings`;
    shape = { text, name: settingsNames.nameFor(text, true) };
    if (settingsShapes.size >= 100) settingsShapes.clear();
    settingsShapes.set(key, shape);
  }
  const values = pairs.map(([, value]) => value);
  return shape.name ? { text: shape.text, values, name: shape.name } : { text: shape.text, values };
}

function toNumber(value: unknown): number | null {
  if (value === null || value === undefined || value === '') return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

/**
 * MainTx.hs: one READ COMMITTED transaction on the authenticator pool — the request settings
 * (role, claims, method, path, headers, search_path), the main statement, then COMMIT or
 * ROLLBACK. The statements go under one Sync (one-sync.ts).
 * - A read is a single round trip and a single answer from PostgreSQL, with no BEGIN or COMMIT:
 *   statements under one Sync run as one implicit transaction, which PostgreSQL ends at the Sync
 *   (committing, or rolling back after an error). It is READ ONLY by its settings, and READ
 *   COMMITTED by the authenticator sessions' default (db.ts).
 * - A write opens its transaction with BEGIN, and takes a second round trip for COMMIT (or
 *   ROLLBACK) once the result checks have passed (or failed); a failed statement costs one
 *   more, its ROLLBACK.
 */
export async function execute(pool: pg.Pool, options: ExecuteOptions): Promise<MainResult> {
  const authenticated = options.auth.role !== 'anon';
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (error) {
    throw pgErrorToApiError(error, authenticated);
  }
  let destroy: Error | undefined;
  try {
    const { statement } = options;
    const mainName = mainNames.nameFor(statement.text);
    const steps: PipelineStep[] = [
      settingsStatement(options),
      { text: statement.text, values: statement.values, ...(mainName ? { name: mainName } : {}) },
    ];
    if (!options.readOnly) steps.unshift({ text: 'BEGIN ISOLATION LEVEL READ COMMITTED READ WRITE' });
    const mainAt = steps.length - 1;
    if (statement.explain) steps.push({ text: statement.explain.text, values: statement.explain.values });
    const answers = await OneSyncPipeline.run(client, steps);
    const mainRows = answers[mainAt] ?? [];
    // EXPLAIN (FORMAT TEXT) answers a row per line, FORMAT JSON one row.
    const row = statement.isPlan
      ? [null, 0, `${mainRows.map((r) => r[0]).join('\n')}\n`]
      : (mainRows[0] ?? []);
    const plan = statement.explain ? answers[mainAt + 1]?.[0]?.[0] : undefined;
    const plannedTotal =
      typeof plan === 'string'
        ? toNumber((JSON.parse(plan) as { Plan?: { 'Plan Rows'?: unknown } }[])[0]?.Plan?.['Plan Rows'])
        : null;
    const result: MainResult = {
      total: toNumber(row[0]),
      pageTotal: toNumber(row[1]) ?? 0,
      body: typeof row[2] === 'string' ? row[2] : '',
      gucHeaders: (row[3] as string | null) ?? null,
      gucStatus: (row[4] as string | null) ?? null,
      inserted: toNumber(row[5]),
      plannedTotal,
    };
    // A failed check throws; a write's transaction is still open then, and the catch below rolls it back.
    options.check?.(result);
    if (options.readOnly) return result;
    if (options.rollback) {
      await client.query('SET CONSTRAINTS ALL IMMEDIATE').catch(() => undefined);
      await client.query('ROLLBACK');
    } else {
      await client.query('COMMIT');
    }
    return result;
  } catch (error) {
    const status = client.getTransactionStatus?.();
    if (status === 'T' || status === 'E') await client.query('ROLLBACK').catch((e: Error) => (destroy = e));
    if (error instanceof ApiError) throw error;
    const apiError = pgErrorToApiError(error, authenticated);
    // A broken connection, a fatal report, or anything else unexpected leaves it in doubt.
    if (apiError.status >= 500 && endsConnection(error))
      destroy = error instanceof Error ? error : new Error(String(error));
    throw apiError;
  } finally {
    client.release(destroy);
  }
}
