import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { Logger } from 'pino';
import { keyOf, type PolicyContext, type VisibilityQuery, visibleRows } from '../authorize.js';
import type { Catalog, TableInfo } from './catalog.js';
import {
  type CompiledFilter,
  compileFilters,
  type Filter,
  FilterParseError,
  parseFilters,
  rowMatches,
} from './filters.js';
import type { RelationMessage } from './pgoutput.js';
import { pgMicrosToUnixMicros, tupleMap } from './pgoutput.js';
import type { Change, Transaction, TransactionHandler } from './reader.js';
import { valueToJson } from './values.js';

/** A channel that subscribed to changes: where events go and whose policies apply. */
export interface ChangeTarget {
  readonly topic: string;
  readonly context: PolicyContext;
  /** `ids` = this channel's matching subscription ids; `data` = the event's JSON. */
  deliverChange(ids: number[], dataJson: string): void;
}

type ChangeEvent = 'INSERT' | 'UPDATE' | 'DELETE';

interface Subscription {
  id: number;
  target: ChangeTarget;
  event: ChangeEvent | '*';
  /** Filters bound to each table the subscription covers. */
  tables: Map<number, CompiledFilter[]>;
  selected: string[] | null;
}

/** What the client sent for one binding (echoed back with an `id`). */
export type ChangeParams = Record<string, unknown>;

export interface SubscribeResult {
  /** The join reply's `postgres_changes`: each binding as sent, plus its id. */
  reply: Record<string, unknown>[];
  /** Set when the subscriptions could not be created (sent as a system message). */
  error: string | null;
}

/** Realtime answers bindings with `erlang:phash2(params)`; any stable integer works. */
export function bindingId(params: ChangeParams): number {
  const canonical = JSON.stringify(
    Object.keys(params)
      .sort()
      .map((k) => [k, params[k]]),
  );
  return createHash('sha1').update(canonical).digest().readUInt32BE(0) & 0x7ffffff;
}

interface Parsed {
  id: number;
  event: ChangeEvent | '*';
  schema: string;
  table: string;
  filters: Filter[];
  selected: string[] | null;
  log: string;
}

function describe(
  event: string,
  schema: string,
  table: string,
  filters: Filter[],
  selected: string[] | null,
) {
  const f = filters.map((x) => `{"${x.column}", "${x.op}", "${x.value}", ${x.negate}}`).join(', ');
  const s = selected ? `[${selected.map((c) => `"${c}"`).join(', ')}]` : 'nil';
  return `event: ${event}, schema: ${schema}, table: ${table}, filters: [${f}], select: ${s}`;
}

function parseParams(params: ChangeParams): Parsed | string {
  const ev = typeof params.event === 'string' ? params.event.toUpperCase() : '*';
  const event = (['INSERT', 'UPDATE', 'DELETE'].includes(ev) ? ev : '*') as ChangeEvent | '*';
  let selected: string[] | null = null;
  if (typeof params.select === 'string')
    return 'Error parsing `select` params: expected a list of column name strings, e.g. select: ["col1", "col2"]';
  if (Array.isArray(params.select)) {
    const cols = params.select.filter((c): c is string => typeof c === 'string');
    selected = cols.length ? cols : null;
  }
  const has = (k: string) => params[k] !== undefined && params[k] !== null;
  const str = (k: string) => (typeof params[k] === 'string' ? (params[k] as string) : null);
  let schema: string;
  let table: string;
  let filters: Filter[] = [];
  if (str('schema') !== null && str('table') !== null && has('filter')) {
    const filter = str('filter');
    if (filter === null) return noParams(params);
    try {
      filters = parseFilters(filter);
    } catch (error) {
      return `Error parsing \`filter\` params: ${(error as Error).message}`;
    }
    schema = str('schema') as string;
    table = str('table') as string;
  } else if (str('schema') !== null && str('table') !== null) {
    schema = str('schema') as string;
    table = str('table') as string;
  } else if (str('schema') !== null && !has('table') && !has('filter')) {
    schema = str('schema') as string;
    table = '*';
  } else if (str('table') !== null && !has('schema') && !has('filter')) {
    schema = 'public';
    table = str('table') as string;
  } else {
    return noParams(params);
  }
  if (selected && (schema === '*' || table === '*'))
    return 'Column selection is not supported for wildcard subscriptions. Provide an explicit schema and table name.';
  return {
    id: bindingId(params),
    event,
    schema,
    table,
    filters,
    selected,
    log: describe(event, schema, table, filters, selected),
  };
}

