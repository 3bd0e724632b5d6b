import pg from 'pg';
import type { Logger } from 'pino';
import { applyDbSettings, DB_SETTINGS_SQL, type RestSettings } from './db-config.js';
import { VIEW_COLUMNS_SQL, type ViewColumnRow, viewRelationships } from './view-relationships.js';

/**
 * PostgREST's schema cache (SchemaCache.hs): the tables, columns, keys, relationships and
 * functions of the exposed schemas, read from pg_catalog once and kept in memory. It is reloaded
 * on `NOTIFY pgrst, 'reload schema'` (the platform's event triggers send it after every DDL)
 * and `'reload config'`, and, rate-limited, when a request names a relation the cache does not know.
 */

export interface QualifiedName {
  schema: string;
  name: string;
}

export interface Column {
  name: string;
  /** format_type with typmod, schema-qualified: usable in casts and json_to_record definitions. */
  type: string;
  /** Type after resolving one level of domain, e.g. `jsonb`, `tsvector`. */
  baseType: string;
  nullable: boolean;
  /** Default expression (schema-qualified SQL from the catalog), null for none/generated. */
  default: string | null;
  generated: boolean;
}

export interface Table extends QualifiedName {
  isView: boolean;
  insertable: boolean;
  updatable: boolean;
  deletable: boolean;
  columns: Map<string, Column>;
  columnList: Column[];
  primaryKey: string[];
}

export type Cardinality = 'm2o' | 'o2m' | 'o2o' | 'm2m';

export interface Junction {
  table: QualifiedName;
  constraint1: string;
  constraint2: string;
  /** (origin column, junction column) pairs. */
  sourceColumns: [string, string][];
  /** (target column, junction column) pairs. */
  targetColumns: [string, string][];
}

export interface Relationship {
  table: QualifiedName;
  foreignTable: QualifiedName;
  isSelf: boolean;
  cardinality: Cardinality;
  /** FK constraint name ('' for many-to-many). */
  constraint: string;
  /** (column of table, column of foreignTable) pairs; empty for many-to-many. */
  columns: [string, string][];
  junction?: Junction;
  foreignTableIsView: boolean;
  /**
   * A computed relationship: a function taking a row of `table` and returning rows of
   * `foreignTable` (to-one, 'm2o', when it returns one row or is declared `rows 1`).
   */
  function?: QualifiedName;
}

export interface RoutineParam {
  name: string;
  type: string;
  required: boolean;
  variadic: boolean;
}

export interface Routine extends QualifiedName {
  params: RoutineParam[];
  returnsSet: boolean;
  returnsComposite: boolean;
  returnsVoid: boolean;
  /** The table whose row type the function returns, if any (for embedding and filters). */
  returnTable: QualifiedName | null;
  volatility: 'v' | 's' | 'i';
  /** COMMENT ON FUNCTION; part of the order overloads are listed in. */
  description: string | null;
}

export interface SchemaSnapshot {
  /** Increases with every load; plans cached against an older version are discarded. */
  version: number;
  startedAt: number;
  schemas: string[];
  tables: Map<string, Table>;
  relationships: Map<string, Relationship[]>;
  routines: Map<string, Routine[]>;
  /** The environment's settings with the authenticator's in-database `pgrst.*` ones applied. */
  settings: RestSettings;
  /** Per-role settings (statement_timeout, …) PostgREST applies when switching role. */
  roleSettings: Map<string, [string, string][]>;
}

export const qiKey = (schema: string, name: string) => `${schema}\u0000${name}`;

