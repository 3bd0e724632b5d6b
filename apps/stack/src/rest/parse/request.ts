import { ApiError, invalidBody } from '../errors.js';
import {
  decodeMediaType,
  intersectRanges,
  mediaTypeToMime,
  parseAccept,
  parseCookies,
  parsePrefer,
  parseRangeHeader,
} from './headers.js';
import { parseQueryParams, splitQuery } from './query-params.js';
import { type Action, ALL_ROWS, type ApiRequest, type Payload, type Range } from './types.js';

export type Resource =
  | { kind: 'relation'; name: string }
  | { kind: 'routine'; name: string }
  | { kind: 'schema' };

/** The HTTP request as the router hands it over. Header names are lower case. */
export interface RawRequest {
  method: string;
  resource: Resource;
  /** Path below the service root, e.g. `/todos` or `/rpc/fn`. */
  path: string;
  /** Raw query string without the `?`. */
  query: string;
  headers: Record<string, string>;
  body: string | null;
}

export interface RequestConfig {
  schemas: string[];
}

function actionFor(resource: Resource, method: string): Action {
  if (resource.kind === 'routine') {
    if (method === 'GET') return { kind: 'call', method: 'get' };
    if (method === 'HEAD') return { kind: 'call', method: 'head' };
    if (method === 'POST') return { kind: 'call', method: 'post' };
    throw new ApiError(405, 'PGRST101', `Cannot use the ${method} method on RPC`);
  }
  if (resource.kind === 'relation') {
    switch (method) {
      case 'GET':
        return { kind: 'read', headersOnly: false };
      case 'HEAD':
        return { kind: 'read', headersOnly: true };
      case 'POST':
        return { kind: 'mutate', mutation: 'create' };
      case 'PUT':
        return { kind: 'mutate', mutation: 'upsert' };
      case 'PATCH':
        return { kind: 'mutate', mutation: 'update' };
      case 'DELETE':
        return { kind: 'mutate', mutation: 'delete' };
    }
  } else if (method === 'GET' || method === 'HEAD') {
    return { kind: 'schema', headersOnly: method === 'HEAD' };
  }
  throw new ApiError(405, 'PGRST117', `Unsupported HTTP method: ${method}`);
}

/** Accept-Profile (reads) / Content-Profile (writes) choose among the exposed schemas. */
function schemaFor(config: RequestConfig, headers: Record<string, string>, method: string) {
  const write = method === 'POST' || method === 'PATCH' || method === 'PUT' || method === 'DELETE';
  const profile = write ? headers['content-profile'] : headers['accept-profile'];
  const defaultSchema = config.schemas[0] ?? 'public';
  if (profile === undefined)
    return { schema: defaultSchema, negotiatedByProfile: config.schemas.length !== 1 };
  if (!config.schemas.includes(profile)) {
    throw new ApiError(
      406,
      'PGRST106',
      `Invalid schema: ${profile}`,
      null,
      `Only the following schemas are exposed: ${config.schemas.join(', ')}`,
    );
  }
  return { schema: profile, negotiatedByProfile: true };
}

function jsonKeys(value: unknown): string[] | null {
  if (Array.isArray(value)) {
    if (value.length === 0) return [];
    const first = value[0];
    if (typeof first !== 'object' || first === null || Array.isArray(first)) return null;
    const keys = Object.keys(first);
    const canonical = [...keys].sort().join('\u0000');
    for (const row of value) {
      if (typeof row !== 'object' || row === null || Array.isArray(row)) return null;
      if (Object.keys(row).sort().join('\u0000') !== canonical) return null;
    }
    return keys;
  }
  if (typeof value === 'object' && value !== null) return Object.keys(value);
  return [];
}