function noParams(params: ChangeParams): string {
  const shown = Object.entries(params)
    .map(([k, v]) => `"${k}" => ${JSON.stringify(v)}`)
    .join(', ');
  return `No subscription params provided. Please provide at least a \`schema\` or \`table\` to subscribe to: %{${shown}}`;
}

/** Large values are left out of a record above this size, as Realtime's max_record_bytes. */
const MAX_RECORD_BYTES = 1024 * 1024;

interface RowView {
  /** Row used for filters: new values (INSERT/UPDATE) or the old ones (DELETE). */
  filterRow: Map<string, string | null>;
}

/**
 * postgres_changes: matches each replicated change against the subscriptions (event,
 * table, filters), checks RLS visibility once per policy context, and hands every channel
 * one event carrying the ids of its subscriptions that matched.
 */
export class ChangeDispatcher implements TransactionHandler {
  private readonly byRelid = new Map<number, Set<Subscription>>();
  private readonly byTarget = new Map<ChangeTarget, Subscription[]>();

  constructor(
    private readonly catalog: Catalog,
    private readonly authenticator: pg.Pool,
    private readonly publication: string,
    private readonly log: Logger,
  ) {}

  get size(): number {
    return this.byTarget.size;
  }

  /**
   * Validates and registers a channel's bindings, all or nothing, as Realtime inserts them
   * into realtime.subscription in one transaction.
   */
  async subscribe(target: ChangeTarget, bindings: ChangeParams[]): Promise<SubscribeResult> {
    const reply = bindings.map((params) => ({ ...params, id: bindingId(params) }));
    const created: Subscription[] = [];
    for (const params of bindings) {
      const parsed = parseParams(params);
      if (typeof parsed === 'string') return { reply, error: parsed };
      const published = await this.catalog.publishedTables(this.publication, parsed.schema, parsed.table);
      if (!published.length)
        return {
          reply,
          error: `Unable to subscribe to changes with given parameters. Please check Realtime is enabled for the given connect parameters: [${parsed.log}]`,
        };
      const tables = new Map<number, CompiledFilter[]>();
      try {
        for (const { relid } of published) {
          const info = await this.catalog.table(relid);
          const selectable = await this.catalog.selectableColumns(relid, target.context.role);
          if (!selectable) throw new FilterParseError(`role "${target.context.role}" does not exist`);
          for (const col of parsed.selected ?? [])
            if (!selectable.has(col)) throw new FilterParseError(`invalid column for select ${col}`);
          const columns = new Map(
            info.columns
              .filter((c) => selectable.has(c.name))
              .map((c) => [c.name, { name: c.name, type: c.type }]),
          );
          tables.set(relid, compileFilters(parsed.filters, columns));
        }
      } catch (error) {
        const reason =
          error instanceof FilterParseError
            ? `ERROR P0001 (raise_exception) ${error.message}`
            : String(error);
        return {
          reply,
          error: `Unable to subscribe to changes with given parameters. An exception happened so please check your connect parameters: [${parsed.log}]. Exception: ${reason}`,
        };
      }
      created.push({ id: parsed.id, target, event: parsed.event, tables, selected: parsed.selected });
    }
    this.unsubscribe(target);
    for (const sub of created) {
      for (const relid of sub.tables.keys()) {
        let set = this.byRelid.get(relid);
        if (!set) {
          set = new Set();
          this.byRelid.set(relid, set);
        }
        set.add(sub);
      }
    }
    if (created.length) this.byTarget.set(target, created);
    return { reply, error: null };
  }

  unsubscribe(target: ChangeTarget): void {
    const subs = this.byTarget.get(target);
    if (!subs) return;
    this.byTarget.delete(target);
    for (const sub of subs) {
      for (const relid of sub.tables.keys()) {
        const set = this.byRelid.get(relid);
        set?.delete(sub);
        if (set && !set.size) this.byRelid.delete(relid);
      }
    }
  }

  relation(relation: RelationMessage): void {
    this.catalog.invalidate(relation.relid);
  }