const TABLES_SQL = `
select n.nspname as schema, c.relname as name, c.relkind::text as kind,
  case when c.relkind in ('r', 'p') then 28 else pg_relation_is_updatable(c.oid::regclass, true) end as updatable_bits,
  coalesce((
    select json_agg(json_build_object(
      'name', a.attname,
      'type', format_type(a.atttypid, a.atttypmod),
      'base', (select format_type(coalesce(nullif(t.typbasetype, 0), t.oid), null) from pg_type t where t.oid = a.atttypid),
      'nullable', not a.attnotnull,
      -- As PostgREST: an IDENTITY BY DEFAULT column defaults to its sequence, a domain column
      -- without its own default to the domain's (for Prefer: missing=default).
      'default', case
        when a.attgenerated <> '' then null
        when d.adbin is not null then pg_get_expr(d.adbin, d.adrelid)
        when a.attidentity = 'd' then (
          select format('nextval(%L)', dep.objid::regclass) from pg_depend dep
          where dep.classid = 'pg_class'::regclass and dep.refobjid = a.attrelid
            and dep.refobjsubid = a.attnum and dep.deptype = 'i')
        else (select pg_get_expr(t.typdefaultbin, 0) from pg_type t where t.oid = a.atttypid and t.typbasetype <> 0)
      end,
      'generated', a.attgenerated <> ''
    ) order by a.attnum)
    from pg_attribute a
    left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
    where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
  ), '[]') as columns,
  coalesce((
    select json_agg(a.attname order by k.ord)
    from pg_constraint con, unnest(con.conkey) with ordinality k(attnum, ord)
    join pg_attribute a on a.attrelid = c.oid and a.attnum = k.attnum
    where con.conrelid = c.oid and con.contype = 'p'
  ), '[]') as pk
from pg_class c
join pg_namespace n on n.oid = c.relnamespace
where c.relkind in ('r', 'v', 'm', 'f', 'p') and not c.relispartition and n.nspname = any($1)`;

const FOREIGN_KEYS_SQL = `
select con.conname as name,
  ns1.nspname as table_schema, tab.relname as table_name,
  ns2.nspname as ftable_schema, other.relname as ftable_name,
  other.relkind in ('v', 'm') as ftable_is_view,
  tab.relkind in ('v', 'm') as table_is_view,
  con.conrelid = con.confrelid as is_self,
  (
    select json_agg(json_build_array(a1.attname, a2.attname) order by k.ord)
    from unnest(con.conkey, con.confkey) with ordinality k(col, ref, ord)
    join pg_attribute a1 on a1.attrelid = con.conrelid and a1.attnum = k.col
    join pg_attribute a2 on a2.attrelid = con.confrelid and a2.attnum = k.ref
  ) as columns,
  exists (
    select 1 from pg_constraint u
    where u.conrelid = con.conrelid and u.contype in ('p', 'u')
      and (select array_agg(x order by x) from unnest(u.conkey) x) = (select array_agg(x order by x) from unnest(con.conkey) x)
  ) as one_to_one
from pg_constraint con
join pg_class tab on tab.oid = con.conrelid
join pg_namespace ns1 on ns1.oid = tab.relnamespace
join pg_class other on other.oid = con.confrelid
join pg_namespace ns2 on ns2.oid = other.relnamespace
where con.contype = 'f' and con.conparentid = 0
  and ns1.nspname not in ('pg_catalog', 'information_schema')
order by con.conrelid, con.conname`;

/** allComputedRels: functions of one row-type argument returning a relation's row type. */
const COMPUTED_RELS_SQL = `
select pn.nspname as schema, p.proname as name,
  an.nspname as table_schema, ac.relname as table_name,
  rn.nspname as ftable_schema, rc.relname as ftable_name,
  rc.relkind in ('v', 'm') as ftable_is_view,
  not p.proretset or p.prorows = 1 as single_row
from pg_proc p
join pg_namespace pn on pn.oid = p.pronamespace
join pg_class ac on ac.reltype = p.proargtypes[0] and ac.relkind in ('r', 'v', 'm', 'f', 'p')
join pg_namespace an on an.oid = ac.relnamespace
join pg_class rc on rc.reltype = p.prorettype and rc.relkind in ('r', 'v', 'm', 'f', 'p')
join pg_namespace rn on rn.oid = rc.relnamespace
where p.pronargs = 1 and an.nspname = any($1) and rn.nspname = any($1)`;

