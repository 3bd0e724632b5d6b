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
    default:
      return null;
  }
}

/**
 * Negotiate.hs: the first acceptable media type decides how the body is built. Writes only
 * build a body for return=representation; HEAD never does.
 */
export function negotiate(request: ApiRequest): Negotiated {
  let picked: Negotiated | null = null;
  for (const mt of request.accept) {
    picked = handlerFor(mt);
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
