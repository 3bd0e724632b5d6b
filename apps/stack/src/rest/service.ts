import type { StackContext } from '../context.js';
import { Authenticator } from './auth.js';
import { endsInRollback, type RestSettings, txOverridable } from './db-config.js';
import { ApiError, pgErrorToApiError } from './errors.js';
import { execute } from './execute.js';
import { openApiDocument } from './openapi.js';
import { mediaTypeToMime } from './parse/headers.js';
import { parseRequest, type RawRequest } from './parse/request.js';
import type { ApiRequest } from './parse/types.js';
import { planRequest } from './plan/index.js';
import type { ActionPlan } from './plan/types.js';
import { errorReply, type Reply, respond, resultCheck } from './respond.js';
import { qiKey, SchemaCache, type SchemaSnapshot } from './schema-cache.js';
import { buildStatement, type MainStatement } from './sql/statements.js';

interface Prepared {
  version: number;
  request: ApiRequest;
  plan: ActionPlan;
  statement: MainStatement;
}

/**
 * A request naming a table or function the cache does not know at all: the DDL creating it may
 * have committed just before, with its NOTIFY still on the way.
 */
function isUnknownName(error: ApiError, snapshot: SchemaSnapshot, request: ApiRequest): boolean {
  if (error.code === 'PGRST205') return true;
  return error.code === 'PGRST202' && !snapshot.routines.has(qiKey(request.schema, request.target));
}

const PLAN_CACHE_SIZE = 500;

/**
 * The REST pipeline, PostgREST's App.hs: authenticate → parse → plan (schema cache) → build
 * SQL → execute in one transaction → respond. Reads without a body are memoised per URL and
 * relevant headers, so a repeated request skips straight to the database.
 */
export class RestService {
  readonly cache: SchemaCache;
  private readonly auth: Authenticator;
  private readonly prepared = new Map<string, Prepared>();

  constructor(private readonly ctx: StackContext) {
    const maxRows = ctx.config.maxRows;
    const base: RestSettings = {
      schemas: ctx.config.schemas,
      maxRows: Number.isFinite(maxRows) && maxRows > 0 ? maxRows : null,
      aggregatesEnabled: false,
      planEnabled: false,
      // PostgREST's default is `commit`; Prefer: tx=rollback has always been honoured here.
      txEnd: 'commit-allow-override',
      extraSearchPath: ctx.config.extraSearchPath,
    };
    this.cache = new SchemaCache(
      ctx.db.admin,
      base,
      ctx.db.authenticator.options.user ?? 'authenticator',
      ctx.log,
    );
    this.auth = new Authenticator(ctx.config.jwtKeys);
    this.cache.onReload(() => this.prepared.clear());
  }

  /** Loads the schema cache and subscribes to reload notifications. */
  start(): void {
    void this.cache.listen();
    void Promise.resolve(this.cache.get()).catch(() => undefined);
  }

  close(): Promise<void> {
    return this.cache.close();
  }

  async handle(raw: RawRequest, bearer: string | undefined): Promise<Reply> {
    const started = performance.now();
    try {
      const auth = await this.auth.authenticate(bearer);
      const snapshot = await this.snapshot();
      const prepared = await this.prepare(raw, snapshot, started);
      if (!prepared) return await this.rootDocument(raw);
      const { plan, statement } = prepared;
      const settings = snapshot.settings;
      const request = txOverridable(settings.txEnd)
        ? prepared.request
        : withoutTxPreference(prepared.request);
      const readOnly = plan.kind === 'read' || (plan.kind === 'call' && plan.readOnly);
      const result = await execute(this.ctx.db.authenticator, {
        auth,
        context: {
          method: request.method,
          path: request.path,
          headers: request.headers,
          cookies: request.cookies,
          schema: request.schema,
          ...(request.preferences.timezone ? { timezone: request.preferences.timezone } : {}),
        },
        statement,
        readOnly,
        roleSettings: snapshot.roleSettings.get(auth.role) ?? [],
        extraSearchPath: settings.extraSearchPath,
        rollback: endsInRollback(settings.txEnd, request.preferences.transaction),
        check: resultCheck(request, plan),
      });
      return respond(request, plan, result, { maxRows: settings.maxRows });
    } catch (error) {
      if (error instanceof ApiError) return errorReply(error);
      this.ctx.log.error({ err: error, path: raw.path }, 'rest: unexpected error');
      return errorReply(pgErrorToApiError(error, false));
    }
  }