const ROUTINES_SQL = `
select n.nspname as schema, p.proname as name, p.proretset as returns_set, p.provolatile::text as volatility,
  (t.typtype = 'c' or coalesce(p.proargmodes::text[] && '{t,b,o}', false)) as returns_composite,
  p.prorettype = 'void'::regtype as returns_void,
  rn.nspname as return_table_schema, rc.relname as return_table_name,
  p.pronargs as nargs, p.pronargdefaults as nargdefaults, obj_description(p.oid, 'pg_proc') as description,
  coalesce((
    select json_agg(json_build_object('name', coalesce(x.name, ''), 'type', format_type(x.type, null), 'mode', coalesce(x.mode, 'i')) order by x.idx)
    from unnest(coalesce(p.proallargtypes, p.proargtypes::oid[]), p.proargnames, p.proargmodes) with ordinality x(type, name, mode, idx)
  ), '[]') as args
from pg_proc p
join pg_namespace n on n.oid = p.pronamespace
join pg_type t on t.oid = p.prorettype
left join pg_class rc on rc.oid = t.typrelid and rc.relkind in ('r', 'v', 'm', 'f', 'p')
left join pg_namespace rn on rn.oid = rc.relnamespace
where p.prokind = 'f' and p.prorettype <> 'trigger'::regtype and n.nspname = any($1)`;

const ROLE_SETTINGS_SQL = `
select r.rolname as role, cfg.name, cfg.value
from pg_db_role_setting s
join pg_roles r on r.oid = s.setrole,
lateral (select split_part(kv, '=', 1) as name, substr(kv, strpos(kv, '=') + 1) as value from unnest(s.setconfig) kv) cfg
join pg_settings ps on ps.name = cfg.name and ps.context = 'user'
where s.setdatabase in (0, (select oid from pg_database where datname = current_database()))
order by s.setdatabase`;

interface ColumnRow {
  name: string;
  type: string;
  base: string;
  nullable: boolean;
  default: string | null;
  generated: boolean;
}

interface ArgRow {
  name: string;
  type: string;
  mode: string;
}

function routineFromRow(row: Record<string, unknown>): Routine | null {
  const args = (row.args as ArgRow[]).filter((a) => a.mode === 'i' || a.mode === 'b' || a.mode === 'v');
  const nargs = Number(row.nargs);
  const ndefaults = Number(row.nargdefaults);
  const params: RoutineParam[] = args.map((a, i) => ({
    name: a.name,
    type: a.type,
    required: i < nargs - ndefaults,
    variadic: a.mode === 'v',
  }));
  // Like PostgREST, only functions whose parameters all have names are callable, except for a
  // single unnamed json/jsonb/text/xml/bytea parameter that receives the whole body.
  const unnamed = params.filter((p) => p.name === '');
  if (unnamed.length > 1) return null;
  if (unnamed.length === 1 && (params.length !== 1 || !SINGLE_PARAM_TYPES.has(params[0]?.type ?? '')))
    return null;
  return {
    schema: row.schema as string,
    name: row.name as string,
    params,
    returnsSet: row.returns_set as boolean,
    returnsComposite: row.returns_composite as boolean,
    returnsVoid: row.returns_void as boolean,
    returnTable: row.return_table_name
      ? { schema: row.return_table_schema as string, name: row.return_table_name as string }
      : null,
    volatility: row.volatility as Routine['volatility'],
    description: (row.description as string | null) ?? null,
  };
}

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The order PostgREST keeps overloads in (its Routine Ord instance), which PGRST203 lists them
 * in: fewer parameters first, then by description (none first), then parameter by parameter
 * (name, type, required, variadic).
 */
export function compareOverloads(a: Routine, b: Routine): number {
  if (a.params.length !== b.params.length) return a.params.length - b.params.length;
  if (a.description !== b.description) {
    if (a.description === null) return -1;
    if (b.description === null) return 1;
    return compareText(a.description, b.description);
  }
  for (let i = 0; i < a.params.length; i++) {
    const x = a.params[i] as RoutineParam;
    const y = b.params[i] as RoutineParam;
    const order =
      compareText(x.name, y.name) ||
      compareText(x.type, y.type) ||
      Number(x.required) - Number(y.required) ||
      Number(x.variadic) - Number(y.variadic);
    if (order !== 0) return order;
  }
  return 0;
}

function computedRelationship(row: Record<string, unknown>): Relationship {
  const table = { schema: row.table_schema as string, name: row.table_name as string };
  const foreignTable = { schema: row.ftable_schema as string, name: row.ftable_name as string };
  return {
    table,
    foreignTable,
    isSelf: qiKey(table.schema, table.name) === qiKey(foreignTable.schema, foreignTable.name),
    cardinality: row.single_row ? 'm2o' : 'o2m',
    constraint: '',
    columns: [],
    foreignTableIsView: row.ftable_is_view as boolean,
    function: { schema: row.schema as string, name: row.name as string },
  };
}