/** Payload.hs getPayload: the body and the columns (or argument names) it sets. */
function parsePayload(
  action: Action,
  body: string | null,
  contentTypeHeader: string | undefined,
  columnsParam: string[] | null,
): { payload: Payload | null; columns: string[] } {
  const isMutation = action.kind === 'mutate' && action.mutation !== 'delete';
  const isCall = action.kind === 'call' && action.method === 'post';
  if (!isMutation && !isCall) return { payload: null, columns: [] };
  const contentType = contentTypeHeader ? decodeMediaType(contentTypeHeader) : { kind: 'json' as const };
  const text = body ?? '';
  switch (contentType.kind) {
    case 'json': {
      const source = text.trim() === '' && isCall ? '{}' : text;
      let value: unknown;
      try {
        value = JSON.parse(source);
      } catch {
        throw invalidBody('Empty or invalid json');
      }
      const isObject = typeof value === 'object' && value !== null && !Array.isArray(value);
      const usesColumns =
        columnsParam !== null && !(action.kind === 'mutate' && action.mutation === 'upsert');
      if (usesColumns) {
        if (typeof value !== 'object' || value === null) {
          return { payload: { kind: 'json', raw: '[]', keys: [], isObject: false }, columns: columnsParam };
        }
        return {
          payload: { kind: 'json', raw: source, keys: columnsParam, isObject },
          columns: columnsParam,
        };
      }
      const keys = jsonKeys(value);
      if (keys === null) throw invalidBody('All object keys must match');
      const raw = typeof value === 'object' && value !== null ? source : '[]';
      return { payload: { kind: 'json', raw, keys, isObject }, columns: keys };
    }
    case 'urlencoded': {
      const object: Record<string, string> = {};
      for (const [k, v] of splitQuery(text)) object[k] = v ?? '';
      const keys = Object.keys(object);
      return { payload: { kind: 'json', raw: JSON.stringify(object), keys, isObject: true }, columns: keys };
    }
    case 'text':
    case 'xml':
    case 'octet':
      if (isCall) return { payload: { kind: 'raw', raw: text }, columns: [] };
      break;
  }
  throw invalidBody(`Content-Type not acceptable: ${mediaTypeToMime(contentType)}`);
}

/** ApiRequest.hs userApiRequest: the request's intent, before the schema cache is consulted. */
export function parseRequest(raw: RawRequest, config: RequestConfig): ApiRequest {
  const method = raw.method.toUpperCase();
  const action = actionFor(raw.resource, method);
  const { schema, negotiatedByProfile } = schemaFor(config, raw.headers, method);
  // Kong's key-auth strips the apikey query parameter (hide_credentials) before PostgREST.
  const pairs = splitQuery(raw.query).filter(([k]) => k !== 'apikey');
  const isRpcRead = action.kind === 'call' && action.method !== 'post';
  const query = parseQueryParams(pairs, isRpcRead);

  const rootLimit = query.ranges.find((r) => r.path.length === 0)?.range ?? ALL_ROWS;
  const headerRange = method === 'GET' ? parseRangeHeader(raw.headers.range) : ALL_ROWS;
  let topLevelRange: Range = intersectRanges(headerRange, rootLimit);
  if (rootLimit.limit === 0) topLevelRange = { offset: rootLimit.offset, limit: 0 };
  if (method === 'PUT' && (topLevelRange.offset !== 0 || topLevelRange.limit !== null)) {
    throw new ApiError(400, 'PGRST114', 'limit/offset querystring parameters are not allowed for PUT');
  }

  const { payload, columns } = parsePayload(action, raw.body, raw.headers['content-type'], query.columns);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw.headers)) if (k !== 'cookie') headers[k] = v;

  return {
    action,
    target: raw.resource.kind === 'schema' ? '' : raw.resource.name,
    schema,
    negotiatedByProfile,
    method,
    path: raw.path,
    query,
    topLevelRange,
    payload,
    columns: isRpcRead ? [...new Set(query.rpcParams.map(([k]) => k))] : columns,
    preferences: parsePrefer(raw.headers.prefer),
    accept: parseAccept(raw.headers.accept),
    contentType: raw.headers['content-type']
      ? decodeMediaType(raw.headers['content-type'])
      : { kind: 'json' },
    headers,
    cookies: parseCookies(raw.headers.cookie),
  };
}