  private async snapshot(): Promise<SchemaSnapshot> {
    try {
      return await this.cache.get();
    } catch {
      throw new ApiError(503, 'PGRST002', 'Could not query the database for the schema cache. Retrying.');
    }
  }

  private cacheKey(raw: RawRequest): string | null {
    if (raw.method !== 'GET' && raw.method !== 'HEAD') return null;
    const h = raw.headers;
    return [
      raw.method,
      raw.resource.kind,
      raw.resource.kind === 'schema' ? '' : raw.resource.name,
      raw.query,
      h.accept ?? '',
      h.prefer ?? '',
      h.range ?? '',
      h['accept-profile'] ?? '',
    ].join('\n');
  }

  /** Parses, plans and builds SQL, or returns a memoised result; null for the root document. */
  private async prepare(
    raw: RawRequest,
    snapshot: SchemaSnapshot,
    started: number,
  ): Promise<Prepared | null> {
    const key = this.cacheKey(raw);
    if (key !== null) {
      const hit = this.prepared.get(key);
      if (hit && hit.version === snapshot.version) {
        const request: ApiRequest = { ...hit.request, headers: lowerHeaders(raw.headers), cookies: {} };
        if (raw.headers.cookie) return { ...hit, request: parseRequest(raw, snapshot.settings) };
        return { ...hit, request };
      }
    }
    const request = parseRequest(raw, snapshot.settings);
    if (request.action.kind === 'schema') return null;
    let current = snapshot;
    let plan: ActionPlan;
    try {
      plan = planRequest(current, request, planOptions(current.settings));
    } catch (error) {
      if (!(error instanceof ApiError) || !isUnknownName(error, snapshot, request)) throw error;
      const fresh = await this.cache.refreshedSince(started);
      if (!fresh || fresh.version === snapshot.version) throw error;
      current = fresh;
      plan = planRequest(current, request, planOptions(current.settings));
    }
    const statement = buildStatement(plan, request.preferences, current.settings.maxRows);
    const prepared = { version: current.version, request, plan, statement };
    if (key !== null) {
      if (this.prepared.size >= PLAN_CACHE_SIZE) {
        const oldest = this.prepared.keys().next().value;
        if (oldest !== undefined) this.prepared.delete(oldest);
      }
      this.prepared.set(key, prepared);
    }
    return prepared;
  }

  private async rootDocument(raw: RawRequest): Promise<Reply> {
    const request = parseRequest(raw, (await this.snapshot()).settings);
    const ok = request.accept.some((m) => m.kind === 'openapi' || m.kind === 'json' || m.kind === 'any');
    if (!ok) {
      throw new ApiError(
        406,
        'PGRST107',
        `None of these media types are available: ${request.accept.map(mediaTypeToMime).join(', ')}`,
      );
    }
    const snapshot = await this.snapshot();
    const headers: Record<string, string> = { 'content-type': 'application/openapi+json; charset=utf-8' };
    if (request.negotiatedByProfile) headers['content-profile'] = request.schema;
    const body =
      raw.method === 'HEAD' ? null : JSON.stringify(openApiDocument(snapshot, request.schema, '/'));
    return { status: 200, headers, body };
  }
}

const planOptions = (settings: RestSettings) => ({
  maxRows: settings.maxRows,
  aggregatesEnabled: settings.aggregatesEnabled,
  planEnabled: settings.planEnabled,
});

/** With db-tx-end not `*-allow-override`, `Prefer: tx=` is ignored (and not reported applied). */
function withoutTxPreference(request: ApiRequest): ApiRequest {
  const { transaction: _ignored, ...preferences } = request.preferences;
  return { ...request, preferences };
}

function lowerHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (k !== 'cookie') out[k] = v;
  return out;
}
