import type pg from 'pg';
import type { PgType } from './values.js';

export interface TableColumn {
  name: string;
  type: PgType;
  /** format_type without typmod, for casting literals. */
  sqlType: string;
}

export interface TableInfo {
  relid: number;
  schema: string;
  table: string;
  rls: boolean;
  /** Primary key columns (pg_constraint), in key order. */
  primaryKey: string[];
  /** Every live column in attnum order, as `columns` reports them. */
  columns: TableColumn[];
  byName: Map<string, TableColumn>;
}

export interface PublishedTable {
  relid: number;
  schema: string;
  table: string;
}

interface Cached<T> {
  value: T;
  at: number;
}

/** How long grants and role attributes are trusted before they are read again. */
const PRIVILEGE_TTL_MS = 10_000;

/**
 * What Realtime needs to know about published tables, read (and cached) with the
 * privileged pool: columns and their types, primary keys, RLS, per-role column grants.
 */
export class Catalog {
  private readonly tables = new Map<number, Promise<TableInfo>>();
  private readonly types = new Map<number, PgType>();
  private readonly selectable = new Map<string, Cached<Promise<Set<string> | null>>>();
  private readonly bypass = new Map<string, Cached<Promise<boolean>>>();

  constructor(private readonly pool: pg.Pool) {}

  /** Forgets a table after its Relation message (schema may have changed). */
  invalidate(relid: number): void {
    this.tables.delete(relid);
    for (const key of this.selectable.keys()) if (key.startsWith(`${relid}:`)) this.selectable.delete(key);
  }

  table(relid: number): Promise<TableInfo> {
    let info = this.tables.get(relid);
    if (!info) {
      info = this.loadTable(relid);
      info.catch(() => this.tables.delete(relid));
      this.tables.set(relid, info);
    }
    return info;
  }

  private async loadTable(relid: number): Promise<TableInfo> {
    const { rows } = await this.pool.query<{
      schema: string;
      table: string;
      rls: boolean;
      pk: string[];
      columns: { name: string; type: number; sql_type: string }[] | null;
    }>(
      `select n.nspname::text as schema, c.relname::text as table, c.relrowsecurity as rls,
              coalesce((select array_agg(a.attname::text order by array_position(k.conkey, a.attnum))
                          from pg_constraint k
                          join pg_attribute a on a.attrelid = k.conrelid and a.attnum = any (k.conkey)
                         where k.conrelid = c.oid and k.contype = 'p'), '{}') as pk,
              (select json_agg(json_build_object('name', a.attname, 'type', a.atttypid::int,
                                                 'sql_type', format_type(a.atttypid, null))
                               order by a.attnum)
                 from pg_attribute a
                where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped) as columns
         from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where c.oid = $1`,
      [relid],
    );
    const row = rows[0];
    if (!row) throw new Error(`relation ${relid} does not exist`);
    const rawColumns = row.columns ?? [];
    const types = await this.resolveTypes(rawColumns.map((c) => c.type));
    const columns = rawColumns.map((c) => ({
      name: c.name,
      type: types.get(c.type) ?? unknownType(c.type),
      sqlType: c.sql_type,
    }));
    return {
      relid,
      schema: row.schema,
      table: row.table,
      rls: row.rls,
      primaryKey: row.pk,
      columns,
      byName: new Map(columns.map((c) => [c.name, c])),
    };
  }

  /** Types by oid, following domains to their base type and arrays to their element type. */
  async resolveTypes(oids: number[]): Promise<Map<number, PgType>> {
    const missing = [...new Set(oids)].filter((oid) => !this.types.has(oid));
    if (missing.length) {
      const { rows } = await this.pool.query<{
        oid: number;
        name: string;
        basetype: number;
        elem: number;
        category: string;
        delim: string;
      }>(
        `with recursive t(oid) as (
           select unnest($1::oid[])
           union
           select v.x from t join pg_type p on p.oid = t.oid
           cross join lateral (values (nullif(p.typbasetype, 0)),
                                      (case when p.typcategory = 'A' then nullif(p.typelem, 0) end)) v(x)
            where v.x is not null
         )
         select p.oid::int as oid, p.typname::text as name, p.typbasetype::int as basetype,
                p.typelem::int as elem, p.typcategory::text as category, p.typdelim::text as delim
           from pg_type p where p.oid in (select oid from t)`,
        [missing],
      );
      const raw = new Map(rows.map((r) => [r.oid, r]));
      const build = (oid: number, seen = 0): PgType => {
        const known = this.types.get(oid);
        if (known) return known;
        const r = raw.get(oid);
        if (!r || seen > 8) return unknownType(oid);
        const base = r.basetype ? build(r.basetype, seen + 1) : null;
        const type: PgType = {
          oid,
          name: r.name,
          baseOid: base ? base.baseOid : oid,
          elem: base ? base.elem : r.category === 'A' && r.elem ? build(r.elem, seen + 1) : null,
          delimiter: base ? base.delimiter : r.delim || ',',
        };
        this.types.set(oid, type);
        return type;
      };
      for (const oid of missing) build(oid);
    }
    return new Map(oids.map((oid) => [oid, this.types.get(oid) ?? unknownType(oid)]));
  }

  /** Columns `role` may SELECT; null when the role does not exist. */
  selectableColumns(relid: number, role: string): Promise<Set<string> | null> {
    const key = `${relid}:${role}`;
    const cached = this.selectable.get(key);
    if (cached && Date.now() - cached.at < PRIVILEGE_TTL_MS) return cached.value;
    const value = this.pool
      .query<{ name: string }>(
        `select a.attname::text as name from pg_attribute a
          where a.attrelid = $1 and a.attnum > 0 and not a.attisdropped
            and has_column_privilege($2, a.attrelid, a.attnum, 'SELECT')`,
        [relid, role],
      )
      .then(
        ({ rows }) => new Set(rows.map((r) => r.name)),
        (error: { code?: string }) => {
          if (error.code === '42704') return null; // no such role
          this.selectable.delete(key);
          throw error;
        },
      );
    this.selectable.set(key, { value, at: Date.now() });
    return value;
  }

  /** Superusers and BYPASSRLS roles (service_role) see every row without a policy check. */
  bypassesRls(role: string): Promise<boolean> {
    const cached = this.bypass.get(role);
    if (cached && Date.now() - cached.at < PRIVILEGE_TTL_MS) return cached.value;
    const value = this.pool
      .query<{ bypass: boolean }>(
        'select rolsuper or rolbypassrls as bypass from pg_roles where rolname = $1',
        [role],
      )
      .then(
        ({ rows }) => rows[0]?.bypass ?? false,
        (error) => {
          this.bypass.delete(role);
          throw error;
        },
      );
    this.bypass.set(role, { value, at: Date.now() });
    return value;
  }

  /** Published tables matching a subscription's schema/table (`*` = any), as Realtime matches them. */
  async publishedTables(publication: string, schema: string, table: string): Promise<PublishedTable[]> {
    const { rows } = await this.pool.query<PublishedTable>(
      `select format('%I.%I', schemaname, tablename)::regclass::oid::int as relid,
              schemaname::text as schema, tablename::text as table
         from pg_publication_tables
        where pubname = $1
          and schemaname like (case $2 when '*' then '%' else $2 end) escape ''
          and tablename like (case $3 when '*' then '%' else $3 end) escape ''`,
      [publication, schema, table],
    );
    return rows;
  }
}

function unknownType(oid: number): PgType {
  return { oid, name: 'unknown', baseOid: oid, elem: null, delimiter: ',' };
}
