import { isToOne } from '../plan/relationships.js';
import type { PlanFilter, PlanLogicTree, PlanSelectField, ReadPlan } from '../plan/types.js';
import {
  castSql,
  column,
  fieldSql,
  filterSql,
  ident,
  limitSql,
  logicSql,
  orderSql,
  type Params,
  qualified,
} from './fragments.js';

/**
 * QueryBuilder.hs readPlanToQuery: one SELECT per plan node. Embedded resources are LATERAL
 * subqueries joined to their parent: to-one as a row (`to_jsonb`), to-many aggregated with
 * `json_agg` (an empty array when there is nothing).
 */

export function nodeRef(node: ReadPlan): string {
  return node.fromAlias !== null ? ident(node.fromAlias) : qualified(node.from);
}

function junctionAlias(node: ReadPlan): string {
  return ident(`${node.fromAlias ?? node.from.name}_junction`);
}

/** One output column of a node's SELECT; aggregated ones are left out of its GROUP BY. */
interface OutputColumn {
  expr: string;
  alias?: string;
  aggregated: boolean;
}

const renderColumn = (c: OutputColumn) => (c.alias === undefined ? c.expr : `${c.expr} AS ${ident(c.alias)}`);

/** `pg_catalog.sum(input)::cast` (`count()` counts rows: its input is `*`). */
function aggregateSql(sel: PlanSelectField, input: string): string {
  const sql = `pg_catalog.${sel.aggregate}(${input})`;
  return sel.aggregateCast === undefined ? sql : `CAST(${sql} AS ${castSql(sel.aggregateCast)})`;
}

/**
 * A selected field. `hoisted`: the node is spread into its parent, which applies the
 * aggregate (spread columns count as the parent's), so only the aggregate's input is selected.
 */
function selectColumn(ref: string, sel: PlanSelectField, p: Params, hoisted: boolean): OutputColumn {
  const countRows = sel.aggregate === 'count' && sel.field.name === '*' && sel.field.jsonPath.length === 0;
  let sql = countRows ? (hoisted ? 'TRUE' : '*') : fieldSql(ref, sel.field, p);
  if (sel.cast !== undefined) sql = `CAST(${sql} AS ${castSql(sel.cast)})`;
  const aggregated = sel.aggregate !== undefined && !hoisted;
  if (aggregated) sql = aggregateSql(sel, sql);
  return { expr: sql, ...(sel.alias === undefined ? {} : { alias: sel.alias }), aggregated };
}

/** A to-one spread whose aggregates the parent applies (to-many spreads aggregate inside). */
function hoistsAggregates(child: ReadPlan): boolean {
  return child.spread && (child.rel ? isToOne(child.rel) : true) && child.select.some((s) => s.aggregate);
}

/** An embed that selects nothing (`rel()`): joined for filtering, absent from the output. */
function isEmptyEmbed(node: ReadPlan): boolean {
  return node.select.length === 0 && node.children.every(isEmptyEmbed);
}

/** The columns a node contributes when it is spread into its parent. */
export function outputNames(node: ReadPlan): string[] {
  const names: string[] = [];
  for (const sel of node.select) {
    if (sel.field.name === '*' && sel.field.jsonPath.length === 0 && sel.alias === undefined) {
      if (node.table) for (const c of node.table.columnList) names.push(c.name);
      else names.push('*');
    } else {
      names.push(sel.alias ?? sel.field.name);
    }
  }
  for (const child of node.children) {
    if (child.spread) names.push(...outputNames(child));
    else if (!isEmptyEmbed(child)) names.push(child.relAlias ?? child.relName);
  }
  return names;
}

/** Conditions joining a child to its parent row (and to the junction of a many-to-many). */
function joinConditions(child: ReadPlan, parentRef: string): string[] {
  const rel = child.rel;
  if (!rel || rel.function) return [];
  const ref = nodeRef(child);
  if (rel.cardinality === 'm2m' && rel.junction) {
    const jt = junctionAlias(child);
    return [
      ...rel.junction.targetColumns.map(([fc, jc]) => `${jt}.${ident(jc)} = ${ref}.${ident(fc)}`),
      ...rel.junction.sourceColumns.map(([c, jc]) => `${jt}.${ident(jc)} = ${parentRef}.${ident(c)}`),
    ];
  }
  return rel.columns.map(([c, fc]) => `${ref}.${ident(fc)} = ${parentRef}.${ident(c)}`);
}

/** A computed relationship reads its function, called with the parent row. */
function fromSql(node: ReadPlan, parentRef: string | null): string {
  const fn = node.rel?.function;
  let sql =
    fn && parentRef !== null && node.rel
      ? ` FROM ${qualified(fn)}(ROW(${parentRef}.*)::${qualified(node.rel.table)})`
      : ` FROM ${qualified(node.from)}`;
  if (node.fromAlias !== null) sql += ` AS ${ident(node.fromAlias)}`;
  if (node.rel?.cardinality === 'm2m' && node.rel.junction) {
    sql += `, ${qualified(node.rel.junction.table)} AS ${junctionAlias(node)}`;
  }
  return sql;
}