const SINGLE_PARAM_TYPES = new Set(['json', 'jsonb', 'text', 'xml', 'bytea']);

/** Adds inverse (one-to-many / one-to-one) and many-to-many relationships (addInverseRels, addM2MRels). */
export function buildRelationships(
  fks: Relationship[],
  tables: Map<string, Table>,
  computed: Relationship[] = [],
): Map<string, Relationship[]> {
  const all: Relationship[] = [...fks];
  for (const r of fks) {
    all.push({
      table: r.foreignTable,
      foreignTable: r.table,
      isSelf: r.isSelf,
      cardinality: r.cardinality === 'm2o' ? 'o2m' : 'o2o',
      constraint: r.constraint,
      columns: r.columns.map(([a, b]) => [b, a]),
      foreignTableIsView: tables.get(qiKey(r.table.schema, r.table.name))?.isView ?? false,
    });
  }
  // A junction: a table with FKs to two tables whose FK columns are all part of its primary key.
  const byTable = new Map<string, Relationship[]>();
  for (const r of fks) {
    const key = qiKey(r.table.schema, r.table.name);
    byTable.set(key, [...(byTable.get(key) ?? []), r]);
  }
  for (const [jtKey, rels] of byTable) {
    const pk = new Set(tables.get(jtKey)?.primaryKey ?? []);
    for (const r1 of rels) {
      for (const r2 of rels) {
        if (r1.constraint === r2.constraint) continue;
        const cols = [...r1.columns.map(([c]) => c), ...r2.columns.map(([c]) => c)];
        if (!cols.every((c) => pk.has(c))) continue;
        all.push({
          table: r1.foreignTable,
          foreignTable: r2.foreignTable,
          isSelf:
            r1.foreignTable.schema === r2.foreignTable.schema &&
            r1.foreignTable.name === r2.foreignTable.name,
          cardinality: 'm2m',
          constraint: '',
          columns: [],
          junction: {
            table: r1.table,
            constraint1: r1.constraint,
            constraint2: r2.constraint,
            sourceColumns: r1.columns.map(([jc, tc]) => [tc, jc]),
            targetColumns: r2.columns.map(([jc, fc]) => [fc, jc]),
          },
          foreignTableIsView: r2.foreignTableIsView,
        });
      }
    }
  }
  // A computed relationship named like a related table replaces the detected ones to it
  // (getOverrideRelationshipsMap), which is how an ambiguous embed is made unambiguous.
  const overridden = (r: Relationship) =>
    computed.some(
      (c) =>
        c.function &&
        qiKey(c.table.schema, c.table.name) === qiKey(r.table.schema, r.table.name) &&
        qiKey(c.function.schema, c.function.name) === qiKey(r.foreignTable.schema, r.foreignTable.name),
    );
  const map = new Map<string, Relationship[]>();
  for (const r of [...all.filter((r) => !overridden(r)), ...computed]) {
    const key = qiKey(r.table.schema, r.table.name);
    const list = map.get(key);
    if (list) list.push(r);
    else map.set(key, [r]);
  }
  return map;
}

export interface LoadOptions {
  /** Settings from the environment, before the database's. */
  base: RestSettings;
  /** The role whose `pgrst.*` settings configure the API (PostgREST's authenticator). */
  authenticator: string;
  onInvalidSetting: (key: string, value: string) => void;
}

