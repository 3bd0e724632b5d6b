import { ApiError, notEmbedded } from '../errors.js';
import { restrictRange } from '../parse/headers.js';
import {
  ALL_ROWS,
  type ApiRequest,
  type EmbedPath,
  type Field,
  type Filter,
  type LogicTree,
  type Range,
  type SelectItem,
} from '../parse/types.js';
import { findTable, type QualifiedName, type SchemaSnapshot, type Table } from '../schema-cache.js';
import { findRelationship, isToOne } from './relationships.js';
import { type PlanField, type PlanFilter, type PlanLogicTree, type ReadPlan, SOURCE_CTE } from './types.js';

export interface ReadRoot {
  /** The relation the root reads: the table, or for calls the function's return table. */
  qi: QualifiedName;
  table: Table | null;
  /** Writes and calls read their rows from the `pgrst_source` CTE. */
  fromSource: boolean;
}

export interface ReadPlanOptions {
  maxRows: number | null;
  aggregatesEnabled: boolean;
}

/** Resolves a field against the relation's columns (Plan.hs resolveTypeOrUnknown). */
export function resolveField(table: Table | null, field: Field, fts?: { language?: string }): PlanField {
  const base = table?.columns.get(field.name)?.baseType;
  const resolved: PlanField = { name: field.name, jsonPath: field.jsonPath, toJson: true };
  if (base === 'json' || base === 'jsonb') resolved.toJson = false;
  else if (base !== 'tsvector' && fts) resolved.toTsVector = fts;
  return resolved;
}

function resolveFilter(table: Table | null, filter: Filter): PlanFilter {
  const op = filter.expr.operation;
  const fts = op.kind === 'fts' ? (op.language === undefined ? {} : { language: op.language }) : undefined;
  return { kind: 'filter', field: resolveField(table, filter.field, fts), expr: filter.expr };
}

function resolveLogic(table: Table | null, tree: LogicTree): PlanLogicTree {
  if (tree.kind === 'filter') return { kind: 'stmt', filter: resolveFilter(table, tree.filter) };
  return {
    kind: 'expr',
    negated: tree.negated,
    operator: tree.operator,
    children: tree.children.map((t) => resolveLogic(table, t)),
  };
}

const nodeName = (n: ReadPlan) => n.relAlias ?? n.relName;

/** Plan.hs updateNode: the node an embed path (`rel.sub`) designates. */
function findNode(root: ReadPlan, path: EmbedPath): ReadPlan {
  let node = root;
  for (const name of path) {
    const next = node.children.find((c) => nodeName(c) === name);
    if (!next) throw notEmbedded(name);
    node = next;
  }
  return node;
}

/** The alias a JSON path select gets when none is given: its last key. */
function jsonPathAlias(field: Field): string | undefined {
  const last = field.jsonPath[field.jsonPath.length - 1];
  if (!last) return undefined;
  if (last.operand.kind === 'key') return last.operand.value;
  for (let i = field.jsonPath.length - 1; i >= 0; i--) {
    const op = field.jsonPath[i]?.operand;
    if (op?.kind === 'key') return op.value;
  }
  return field.name;
}

function buildNode(
  snapshot: SchemaSnapshot,
  schema: string,
  options: ReadPlanOptions,
  node: ReadPlan,
  originName: string,
  items: SelectItem[],
): void {
  for (const item of items) {
    if (item.type === 'field') {
      if (item.aggregate !== undefined && !options.aggregatesEnabled) {
        throw new ApiError(400, 'PGRST123', 'Use of aggregate functions is not allowed');
      }
      const sel: ReadPlan['select'][number] = { field: resolveField(node.table, item.field) };
      // An aggregated column is named after its function unless renamed.
      const alias = item.alias ?? item.aggregate ?? jsonPathAlias(item.field);
      if (alias !== undefined) sel.alias = alias;
      if (item.cast !== undefined) sel.cast = item.cast;
      if (item.aggregate !== undefined) sel.aggregate = item.aggregate;
      if (item.aggregateCast !== undefined) sel.aggregateCast = item.aggregateCast;
      node.select.push(sel);
      continue;
    }
    const rel = findRelationship(snapshot, schema, originName, item.relation, item.hint);
    const depth = node.depth + 1;
    const child: ReadPlan = {
      from: rel.foreignTable,
      fromAlias: `${rel.foreignTable.name}_${depth}`,
      table: findTable(snapshot, rel.foreignTable.schema, rel.foreignTable.name) ?? null,
      select: [],
      where: [],
      order: [],
      range: ALL_ROWS,
      relName: item.relation,
      spread: item.spread,
      rel,
      aggAlias: `${rel.table.name}_${item.alias ?? item.relation}_${depth}`,
      depth,
      children: [],
    };
    if (item.alias !== undefined) child.relAlias = item.alias;
    if (item.hint !== undefined) child.relHint = item.hint;
    if (item.joinType !== undefined) child.joinType = item.joinType;
    buildNode(snapshot, schema, options, child, rel.foreignTable.name, item.children);
    node.children.push(child);
  }
}

