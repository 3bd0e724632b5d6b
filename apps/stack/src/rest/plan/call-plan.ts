import { ApiError } from '../errors.js';
import type { ApiRequest, MediaType } from '../parse/types.js';
import { qiKey, type Routine, type SchemaSnapshot } from '../schema-cache.js';
import { bestMatch } from './relationships.js';
import type { CallArgs, CallPlan, ReadPlan } from './types.js';

const SINGLE_PARAM_FOR: Partial<Record<MediaType['kind'], string[]>> = {
  json: ['json', 'jsonb'],
  text: ['text'],
  xml: ['xml'],
  octet: ['bytea'],
};

function sameSet(a: Set<string>, b: Set<string>): boolean {
  return a.size === b.size && [...a].every((x) => b.has(x));
}

function matchesParams(
  routine: Routine,
  keys: Set<string>,
  isPost: boolean,
  contentType: MediaType,
): boolean {
  const params = routine.params;
  if (params.length === 0) {
    return keys.size === 0 && !(isPost && ['octet', 'text', 'xml'].includes(contentType.kind));
  }
  const required = new Set(params.filter((p) => p.required).map((p) => p.name));
  const optional = new Set(params.filter((p) => !p.required).map((p) => p.name));
  if (optional.size === 0) return sameSet(keys, required);
  if (required.size === 0) return [...keys].every((k) => optional.has(k));
  return sameSet(new Set([...keys].filter((k) => !optional.has(k))), required);
}

function hasSingleUnnamedParam(routine: Routine, isPost: boolean, contentType: MediaType): boolean {
  const [only, ...rest] = routine.params;
  if (!isPost || !only || rest.length || only.name !== '') return false;
  return SINGLE_PARAM_FOR[contentType.kind]?.includes(only.type) ?? false;
}

function noRpcError(
  snapshot: SchemaSnapshot,
  schema: string,
  name: string,
  keys: string[],
  isPost: boolean,
  contentType: MediaType,
  overloads: Routine[],
): ApiError {
  const onlySingle = isPost && ['text', 'xml', 'octet'].includes(contentType.kind);
  const func = `${schema}.${name}`;
  const prms = keys.length ? `(${keys.join(', ')})` : ' without parameters';
  const prmsDet = keys.length
    ? ` with parameter${keys.length > 1 ? 's' : ''} ${keys.join(', ')}`
    : ' without parameters';
  let searched: string;
  if (isPost && contentType.kind === 'text') searched = ' with a single unnamed text parameter';
  else if (isPost && contentType.kind === 'xml') searched = ' with a single unnamed xml parameter';
  else if (isPost && contentType.kind === 'octet') searched = ' with a single unnamed bytea parameter';
  else if (isPost && contentType.kind === 'json')
    searched = `${prmsDet} or with a single unnamed json/jsonb parameter`;
  else searched = prmsDet;
  let hint: string | null = null;
  if (!onlySingle) {
    if (overloads.length === 0) {
      const names = [...snapshot.routines.keys()]
        .map((k) => k.split('\u0000'))
        .filter(([s]) => s === schema)
        .map(([, n]) => n as string);
      const match = bestMatch(new Set(names), name, 0.75);
      if (match) hint = `Perhaps you meant to call the function ${schema}.${match}`;
    } else {
      const fmt = (ps: string[]) => `(${[...ps].sort().join(', ')})`;
      const lists = overloads.map((o) => fmt(o.params.map((p) => p.name)));
      const match = bestMatch(new Set(lists), fmt(keys), 0.33);
      if (match) hint = `Perhaps you meant to call the function ${schema}.${name}${match}`;
    }
  }
  return new ApiError(
    404,
    'PGRST202',
    `Could not find the function ${func}${onlySingle ? '' : prms} in the schema cache`,
    `Searched for the function ${func}${searched}, but no matches were found in the schema cache.`,
    hint,
  );
}

/** Plan.hs findProc: the overload whose parameter names fit the arguments. */
export function findRoutine(
  snapshot: SchemaSnapshot,
  schema: string,
  name: string,
  argKeys: string[],
  isPost: boolean,
  contentType: MediaType,
): Routine {
  const keys = new Set(argKeys);
  const overloads = snapshot.routines.get(qiKey(schema, name)) ?? [];
  const matched = overloads.filter((r) => matchesParams(r, keys, isPost, contentType));
  const fallback = overloads.filter(
    (r) => !matchesParams(r, keys, isPost, contentType) && hasSingleUnnamedParam(r, isPost, contentType),
  );
  const candidates = matched.length ? matched : fallback;
  if (candidates.length === 1) return candidates[0] as Routine;
  if (candidates.length === 0) {
    throw noRpcError(snapshot, schema, name, [...keys].sort(), isPost, contentType, overloads);
  }
  throw new ApiError(
    300,
    'PGRST203',
    `Could not choose the best candidate function between: ${candidates
      .map((r) => `${r.schema}.${r.name}(${r.params.map((p) => `${p.name} => ${p.type}`).join(', ')})`)
      .join(', ')}`,
    null,
    'Try renaming the parameters or the function itself in the database so function overloading can be resolved',
  );
}

export const returnsScalar = (r: Routine) => !r.returnsSet && !r.returnsComposite && !r.returnsVoid;
export const returnsSetOfScalar = (r: Routine) => r.returnsSet && !r.returnsComposite;
export const returnsSingle = (r: Routine) => !r.returnsSet;

/** Plan.hs callPlan: which parameters are passed and how the arguments arrive. */
export function buildCallPlan(request: ApiRequest, routine: Routine, read: ReadPlan): CallPlan {
  const keys = new Set(request.columns);
  const params =
    routine.params.length === 1 && routine.params[0]?.name === ''
      ? { positional: routine.params[0] }
      : routine.params.filter((p) => keys.has(p.name));
  let args: CallArgs;
  if (request.action.kind === 'call' && request.action.method !== 'post') {
    const values = new Map<string, string[]>();
    for (const [k, v] of request.query.rpcParams) values.set(k, [...(values.get(k) ?? []), v]);
    args = { kind: 'direct', values };
  } else if (request.payload?.kind === 'raw') {
    args = { kind: 'raw', raw: request.payload.raw };
  } else {
    args = { kind: 'json', raw: request.payload?.raw ?? '{}' };
  }
  // Filters and embeds may use any column of the result, so calls return whole rows.
  void read;
  const returning: string[] = [];
  return {
    routine,
    params,
    args,
    scalar: returnsScalar(routine),
    setOfScalar: returnsSetOfScalar(routine),
    returning,
  };
}