/** Reads the in-database config, then the catalog of the schemas it exposes (one transaction). */
export async function loadSchema(
  client: pg.ClientBase,
  options: LoadOptions,
  version: number,
  startedAt: number,
): Promise<SchemaSnapshot> {
  await client.query('begin isolation level repeatable read read only');
  try {
    // Types and default expressions come out schema-qualified, as they must be in requests
    // that run with another search_path.
    await client.query(`set local search_path to pg_catalog`);
    const dbSettings = await client.query<{ key: string; value: string }>(DB_SETTINGS_SQL, [
      options.authenticator,
    ]);
    const settings = applyDbSettings(options.base, dbSettings.rows, options.onInvalidSetting);
    const schemas = settings.schemas;
    const [tablesRes, fksRes, viewColumnsRes, computedRes, routinesRes, settingsRes] = [
      await client.query(TABLES_SQL, [schemas]),
      await client.query(FOREIGN_KEYS_SQL),
      await client.query<ViewColumnRow>(VIEW_COLUMNS_SQL),
      await client.query(COMPUTED_RELS_SQL, [schemas]),
      await client.query(ROUTINES_SQL, [schemas]),
      await client.query(ROLE_SETTINGS_SQL),
    ];
    const tables = new Map<string, Table>();
    for (const row of tablesRes.rows) {
      const columnList: Column[] = (row.columns as ColumnRow[]).map((c) => ({
        name: c.name,
        type: c.type,
        baseType: c.base,
        nullable: c.nullable,
        default: c.default,
        generated: c.generated,
      }));
      const bits = Number(row.updatable_bits);
      tables.set(qiKey(row.schema, row.name), {
        schema: row.schema,
        name: row.name,
        isView: row.kind === 'v' || row.kind === 'm',
        insertable: (bits & 8) === 8,
        updatable: (bits & 4) === 4,
        deletable: (bits & 16) === 16,
        columns: new Map(columnList.map((c) => [c.name, c])),
        columnList,
        primaryKey: row.pk as string[],
      });
    }
    const allFks: Relationship[] = fksRes.rows.map((row) => ({
      table: { schema: row.table_schema, name: row.table_name },
      foreignTable: { schema: row.ftable_schema, name: row.ftable_name },
      isSelf: row.is_self,
      cardinality: row.one_to_one ? 'o2o' : 'm2o',
      constraint: row.name,
      columns: row.columns as [string, string][],
      foreignTableIsView: row.ftable_is_view,
    }));
    // Foreign keys of every schema, as views of exposed schemas may stand for tables of others.
    const exposed = new Set(schemas);
    const isExposed = (r: Relationship) => exposed.has(r.table.schema) && exposed.has(r.foreignTable.schema);
    const fks = [...allFks, ...viewRelationships(allFks, viewColumnsRes.rows)].filter(isExposed);
    const routines = new Map<string, Routine[]>();
    for (const row of routinesRes.rows) {
      const routine = routineFromRow(row);
      if (!routine) continue;
      const key = qiKey(routine.schema, routine.name);
      routines.set(key, [...(routines.get(key) ?? []), routine]);
    }
    for (const overloads of routines.values()) overloads.sort(compareOverloads);
    const roleSettings = new Map<string, [string, string][]>();
    for (const row of settingsRes.rows) {
      const list = roleSettings.get(row.role) ?? [];
      const existing = list.findIndex(([name]) => name === row.name);
      // Database-specific settings (ordered last) override global ones.
      if (existing >= 0) list.splice(existing, 1);
      list.push([row.name, row.value]);
      roleSettings.set(row.role, list);
    }
    return {
      version,
      startedAt,
      schemas,
      settings,
      tables,
      relationships: buildRelationships(fks, tables, computedRes.rows.map(computedRelationship)),
      routines,
      roleSettings,
    };
  } finally {
    await client.query('rollback').catch(() => undefined);
  }
}

const MISS_RELOADS_PER_SECOND = 4;
const MISS_RELOAD_BURST = 4;
const NOTIFY_DEBOUNCE_MS = 20;
const RECONNECT_MS = 1000;

/** The live cache: loads, reloads on NOTIFY pgrst, and refreshes on unknown relations. */
export class SchemaCache {
  private snapshot: SchemaSnapshot | null = null;
  private inflight: { startedAt: number; promise: Promise<SchemaSnapshot> } | null = null;
  private version = 0;
  private missTokens = MISS_RELOAD_BURST;
  private missRefill = 0;
  private listener: pg.Client | null = null;
  private closed = false;
  private listenWarned = false;
  private notifyTimer: NodeJS.Timeout | null = null;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private readonly listeners = new Set<(snapshot: SchemaSnapshot) => void>();

  private readonly loadOptions: LoadOptions;

