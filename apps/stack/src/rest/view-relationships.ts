import { type QualifiedName, qiKey, type Relationship } from './schema-cache.js';

/**
 * Relationships through views, as PostgREST infers them (allViewsKeyDependencies): a view
 * column that is a plain reference to a table column carries that column's foreign keys, so a
 * view exposing all the columns of a foreign key (or all the columns it references) relates
 * like the table itself: view → table, table → view and view → view.
 */

/**
 * Each view column's origin as the parser recorded it (TargetEntry resorigtbl/resorigcol in the
 * view's rewrite rule). Target entries of subqueries match too; those whose number and name
 * are not a column of the view are dropped, and a column with two origins is ignored below.
 */
export const VIEW_COLUMNS_SQL = `
select distinct vn.nspname as view_schema, v.relname as view_name, va.attname as view_column,
  orn.nspname as origin_schema, orc.relname as origin_name, ora.attname as origin_column
from pg_class v
join pg_namespace vn on vn.oid = v.relnamespace
join pg_rewrite r on r.ev_class = v.oid and r.rulename = '_RETURN'
cross join lateral regexp_matches(r.ev_action::text,
  ':resno (\\d+) :resname ((?:\\\\.|[^ \\\\])+) :ressortgroupref \\d+ :resorigtbl (\\d+) :resorigcol (\\d+)', 'g') m
join pg_attribute va on va.attrelid = v.oid and va.attnum = m[1]::int2
  and va.attname = regexp_replace(m[2], '\\\\(.)', '\\1', 'g')
join pg_class orc on orc.oid = m[3]::oid
join pg_namespace orn on orn.oid = orc.relnamespace
join pg_attribute ora on ora.attrelid = orc.oid and ora.attnum = m[4]::int2
where v.relkind in ('v', 'm') and vn.nspname not in ('pg_catalog', 'information_schema')`;

export interface ViewColumnRow {
  view_schema: string;
  view_name: string;
  view_column: string;
  origin_schema: string;
  origin_name: string;
  origin_column: string;
}

/** A relation standing for a table: the table itself or a view, with its names for the table's columns. */
interface Alias {
  qi: QualifiedName;
  isView: boolean;
  /** table column → the alias's column */
  columns: Map<string, string>;
}

const MAX_VIEW_DEPTH = 16;

/** For each base table: the views whose columns resolve to its columns, through views of views. */
function viewAliases(rows: ViewColumnRow[]): Map<string, Alias[]> {
  const origins = new Map<string, Map<string, [QualifiedName, string] | null>>();
  for (const row of rows) {
    const key = qiKey(row.view_schema, row.view_name);
    const cols = origins.get(key) ?? new Map<string, [QualifiedName, string] | null>();
    // Two different origins for one column: ambiguous, not used.
    cols.set(
      row.view_column,
      cols.has(row.view_column)
        ? null
        : [{ schema: row.origin_schema, name: row.origin_name }, row.origin_column],
    );
    origins.set(key, cols);
  }
  const aliases = new Map<string, Alias[]>();
  for (const [viewKey, cols] of origins) {
    const [schema = '', name = ''] = viewKey.split('\u0000');
    const byTable = new Map<string, Map<string, string>>();
    for (const [viewColumn, origin] of cols) {
      let current = origin;
      for (let depth = 0; current && depth < MAX_VIEW_DEPTH; depth++) {
        const next = origins.get(qiKey(current[0].schema, current[0].name))?.get(current[1]);
        if (next === undefined) break;
        current = next;
      }
      if (!current || origins.has(qiKey(current[0].schema, current[0].name))) continue;
      const tableKey = qiKey(current[0].schema, current[0].name);
      const mapping = byTable.get(tableKey) ?? new Map<string, string>();
      if (!mapping.has(current[1])) mapping.set(current[1], viewColumn);
      byTable.set(tableKey, mapping);
    }
    for (const [tableKey, columns] of byTable) {
      aliases.set(tableKey, [
        ...(aliases.get(tableKey) ?? []),
        { qi: { schema, name }, isView: true, columns },
      ]);
    }
  }
  return aliases;
}

/** The foreign keys (all schemas) repeated for every view that exposes either end. */
export function viewRelationships(fks: Relationship[], rows: ViewColumnRow[]): Relationship[] {
  const aliases = viewAliases(rows);
  const covering = (qi: QualifiedName, cols: string[]): Alias[] => {
    const views = (aliases.get(qiKey(qi.schema, qi.name)) ?? []).filter((a) =>
      cols.every((c) => a.columns.has(c)),
    );
    return views.length ? [{ qi, isView: false, columns: new Map(cols.map((c) => [c, c])) }, ...views] : [];
  };
  const out: Relationship[] = [];
  for (const fk of fks) {
    const from = covering(
      fk.table,
      fk.columns.map(([c]) => c),
    );
    const to = covering(
      fk.foreignTable,
      fk.columns.map(([, f]) => f),
    );
    const sources = from.length
      ? from
      : [{ qi: fk.table, isView: false, columns: new Map(fk.columns.map(([c]) => [c, c])) }];
    const targets = to.length
      ? to
      : [
          {
            qi: fk.foreignTable,
            isView: fk.foreignTableIsView,
            columns: new Map(fk.columns.map(([, f]) => [f, f])),
          },
        ];
    for (const source of sources) {
      for (const target of targets) {
        if (!source.isView && !target.isView) continue;
        out.push({
          ...fk,
          table: source.qi,
          foreignTable: target.qi,
          isSelf: qiKey(source.qi.schema, source.qi.name) === qiKey(target.qi.schema, target.qi.name),
          columns: fk.columns.map(([c, f]) => [source.columns.get(c) ?? c, target.columns.get(f) ?? f]),
          foreignTableIsView: target.isView,
        });
      }
    }
  }
  return out;
}
