import { validateHeaderName, validateHeaderValue } from 'node:http';
import { ApiError, invalidRange, singularityError } from './errors.js';
import type { MainResult } from './execute.js';
import { mediaTypeToMime, preferenceAppliedHeader } from './parse/headers.js';
import { encodeComponent } from './parse/query-params.js';
import type { ApiRequest, MediaType, Preferences, Range } from './parse/types.js';
import { isPlan, isSingular } from './plan/negotiate.js';
import type { ActionPlan } from './plan/types.js';

/** Response.hs / RangeQuery.hs: status codes, Content-Range and the other headers. */

const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * A response as plain data (lower-case header names): the Node fast path writes it as is, the
 * hono router wraps it in a Response.
 */
export interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string | null;
}

/** A plain record of headers takes @hono/node-server's fast path. */
export const toResponse = (reply: Reply): Response =>
  new Response(reply.body, { status: reply.status, headers: reply.headers });

export function errorReply(error: ApiError): Reply {
  const headers: Record<string, string> = {
    'content-type': JSON_TYPE,
    'proxy-status': `PostgREST; error=${error.code}`,
  };
  for (const [k, v] of Object.entries(error.headers)) headers[k.toLowerCase()] = v;
  return { status: error.status, headers, body: JSON.stringify(error.body()) };
}

function contentType(media: MediaType): string {
  const mime = media.kind === 'any' ? 'application/json' : mediaTypeToMime(media);
  return media.kind === 'octet' || media.kind === 'other' ? mime : `${mime}; charset=utf-8`;
}

/** `0-24/100`, `*​/0`, `*​/*` (contentRangeH). */
export function contentRange(lower: number, upper: number, total: number | null): string {
  const range = total !== 0 && lower <= upper ? `${lower}-${upper}` : '*';
  return `${range}/${total === null ? '*' : total}`;
}

/** rangeStatusHeader: 200, 206 when the page is part of a known total, 416 past the end. */
export function rangeStatus(range: Range, pageTotal: number, total: number | null) {
  const lower = range.offset;
  const upper = lower + pageTotal - 1;
  let status = 200;
  if (total !== null) {
    if (lower > total) status = 416;
    else if (1 + upper - lower < total) status = 206;
  }
  return { status, contentRange: contentRange(lower, upper, total) };
}

/** The preferences a response reports as applied (responsePreferences). */
function appliedPreferences(request: ApiRequest, plan: ActionPlan): Partial<Preferences> {
  const prefs = request.preferences;
  const applied: Partial<Preferences> = {};
  const mutation = plan.kind === 'mutate' ? plan.mutate : null;
  if (
    mutation?.kind === 'insert' &&
    request.action.kind === 'mutate' &&
    request.action.mutation === 'create'
  ) {
    if (prefs.resolution && (mutation.table.primaryKey.length || request.query.onConflict)) {
      applied.resolution = prefs.resolution;
    }
  }
  if (plan.kind === 'mutate' && prefs.representation) applied.representation = prefs.representation;
  if (prefs.count) applied.count = prefs.count;
  if (prefs.transaction) applied.transaction = prefs.transaction;
  if (
    plan.kind === 'mutate' &&
    request.action.kind === 'mutate' &&
    (request.action.mutation === 'create' || request.action.mutation === 'update') &&
    prefs.missing
  ) {
    applied.missing = prefs.missing;
  }
  if (prefs.handling) applied.handling = prefs.handling;
  if (prefs.timezone) applied.timezone = prefs.timezone;
  const affects =
    plan.kind === 'call' ||
    (request.action.kind === 'mutate' &&
      (request.action.mutation === 'update' || request.action.mutation === 'delete'));
  if (affects && prefs.maxAffected !== undefined) applied.maxAffected = prefs.maxAffected;
  return applied;
}

/** Checks made inside the transaction; a failure rolls it back (MainTx.hs failNotSingular & co). */
export function resultCheck(request: ApiRequest, plan: ActionPlan): (result: MainResult) => void {
  if (isPlan(plan.negotiated)) return () => undefined;
  const singular = isSingular(plan.negotiated);
  const prefs = request.preferences;
  const isPut = request.action.kind === 'mutate' && request.action.mutation === 'upsert';
  const maxAffected =
    prefs.handling === 'strict' &&
    prefs.maxAffected !== undefined &&
    (plan.kind === 'call' ||
      (request.action.kind === 'mutate' &&
        (request.action.mutation === 'update' || request.action.mutation === 'delete')))
      ? prefs.maxAffected
      : undefined;
  return (result) => {
    if (isPut && result.pageTotal !== 1) {
      throw new ApiError(400, 'PGRST115', 'Payload values do not match URL in primary key column(s)');
    }
    if (singular && result.pageTotal !== 1 && !isPut) throw singularityError(result.pageTotal);
    if (maxAffected !== undefined && result.pageTotal > maxAffected) {
      throw new ApiError(
        400,
        'PGRST124',
        'Query result exceeds max-affected preference constraint',
        `The query affects ${result.pageTotal} rows`,
      );
    }
  };
}

function tableTotal(prefs: Preferences, result: MainResult, maxRows: number | null): number | null {
  switch (prefs.count) {
    case 'exact':
      return result.total;
    case 'planned':
      return result.plannedTotal ?? result.total;
    case 'estimated':
      if (result.total !== null && maxRows !== null && result.total > maxRows) {
        return Math.max(result.total, result.plannedTotal ?? 0);
      }
      return result.total;
    default:
      return null;
  }
}

