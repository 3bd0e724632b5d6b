import { unescape as qsUnescape } from 'node:querystring';
import { ApiError } from '../errors.js';
import { parseColumnList, parseLogicParam, parseOpExpr, parseOrder, parseTreePath } from './filter.js';
import { parseSelect } from './select.js';
import type { EmbedPath, Filter, QueryParams, Range } from './types.js';

const RESERVED = new Set(['select', 'columns', 'on_conflict']);
const RESERVED_EMBEDDABLE = new Set(['order', 'limit', 'offset', 'and', 'or']);

/** URL-decodes like Haskell's parseQueryReplacePlus: `+` is a space, bad escapes stay as-is. */
export function decodeComponent(text: string): string {
  if (!text.includes('%') && !text.includes('+')) return text;
  return qsUnescape(text.replace(/\+/g, ' '));
}

/** Splits a raw query string (without `?`) into decoded pairs; a key without `=` has value null. */
export function splitQuery(raw: string): [string, string | null][] {
  const pairs: [string, string | null][] = [];
  if (!raw) return pairs;
  for (const part of raw.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    if (eq < 0) pairs.push([decodeComponent(part), null]);
    else pairs.push([decodeComponent(part.slice(0, eq)), decodeComponent(part.slice(eq + 1))]);
  }
  return pairs;
}

function lastSegment(key: string): string {
  const dot = key.lastIndexOf('.');
  return dot < 0 ? key : key.slice(dot + 1);
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** encodeURIComponent that never throws (lone surrogates become U+FFFD). */
export function encodeComponent(text: string): string {
  return encodeURIComponent(text.replace(LONE_SURROGATE, '\uFFFD'));
}

function canonicalize(pairs: [string, string | null][]): string {
  const enc = (s: string) => encodeComponent(s).replace(/%20/g, '+');
  return [...pairs]
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([k, v]) => `${enc(k)}=${enc(v ?? '')}`)
    .join('&');
}

/** Path of a `limit`/`offset`/`order` key: `rel.sub.limit` → ['rel', 'sub']. */
function embedPathOf(key: string): EmbedPath {
  const { path } = parseTreePath(key);
  return path;
}

const INTEGER = /^-?[0-9]+$/;

/**
 * The query string of a request, parsed (QueryParams.hs `parse`). `isRpcRead`: parameters whose
 * value is not an operator expression are function arguments instead of filters.
 */
export function parseQueryParams(pairs: [string, string | null][], isRpcRead: boolean): QueryParams {
  const params: [string, string][] = [];
  for (const [k, v] of pairs) if (v !== null) params.push([k, v]);
  const lookup = (name: string) => {
    for (const [k, v] of params) if (k === name) return v;
    return undefined;
  };

  const select = parseSelect(lookup('select') ?? '*');
  const columnsParam = lookup('columns');
  const columns = columnsParam === undefined ? null : parseColumnList('columns', columnsParam);
  const onConflictParam = lookup('on_conflict');
  const onConflict = onConflictParam === undefined ? null : parseColumnList('on_conflict', onConflictParam);

  const order: QueryParams['order'] = [];
  const logic: QueryParams['logic'] = [];
  const filters: QueryParams['filters'] = [];
  const rpcParams: [string, string][] = [];
  const limits = new Map<string, { path: EmbedPath; limit?: number; offset?: number }>();

  for (const [key, value] of params) {
    const last = lastSegment(key);
    if (RESERVED_EMBEDDABLE.has(last)) {
      if (last === 'order') order.push({ path: embedPathOf(key), terms: parseOrder(value) });
      else if (last === 'and' || last === 'or') logic.push(parseLogicParam(key, value));
      else {
        const path = embedPathOf(key);
        const id = path.join('\u0000');
        const entry = limits.get(id) ?? { path };
        // Unparseable numbers are ignored, as PostgREST's readMaybe does.
        if (INTEGER.test(value.trim())) entry[last as 'limit' | 'offset'] = Number(value.trim());
        limits.set(id, entry);
      }
      continue;
    }
    if (RESERVED.has(key)) continue;
    const { path, field } = parseTreePath(key);
    if (isRpcRead) {
      let expr: Filter['expr'] | undefined;
      try {
        expr = parseOpExpr(value);
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
      }
      if (expr) filters.push({ path, filter: { field, expr } });
      else rpcParams.push([key, value]);
    } else {
      filters.push({ path, filter: { field, expr: parseOpExpr(value) } });
    }
  }

  const ranges: QueryParams['ranges'] = [];
  for (const { path, limit, offset } of limits.values()) {
    if (limit !== undefined && limit < 0 && path.length === 0) {
      throw new ApiError(
        416,
        'PGRST103',
        'Requested range not satisfiable',
        'Limit should be greater than or equal to zero.',
      );
    }
    const range: Range = {
      offset: Math.max(offset ?? 0, 0),
      limit: limit === undefined ? null : Math.max(limit, 0),
    };
    ranges.push({ path, range });
  }

  return {
    canonical: canonicalize(pairs),
    rpcParams,
    ranges,
    order,
    logic,
    columns,
    select,
    filters,
    onConflict,
  };
}