function embedSql(child: ReadPlan, parentRef: string, p: Params): { join: string; selects: OutputColumn[] } {
  const agg = ident(child.aggAlias);
  const hoisted = hoistsAggregates(child);
  const sub = readQuerySql(child, p, parentRef, hoisted);
  const toOne = child.rel ? isToOne(child.rel) : true;
  const joinKind = child.joinType === 'inner' ? 'INNER' : 'LEFT';
  const name = child.relAlias ?? child.relName;
  const plain = (expr: string, alias?: string): OutputColumn => ({
    expr,
    ...(alias === undefined ? {} : { alias }),
    aggregated: false,
  });
  if (toOne) {
    const join = ` ${joinKind} JOIN LATERAL (${sub}) AS ${agg} ON TRUE`;
    if (child.spread) {
      const aggregates = new Map(child.select.filter((s) => s.aggregate).map((s) => [s.alias, s]));
      const selects = outputNames(child).map((n): OutputColumn => {
        const sel = hoisted ? aggregates.get(n) : undefined;
        if (!sel) return plain(column(agg, n));
        return { expr: aggregateSql(sel, column(agg, n)), alias: n, aggregated: true };
      });
      return { join, selects };
    }
    // PostgREST writes row_to_json(…)::jsonb; to_jsonb builds the same jsonb without the text round trip.
    return { join, selects: isEmptyEmbed(child) ? [] : [plain(`to_jsonb(${agg}.*)`, name)] };
  }
  const condition = child.joinType === 'inner' ? `${agg}.${agg} IS NOT NULL` : 'TRUE';
  if (child.spread) {
    const names = outputNames(child).filter((n) => n !== '*');
    const cols = names.map((n) => `COALESCE(json_agg(${agg}.${ident(n)}), '[]')::jsonb AS ${ident(n)}`);
    const join = ` ${joinKind} JOIN LATERAL (SELECT json_agg(${agg})::jsonb AS ${agg}${cols.length ? ', ' : ''}${cols.join(', ')} FROM (${sub}) AS ${agg}) AS ${agg} ON ${condition}`;
    return { join, selects: names.map((n) => plain(column(agg, n))) };
  }
  const join = ` ${joinKind} JOIN LATERAL (SELECT json_agg(${agg})::jsonb AS ${agg} FROM (${sub}) AS ${agg}) AS ${agg} ON ${condition}`;
  return { join, selects: isEmptyEmbed(child) ? [] : [plain(`COALESCE(${agg}.${agg}, '[]')`, name)] };
}

/**
 * The SELECT for a plan node; `parentRef` is the parent's table reference for embeds. With an
 * aggregate among its columns, every other column groups (PostgREST's automatic GROUP BY).
 */
export function readQuerySql(
  node: ReadPlan,
  p: Params,
  parentRef: string | null = null,
  hoisted = false,
): string {
  const ref = nodeRef(node);
  const selects = node.select.map((s) => selectColumn(ref, s, p, hoisted));
  const joins: string[] = [];
  for (const child of node.children) {
    const embed = embedSql(child, ref, p);
    joins.push(embed.join);
    selects.push(...embed.selects);
  }
  if (node.select.length === 0 && node.children.length === 0)
    selects.push({ expr: `${ref}.*`, aggregated: false });
  const conditions = node.where.map((t) => logicSql(ref, t, p));
  if (parentRef !== null) conditions.push(...joinConditions(node, parentRef));
  const groups = selects.some((c) => c.aggregated) ? selects.filter((c) => !c.aggregated) : [];
  return (
    `SELECT ${selects.map(renderColumn).join(', ')}${fromSql(node, parentRef)}${joins.join('')}` +
    (conditions.length ? ` WHERE ${conditions.join(' AND ')}` : '') +
    (groups.length ? ` GROUP BY ${groups.map((c) => c.expr).join(', ')}` : '') +
    orderSql(ref, node.order, p) +
    limitSql(node.range, p)
  );
}

/**
 * readPlanToCountQuery: the rows of the root that match, ignoring order and ranges. Inner joins
 * and `rel=is.null` filters become EXISTS subqueries; other embeds do not change the count.
 */
export function countQuerySql(node: ReadPlan, p: Params, parentRef: string | null = null): string {
  const ref = nodeRef(node);
  const nullEmbed = (f: Extract<PlanFilter, { kind: 'null-embed' }>) => {
    const child = node.children.find((c) => c.aggAlias === f.aggAlias);
    if (!child) return 'TRUE';
    return `${f.isNull ? 'NOT ' : ''}EXISTS (${countQuerySql(child, p, ref)})`;
  };
  const render = (tree: PlanLogicTree): string => {
    if (tree.kind === 'stmt') {
      return tree.filter.kind === 'null-embed' ? nullEmbed(tree.filter) : filterSql(ref, tree.filter, p);
    }
    const inner = tree.children.map(render).join(tree.operator === 'and' ? ' AND ' : ' OR ');
    return `${tree.negated ? 'NOT ' : ''}(${inner})`;
  };
  const conditions = node.where.map(render);
  if (parentRef !== null) conditions.push(...joinConditions(node, parentRef));
  for (const child of node.children) {
    if (child.joinType === 'inner') conditions.push(`EXISTS (${countQuerySql(child, p, ref)})`);
  }
  return `SELECT 1${fromSql(node, parentRef)}${conditions.length ? ` WHERE ${conditions.join(' AND ')}` : ''}`;
}
