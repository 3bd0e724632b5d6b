import { ApiError } from '../errors.js';
import { mediaTypeToMime } from '../parse/headers.js';
import type { ApiRequest, MediaType } from '../parse/types.js';
import type { BodyHandler, Negotiated } from './types.js';

function handlerFor(mt: MediaType): Negotiated | null {
  switch (mt.kind) {
    case 'json':
    case 'any':
      return { handler: 'json', media: { kind: 'json' } };
    case 'object':
      return { handler: mt.stripNulls ? 'single-strip' : 'single', media: mt };
    case 'array-strip':
      return { handler: 'json-strip', media: mt };
    case 'csv':
      return { handler: 'csv', media: mt };
    // Built with PostGIS's ST_AsGeoJSON, as PostgREST does; without PostGIS the database says so.
    case 'geojson':
      return { handler: 'geojson', media: mt };
    case 'plan': {
      // The plan of the query that would build the `for` media type.
      const inner = mt.for.kind === 'plan' ? null : handlerFor(mt.for);
      return inner && { handler: inner.handler, media: mt };
    }
    default:
      return null;
  }
}

/**
 * Negotiate.hs: the first acceptable media type decides how the body is built. Writes only
 * build a body for return=representation; HEAD never does.
 */
export function negotiate(request: ApiRequest, planEnabled: boolean): Negotiated {
  let picked: Negotiated | null = null;
  for (const mt of request.accept) {
    // Without db-plan-enabled the plan media types are simply not produced (406).
    picked = mt.kind === 'plan' && !planEnabled ? null : handlerFor(mt);
    if (picked) break;
  }
  if (!picked) {
    throw new ApiError(
      406,
      'PGRST107',
      `None of these media types are available: ${request.accept.map(mediaTypeToMime).join(', ')}`,
    );
  }
  const action = request.action;
  let handler: BodyHandler = picked.handler;
  if (action.kind === 'mutate' && request.preferences.representation !== 'representation') handler = 'none';
  if (
    (action.kind === 'read' && action.headersOnly) ||
    (action.kind === 'call' && action.method === 'head')
  ) {
    handler = 'none';
  }
  return { handler, media: picked.media };
}

export function isSingular(n: Negotiated): boolean {
  return n.media.kind === 'object';
}

export const isPlan = (n: Negotiated) => n.media.kind === 'plan';