/** Filters naming an embedded resource (`rel=is.null`) test for the embed's presence. */
function convertNullEmbeds(node: ReadPlan, tree: PlanLogicTree): PlanLogicTree {
  if (tree.kind === 'expr')
    return { ...tree, children: tree.children.map((t) => convertNullEmbeds(node, t)) };
  const f = tree.filter;
  if (f.kind !== 'filter' || f.field.jsonPath.length) return tree;
  const child = node.children.find((c) => nodeName(c) === f.field.name);
  if (!child) return tree;
  const op = f.expr.operation;
  if (op.kind !== 'is' || op.value !== 'null') {
    throw new ApiError(
      400,
      'PGRST120',
      `Bad operator on the '${f.field.name}' embedded resource`,
      'Only is null or not is null filters are allowed on embedded resources',
    );
  }
  return {
    kind: 'stmt',
    filter: {
      kind: 'null-embed',
      isNull: !f.expr.negated,
      aggAlias: child.aggAlias,
      toOne: child.rel ? isToOne(child.rel) : true,
    },
  };
}

function finishNode(node: ReadPlan, maxRows: number | null, restrict: boolean): void {
  node.where = node.where.map((t) => convertNullEmbeds(node, t));
  for (const term of node.order) {
    if (term.kind !== 'relation') continue;
    const child = node.children.find((c) => nodeName(c) === term.aggAlias);
    if (!child) throw notEmbedded(term.aggAlias);
    if (!child.rel || !isToOne(child.rel)) {
      throw new ApiError(
        400,
        'PGRST118',
        `A related order on '${term.aggAlias}' is not possible`,
        `'${node.from.name === SOURCE_CTE ? (node.fromAlias ?? '') : node.from.name}' and '${term.aggAlias}' do not form a many-to-one or one-to-one relationship`,
      );
    }
    term.aggAlias = child.aggAlias;
  }
  // db-max-rows caps the root and every to-many embed (a to-one embed has one row at most).
  if (restrict && !(node.rel && isToOne(node.rel))) node.range = restrictRange(node.range, maxRows);
  for (const child of node.children) finishNode(child, maxRows, restrict);
}

/**
 * Plan.hs readPlan: the tree of relations a request reads, with filters, order and ranges on
 * the node their embed path names. For writes, filters and logic on the root belong to the
 * mutation instead, and ranges do not apply.
 */
export function buildReadPlan(
  snapshot: SchemaSnapshot,
  request: ApiRequest,
  root: ReadRoot,
  options: ReadPlanOptions,
): ReadPlan {
  const isMutation = request.action.kind === 'mutate';
  const plan: ReadPlan = {
    from: root.fromSource ? { schema: '', name: SOURCE_CTE } : root.qi,
    fromAlias: root.fromSource ? root.qi.name : null,
    table: root.table,
    select: [],
    where: [],
    order: [],
    range: ALL_ROWS,
    relName: root.qi.name,
    spread: false,
    rel: null,
    aggAlias: '',
    depth: 0,
    children: [],
  };
  buildNode(snapshot, request.schema, options, plan, root.qi.name, request.query.select);

  for (const { path, filter } of request.query.filters) {
    if (isMutation && path.length === 0) continue;
    const node = findNode(plan, path);
    node.where.push({ kind: 'stmt', filter: resolveFilter(node.table, filter) });
  }
  for (const { path, tree } of request.query.logic) {
    if (isMutation && path.length === 0) continue;
    const node = findNode(plan, path);
    node.where.push(resolveLogic(node.table, tree));
  }
  for (const { path, terms } of request.query.order) {
    const node = findNode(plan, path);
    node.order = terms.map((t) =>
      t.relation !== undefined
        ? {
            kind: 'relation' as const,
            aggAlias: t.relation,
            field: t.field,
            ...(t.direction ? { direction: t.direction } : {}),
            ...(t.nulls ? { nulls: t.nulls } : {}),
          }
        : {
            kind: 'field' as const,
            field: resolveField(node.table, t.field),
            ...(t.direction ? { direction: t.direction } : {}),
            ...(t.nulls ? { nulls: t.nulls } : {}),
          },
    );
  }
  if (!isMutation) {
    for (const { path, range } of request.query.ranges) {
      if (path.length === 0) continue;
      findNode(plan, path).range = range;
    }
    plan.range = request.topLevelRange;
  }
  finishNode(plan, options.maxRows, !isMutation);
  return plan;
}

/** Root filters of a write (UPDATE/DELETE … WHERE). */
export function rootConditions(snapshot: SchemaSnapshot, request: ApiRequest, table: Table): PlanLogicTree[] {
  void snapshot;
  const trees: PlanLogicTree[] = [];
  for (const { path, filter } of request.query.filters) {
    if (path.length === 0) trees.push({ kind: 'stmt', filter: resolveFilter(table, filter) });
  }
  for (const { path, tree } of request.query.logic) {
    if (path.length === 0) trees.push(resolveLogic(table, tree));
  }
  return trees;
}

/** Columns a write must return for the read plan to embed and for Location (inferColsEmbedNeeds). */
export function returningColumns(plan: ReadPlan, primaryKey: string[]): string[] {
  const names = new Set(plan.select.map((s) => s.field.name));
  if (names.has('*')) return ['*'];
  const cols = new Set(names);
  for (const child of plan.children) {
    const rel = child.rel;
    if (!rel) continue;
    // A computed relationship's function takes the whole row.
    if (rel.function) return ['*'];
    if (rel.cardinality === 'm2m') for (const [c] of rel.junction?.sourceColumns ?? []) cols.add(c);
    else for (const [c] of rel.columns) cols.add(c);
  }
  for (const pk of primaryKey) cols.add(pk);
  return [...cols];
}

export type { Range };