/** A header Node can write (a token name, a value without CR, LF or NUL). */
function sendable(name: string, value: string): boolean {
  try {
    validateHeaderName(name);
    validateHeaderValue(name, value);
    return true;
  } catch {
    return false;
  }
}

/** `response.status` / `response.headers` set by SQL during the request. */
function applyGucOverrides(result: MainResult, status: number, headers: Record<string, string>): number {
  let finalStatus = status;
  if (result.gucStatus !== null) {
    const n = Number(result.gucStatus);
    if (!Number.isInteger(n) || n < 100 || n > 599) {
      throw new ApiError(500, 'PGRST112', 'response.status guc must be a valid status code');
    }
    finalStatus = n;
  }
  if (result.gucHeaders !== null) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(result.gucHeaders);
    } catch {
      parsed = null;
    }
    const valid =
      Array.isArray(parsed) &&
      parsed.every(
        (h) =>
          typeof h === 'object' &&
          h !== null &&
          Object.keys(h).length === 1 &&
          typeof Object.values(h)[0] === 'string' &&
          sendable(...(Object.entries(h)[0] as [string, string])),
      );
    if (!valid) {
      throw new ApiError(
        500,
        'PGRST111',
        'response.headers guc must be a JSON array composed of objects with a single key and a string value',
      );
    }
    for (const h of parsed as Record<string, string>[]) {
      const [k, v] = Object.entries(h)[0] as [string, string];
      headers[k.toLowerCase()] = v;
    }
  }
  return finalStatus;
}

function locationHeader(request: ApiRequest, plan: ActionPlan, result: MainResult): string | null {
  if (plan.kind !== 'mutate' || result.pageTotal !== 1) return null;
  const pk = plan.mutate.table.primaryKey;
  let rows: unknown;
  try {
    rows = JSON.parse(result.body || '[]');
  } catch {
    return null;
  }
  const row = Array.isArray(rows) ? (rows[0] as Record<string, unknown> | undefined) : undefined;
  if (!row || !pk.length) return null;
  const params = pk.map((k) => {
    const v = row[k];
    const value =
      v === null || v === undefined ? 'is.null' : `eq.${typeof v === 'string' ? v : JSON.stringify(v)}`;
    return `${encodeComponent(k)}=${encodeComponent(value)}`;
  });
  return `/${encodeComponent(request.target)}?${params.join('&')}`;
}

export interface RespondOptions {
  maxRows: number | null;
}

/** Response.hs actionResponse. */
export function respond(
  request: ApiRequest,
  plan: ActionPlan,
  result: MainResult,
  options: RespondOptions,
): Reply {
  const headers: Record<string, string> = {};
  if (isPlan(plan.negotiated)) {
    // DbPlanResult: the plan, 200, whatever the request would have answered.
    headers['content-type'] = contentType(plan.negotiated.media);
    if (request.negotiatedByProfile) headers['content-profile'] = request.schema;
    return { status: 200, headers, body: result.body };
  }
  const prefs = request.preferences;
  const applied = preferenceAppliedHeader(appliedPreferences(request, plan));
  const withBody = () => {
    headers['content-type'] = contentType(plan.negotiated.media);
    if (request.negotiatedByProfile) headers['content-profile'] = request.schema;
  };
  let status: number;
  let body: string | null = null;

  if (plan.kind === 'read' || plan.kind === 'call') {
    const total = tableTotal(prefs, result, options.maxRows);
    const range = rangeStatus(request.topLevelRange, result.pageTotal, total);
    status = range.status;
    headers['content-range'] = range.contentRange;
    if (plan.kind === 'read') {
      const canonical = request.query.canonical;
      headers['content-location'] = `/${encodeComponent(request.target)}${canonical ? `?${canonical}` : ''}`;
    }
    if (status === 416) {
      const error = invalidRange(
        `An offset of ${request.topLevelRange.offset} was requested, but there are only ${total ?? 0} rows.`,
      );
      return errorReply(error);
    }
    if (plan.kind === 'call' && plan.call.routine.returnsVoid) {
      status = 204;
    } else {
      withBody();
      const head =
        plan.kind === 'read'
          ? plan.headersOnly
          : request.action.kind === 'call' && request.action.method === 'head';
      if (!head) body = result.body;
    }
  } else {
    const mutation = request.action.kind === 'mutate' ? request.action.mutation : 'create';
    const representation = prefs.representation === 'representation';
    const countTotal = prefs.count ? result.pageTotal : null;
    switch (mutation) {
      case 'create': {
        const location =
          prefs.representation === 'headers-only' ? locationHeader(request, plan, result) : null;
        if (location) headers.location = location;
        headers['content-range'] = contentRange(1, 0, countTotal);
        status =
          prefs.resolution === 'merge-duplicates' && result.inserted !== null && result.inserted <= 0
            ? 200
            : 201;
        break;
      }
      case 'update':
        headers['content-range'] = contentRange(0, result.pageTotal - 1, countTotal);
        status = representation ? 200 : 204;
        break;
      case 'upsert':
        status = representation ? ((result.inserted ?? 0) > 0 ? 201 : 200) : 204;
        break;
      case 'delete':
        headers['content-range'] = contentRange(1, 0, countTotal);
        status = representation ? 200 : 204;
        break;
    }
    if (representation) {
      withBody();
      body = result.body;
    }
  }
  if (applied) headers['preference-applied'] = applied;
  status = applyGucOverrides(result, status, headers);
  return { status, headers, body: status === 204 || status === 304 ? null : body };
}
