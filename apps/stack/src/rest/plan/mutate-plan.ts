import { ApiError, columnNotFound } from '../errors.js';
import type { ApiRequest } from '../parse/types.js';
import type { Column, SchemaSnapshot, Table } from '../schema-cache.js';
import { resolveField, returningColumns, rootConditions } from './read-plan.js';
import type { MutatePlan, PlanLogicTree, ReadPlan } from './types.js';

function resolveColumns(table: Table, names: string[]): Column[] {
  return names.map((name) => {
    const column = table.columns.get(name);
    if (!column) throw columnNotFound(table.name, name);
    return column;
  });
}

/**
 * pg-safeupdate, which Supabase preloads for the authenticator role: UPDATE and DELETE without
 * any condition are refused (SQLSTATE 21000, mapped to 400 by PostgREST).
 */
function requireWhere(verb: 'UPDATE' | 'DELETE', where: PlanLogicTree[]): void {
  if (where.length === 0) throw new ApiError(400, '21000', `${verb} requires a WHERE clause`);
}

/** PUT: filters must be exactly `pk=eq.value` for every primary key column. */
function putConditions(request: ApiRequest, table: Table): PlanLogicTree[] {
  const pk = table.primaryKey;
  const root = request.query.filters.filter((f) => f.path.length === 0);
  const fields = new Set(root.map((f) => f.filter.field.name));
  const ok =
    pk.length > 0 &&
    request.query.logic.length === 0 &&
    fields.size === pk.length &&
    pk.every((c) => fields.has(c)) &&
    root.every(
      ({ filter }) =>
        !filter.expr.negated &&
        filter.expr.operation.kind === 'quant' &&
        filter.expr.operation.op === 'eq' &&
        filter.expr.operation.quantifier === undefined &&
        filter.field.jsonPath.length === 0,
    );
  if (!ok) {
    throw new ApiError(
      405,
      'PGRST105',
      "Filters must include all and only primary key columns with 'eq' operators",
    );
  }
  return root.map(({ filter }) => ({
    kind: 'stmt',
    filter: { kind: 'filter', field: resolveField(table, filter.field), expr: filter.expr },
  }));
}

/** Plan.hs mutatePlan. */
export function buildMutatePlan(
  snapshot: SchemaSnapshot,
  request: ApiRequest,
  table: Table,
  read: ReadPlan,
): MutatePlan {
  if (request.action.kind !== 'mutate') throw new Error('not a mutation');
  const prefs = request.preferences;
  const wantsRows = prefs.representation === 'representation' || prefs.representation === 'headers-only';
  const returning = wantsRows ? returningColumns(read, table.primaryKey) : [];
  const payload =
    request.payload?.kind === 'json'
      ? { raw: request.payload.raw, isObject: request.payload.isObject }
      : null;
  const base = {
    table,
    payload,
    returning,
    applyDefaults: prefs.missing === 'default',
    putConditions: [] as PlanLogicTree[],
    onConflict: null as MutatePlan['onConflict'],
    where: [] as PlanLogicTree[],
    columns: [] as Column[],
  };
  switch (request.action.mutation) {
    case 'create': {
      const conflictColumns = request.query.onConflict ?? table.primaryKey;
      return {
        ...base,
        kind: 'insert',
        columns: resolveColumns(table, request.columns),
        onConflict:
          prefs.resolution && conflictColumns.length
            ? { resolution: prefs.resolution, columns: conflictColumns }
            : null,
      };
    }
    case 'upsert':
      return {
        ...base,
        kind: 'insert',
        columns: resolveColumns(table, request.columns),
        putConditions: putConditions(request, table),
        onConflict: { resolution: 'merge-duplicates', columns: table.primaryKey },
      };
    case 'update': {
      const columns = resolveColumns(table, request.columns);
      const where = rootConditions(snapshot, request, table);
      if (columns.length) requireWhere('UPDATE', where);
      return { ...base, kind: 'update', columns, where };
    }
    case 'delete': {
      const where = rootConditions(snapshot, request, table);
      requireWhere('DELETE', where);
      return { ...base, kind: 'delete', where };
    }
  }
}
