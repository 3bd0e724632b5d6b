import { ApiError } from '../errors.js';
import type { ApiRequest } from '../parse/types.js';
import { findTable, type SchemaSnapshot, type Table } from '../schema-cache.js';
import { buildCallPlan, findRoutine, returnsSingle } from './call-plan.js';
import { buildMutatePlan } from './mutate-plan.js';
import { negotiate } from './negotiate.js';
import { buildReadPlan, type ReadPlanOptions } from './read-plan.js';
import { bestMatch } from './relationships.js';
import type { ActionPlan } from './types.js';

/** PGRST205, with a "Perhaps you meant" hint for a close name in the same schema. */
export function tableNotFound(snapshot: SchemaSnapshot, schema: string, name: string): ApiError {
  const names: string[] = [];
  for (const t of snapshot.tables.values()) if (t.schema === schema) names.push(t.name);
  const match = bestMatch(names, name, 0.75);
  return new ApiError(
    404,
    'PGRST205',
    `Could not find the table '${schema}.${name}' in the schema cache`,
    null,
    match ? `Perhaps you meant the table '${schema}.${match}'` : null,
  );
}

function requireTable(snapshot: SchemaSnapshot, schema: string, name: string): Table {
  const table = findTable(snapshot, schema, name);
  if (!table) throw tableNotFound(snapshot, schema, name);
  return table;
}

function checkPreferences(request: ApiRequest): void {
  const prefs = request.preferences;
  if (prefs.handling === 'strict' && prefs.invalid.length) {
    throw new ApiError(
      400,
      'PGRST122',
      'Invalid preferences given with handling=strict',
      `Invalid preferences: ${prefs.invalid.join(', ')}`,
    );
  }
}

export interface PlanOptions extends ReadPlanOptions {
  /** db-plan-enabled: the `application/vnd.pgrst.plan` media types. */
  planEnabled: boolean;
}

/** Plan.hs actionPlan: everything the SQL builder needs, resolved against the schema cache. */
export function planRequest(snapshot: SchemaSnapshot, request: ApiRequest, options: PlanOptions): ActionPlan {
  const action = request.action;
  switch (action.kind) {
    case 'read': {
      const table = requireTable(snapshot, request.schema, request.target);
      const read = buildReadPlan(snapshot, request, { qi: table, table, fromSource: false }, options);
      const negotiated = negotiate(request, options.planEnabled);
      checkPreferences(request);
      return { kind: 'read', read, negotiated, headersOnly: action.headersOnly };
    }
    case 'mutate': {
      const table = requireTable(snapshot, request.schema, request.target);
      const read = buildReadPlan(snapshot, request, { qi: table, table, fromSource: true }, options);
      const mutate = buildMutatePlan(snapshot, request, table, read);
      checkPreferences(request);
      const negotiated = negotiate(request, options.planEnabled);
      return { kind: 'mutate', read, mutate, negotiated };
    }
    case 'call': {
      const isPost = action.method === 'post';
      const routine = findRoutine(
        snapshot,
        request.schema,
        request.target,
        request.columns,
        isPost,
        request.contentType,
      );
      const qi = routine.returnTable ?? { schema: routine.schema, name: routine.name };
      const table = routine.returnTable
        ? (findTable(snapshot, routine.returnTable.schema, routine.returnTable.name) ?? null)
        : null;
      const read = buildReadPlan(snapshot, request, { qi, table, fromSource: true }, options);
      const call = buildCallPlan(request, routine, read);
      const negotiated = negotiate(request, options.planEnabled);
      checkPreferences(request);
      const prefs = request.preferences;
      if (prefs.maxAffected !== undefined && prefs.handling === 'strict' && returnsSingle(routine)) {
        throw new ApiError(
          400,
          'PGRST128',
          'Function must return SETOF or TABLE when max-affected preference is used with handling=strict',
        );
      }
      const readOnly = !isPost || routine.volatility !== 'v';
      return { kind: 'call', read, call, negotiated, readOnly };
    }
    case 'schema':
      throw new ApiError(500, 'PGRSTX00', 'schema requests are answered by the router');
  }
}