  async prepare(tx: Transaction): Promise<() => void> {
    const commitTimestamp = new Date(Number(pgMicrosToUnixMicros(tx.commitTime) / 1000n)).toISOString();
    type Planned = {
      change: Change;
      table: TableInfo;
      type: ChangeEvent;
      /** Matching subscriptions per channel. */
      matches: Map<ChangeTarget, Subscription[]>;
      key: string | null;
      needsCheck: boolean;
    };
    const planned: Planned[] = [];
    // Policy checks the transaction needs: context -> table -> keys.
    const checks = new Map<PolicyContext, Map<number, VisibilityQuery>>();
    const contexts = new Map<string, PolicyContext>();

    for (const change of tx.changes) {
      const subs = this.byRelid.get(change.relid);
      if (!subs?.size) continue;
      let table: TableInfo;
      try {
        table = await this.catalog.table(change.relid);
      } catch (error) {
        if (!(error as { code?: string }).code && !(error as Error).message.includes('does not exist'))
          throw error;
        continue; // dropped since
      }
      const type: ChangeEvent =
        change.tag === 'insert' ? 'INSERT' : change.tag === 'update' ? 'UPDATE' : 'DELETE';
      const view = rowView(change);
      const matches = new Map<ChangeTarget, Subscription[]>();
      for (const sub of subs) {
        if (sub.event !== '*' && sub.event !== type) continue;
        const filters = sub.tables.get(change.relid);
        if (!filters || !rowMatches(filters, view.filterRow)) continue;
        const list = matches.get(sub.target);
        if (list) list.push(sub);
        else matches.set(sub.target, [sub]);
      }
      if (!matches.size) continue;
      const hasKey = table.primaryKey.length > 0;
      const newRow = change.tag === 'delete' ? null : tupleMap(change.relation, change.newTuple);
      const key =
        hasKey && newRow && table.primaryKey.every((k) => newRow.get(k) != null)
          ? keyOf(table.primaryKey.map((k) => newRow.get(k) as string))
          : null;
      const needsCheck = table.rls && type !== 'DELETE' && key !== null;
      if (needsCheck) {
        for (const target of matches.keys()) {
          const context = contexts.get(target.context.key) ?? target.context;
          contexts.set(context.key, context);
          if (await this.catalog.bypassesRls(context.role)) continue;
          let tables = checks.get(context);
          if (!tables) {
            tables = new Map();
            checks.set(context, tables);
          }
          let query = tables.get(table.relid);
          if (!query) {
            query = { table, keys: [] };
            tables.set(table.relid, query);
          }
          query.keys.push(table.primaryKey.map((k) => newRow?.get(k) as string));
        }
      }
      planned.push({ change, table, type, matches, key, needsCheck });
    }
    if (!planned.length) return () => undefined;

    const requests = new Map<PolicyContext, VisibilityQuery[]>();
    for (const [context, tables] of checks) requests.set(context, [...tables.values()]);
    const visibility = requests.size ? await visibleRows(this.authenticator, requests, tx.xid) : new Map();

    // Build every message before delivering any, so delivery is synchronous and ordered.
    const deliveries: [ChangeTarget, number[], string][] = [];
    for (const plan of planned) {
      const payloads = new Map<string, string>();
      for (const [target, subs] of plan.matches) {
        const context = target.context;
        const selectable = await this.catalog.selectableColumns(plan.table.relid, context.role);
        let errors: string[] | null = null;
        if (plan.type !== 'DELETE') {
          if (!plan.table.primaryKey.length) errors = ['Error 400: Bad Request, no primary key'];
          else if (!selectable || !plan.table.primaryKey.every((k) => selectable.has(k)))
            errors = ['Error 401: Unauthorized'];
        }
        if (!errors && plan.needsCheck && !(await this.catalog.bypassesRls(context.role))) {
          const seen = visibility.get(context.key);
          if (seen === 'error') errors = ['Error 500: Internal Server Error, RLS policy evaluation failed'];
          else if (!seen?.get(plan.table.relid)?.has(plan.key as string)) continue;
        }
        const bySelection = new Map<string, number[]>();
        for (const sub of subs) {
          const selKey = sub.selected ? sub.selected.join(',') : '';
          const ids = bySelection.get(selKey) ?? [];
          if (!ids.includes(sub.id)) ids.push(sub.id);
          bySelection.set(selKey, ids);
        }
        for (const [selKey, ids] of bySelection) {
          const cacheKey = `${context.role}\u0000${selKey}\u0000${errors?.[0] ?? ''}`;
          let data = payloads.get(cacheKey);
          if (!data) {
            const selected = selKey ? new Set(selKey.split(',')) : null;
            data = buildData(plan, commitTimestamp, selectable ?? new Set(), selected, errors);
            payloads.set(cacheKey, data);
          }
          deliveries.push([target, ids, data]);
        }
      }
    }
    return () => {
      for (const [target, ids, data] of deliveries) {
        try {
          target.deliverChange(ids, data);
        } catch (error) {
          this.log.warn({ err: error }, 'realtime: could not deliver a change');
        }
      }
    };
  }
}