  constructor(
    private readonly pool: pg.Pool,
    base: RestSettings,
    authenticator: string,
    private readonly log: Logger,
  ) {
    this.loadOptions = {
      base,
      authenticator,
      onInvalidSetting: (key, value) =>
        log.error({ key, value }, 'rest: ignoring an invalid in-database pgrst setting'),
    };
  }

  /** The current snapshot, loading it the first time. */
  get(): Promise<SchemaSnapshot> | SchemaSnapshot {
    return this.snapshot ?? this.reload();
  }

  current(): SchemaSnapshot | null {
    return this.snapshot;
  }

  onReload(listener: (snapshot: SchemaSnapshot) => void): void {
    this.listeners.add(listener);
  }

  /** Starts a load (several may overlap; the one started last wins). */
  reload(): Promise<SchemaSnapshot> {
    const startedAt = performance.now();
    const version = ++this.version;
    const promise = (async () => {
      const client = await this.pool.connect();
      try {
        const snapshot = await loadSchema(client, this.loadOptions, version, startedAt);
        if (!this.snapshot || this.snapshot.version < snapshot.version) {
          this.snapshot = snapshot;
          for (const listener of this.listeners) listener(snapshot);
        }
        return this.snapshot;
      } finally {
        client.release();
      }
    })();
    this.inflight = { startedAt, promise };
    promise
      .catch((error: unknown) => this.log.error({ err: error }, 'rest: schema cache load failed'))
      .finally(() => {
        if (this.inflight?.promise === promise) this.inflight = null;
      });
    return promise;
  }

  /**
   * A snapshot read after `since` (a performance.now() time), for requests that named
   * something unknown: the DDL creating it may have committed after the last load. Such
   * reloads come from a small token bucket, so unknown names cannot make the server hammer the
   * catalog; when it is empty the current snapshot is the answer.
   */
  async refreshedSince(since: number): Promise<SchemaSnapshot | null> {
    if (this.snapshot && this.snapshot.startedAt >= since) return this.snapshot;
    if (this.inflight && this.inflight.startedAt >= since) return this.inflight.promise;
    const now = performance.now();
    this.missTokens = Math.min(
      MISS_RELOAD_BURST,
      this.missTokens + ((now - this.missRefill) / 1000) * MISS_RELOADS_PER_SECOND,
    );
    this.missRefill = now;
    if (this.missTokens < 1) return this.snapshot;
    this.missTokens -= 1;
    return this.reload();
  }

  /** LISTEN pgrst on a dedicated connection with the admin pool's settings. */
  async listen(): Promise<void> {
    if (this.closed || this.listener) return;
    const client = new pg.Client(this.pool.options);
    this.listener = client;
    const reconnect = () => {
      if (this.listener !== client) return;
      this.listener = null;
      client.removeAllListeners('notification');
      void client.end().catch(() => undefined);
      if (this.closed) return;
      this.reconnectTimer = setTimeout(() => {
        this.reconnectTimer = null;
        void this.listen()
          .then(() => this.reload())
          .catch(() => undefined);
      }, RECONNECT_MS);
    };
    client.on('error', reconnect);
    client.on('end', reconnect);
    client.on('notification', (msg) => {
      if (msg.channel !== 'pgrst') return;
      const payload = (msg.payload ?? '').trim();
      // 'reload config' re-reads the in-database settings, which travel with the schema cache.
      if (payload !== '' && payload !== 'reload schema' && payload !== 'reload config') return;
      if (this.notifyTimer) return;
      this.notifyTimer = setTimeout(() => {
        this.notifyTimer = null;
        void this.reload().catch(() => undefined);
      }, NOTIFY_DEBOUNCE_MS);
    });
    try {
      await client.connect();
      await client.query('listen pgrst');
    } catch (error) {
      if (!this.listenWarned)
        this.log.warn({ err: error }, 'rest: cannot LISTEN for schema reloads; retrying');
      this.listenWarned = true;
      reconnect();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.notifyTimer) clearTimeout(this.notifyTimer);
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    const client = this.listener;
    this.listener = null;
    if (client) await client.end().catch(() => undefined);
    await this.inflight?.promise.catch(() => undefined);
  }
}

export function findTable(snapshot: SchemaSnapshot, schema: string, name: string): Table | undefined {
  return snapshot.tables.get(qiKey(schema, name));
}