/** The identity columns a 'K' tuple carries; other positions are placeholders. */
function oldMap(change: Change): Map<string, string | null> | null {
  if (change.tag === 'insert' || !change.oldTuple) return null;
  const row = tupleMap(change.relation, change.oldTuple);
  if (change.oldKind === 'K') for (const col of change.relation.columns) if (!col.key) row.delete(col.name);
  return row;
}

function rowView(change: Change): RowView {
  if (change.tag === 'delete') return { filterRow: oldMap(change) ?? new Map() };
  const row = tupleMap(change.relation, change.newTuple);
  if (change.tag === 'update') {
    // An unchanged TOASTed value is not resent; the old row may have it.
    const old = oldMap(change);
    change.relation.columns.forEach((col, i) => {
      if (change.newTuple[i] === undefined && old?.has(col.name))
        row.set(col.name, old.get(col.name) ?? null);
    });
  }
  return { filterRow: row };
}

function buildData(
  plan: { change: Change; table: TableInfo; type: ChangeEvent },
  commitTimestamp: string,
  selectable: Set<string>,
  selected: Set<string> | null,
  errors: string[] | null,
): string {
  const { change, table, type } = plan;
  const head = `{"schema":${JSON.stringify(table.schema)},"table":${JSON.stringify(table.table)},"commit_timestamp":${JSON.stringify(commitTimestamp)},"type":"${type}"`;
  const isPk = (name: string) => table.primaryKey.includes(name);
  const wanted = (name: string) => selectable.has(name) && (!selected || selected.has(name) || isPk(name));
  if (errors && errors[0] !== 'Error 413: Payload Too Large') {
    const empty =
      type === 'DELETE'
        ? ',"old_record":{}'
        : type === 'UPDATE'
          ? ',"record":{},"old_record":{}'
          : ',"record":{}';
    return `${head},"columns":[]${empty},"errors":${JSON.stringify(errors)}}`;
  }
  const columns = table.columns
    .filter((c) => wanted(c.name))
    .map((c) => `{"name":${JSON.stringify(c.name)},"type":${JSON.stringify(c.type.name)}}`)
    .join(',');
  const relation = change.relation;
  const typeOf = (name: string) => table.byName.get(name)?.type;
  const oversized =
    [
      ...(change.tag === 'delete' ? [] : change.newTuple),
      ...(change.tag === 'insert' ? [] : (change.oldTuple ?? [])),
    ].reduce((n, v) => n + (typeof v === 'string' ? Buffer.byteLength(v) : 0), 0) > MAX_RECORD_BYTES;
  const render = (row: Map<string, string | null>, keep: (name: string) => boolean) => {
    const parts: string[] = [];
    for (const col of relation.columns) {
      if (!row.has(col.name) || !keep(col.name)) continue;
      const type = typeOf(col.name);
      if (!type) continue;
      const json = valueToJson(row.get(col.name) ?? null, type);
      if (oversized && Buffer.byteLength(json) > 64) continue;
      parts.push(`${JSON.stringify(col.name)}:${json}`);
    }
    return `{${parts.join(',')}}`;
  };
  let body = `,"columns":[${columns}]`;
  if (change.tag !== 'delete') {
    const row = rowView(change).filterRow;
    body += `,"record":${render(row, wanted)}`;
  }
  if (change.tag !== 'insert') {
    let old = oldMap(change);
    if (!old && change.tag === 'update') {
      // No old tuple (identity unchanged): the identity columns, from the new row.
      const fresh = tupleMap(relation, change.newTuple);
      old = new Map([...fresh].filter(([name]) => relation.columns.find((c) => c.name === name)?.key));
    }
    const keep =
      change.tag === 'delete' && table.rls
        ? (name: string) => wanted(name) && isPk(name)
        : (name: string) => wanted(name);
    body += `,"old_record":${render(old ?? new Map(), keep)}`;
  }
  const errs = oversized ? ['Error 413: Payload Too Large'] : errors;
  return `${head}${body},"errors":${errs ? JSON.stringify(errs) : 'null'}}`;
}
