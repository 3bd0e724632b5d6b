import { sendOutbound } from '../net/outbound.js';

/** A fetch() whose every request goes through the private-address guard (net/outbound.ts). */
export type GuardedFetch = (input: Request | URL | string, init?: RequestInit) => Promise<Response>;

export interface GuardedFetchOptions {
  /** Two local instances in tests/dev: http and private addresses allowed. */
  allowPrivate: boolean;
  timeoutMs: number;
  /** Larger answers are refused (an actor document or a WebFinger answer is a few KB). */
  maxResponseBytes: number;
}

const MAX_REDIRECTS = 3;
const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

export function createGuardedFetch(options: GuardedFetchOptions): GuardedFetch {
  return async (input, init) => {
    const request = new Request(input, init);
    const headers: Record<string, string> = {};
    request.headers.forEach((value, name) => {
      headers[name] = value;
    });
    const body =
      request.method === 'GET' || request.method === 'HEAD' ? null : Buffer.from(await request.arrayBuffer());
    let url = request.url;
    // Redirects are followed for reads only, each hop through the guard again.
    for (let hop = 0; ; hop += 1) {
      const answer = await sendOutbound({
        url,
        method: request.method,
        headers,
        body,
        timeoutMs: options.timeoutMs,
        allowPrivate: options.allowPrivate,
        maxResponseBytes: options.maxResponseBytes,
      });
      const location = answer.headers.location;
      if (answer.status >= 300 && answer.status < 400 && location && body === null && hop < MAX_REDIRECTS) {
        url = new URL(location, url).href;
        continue;
      }
      const responseHeaders = new Headers();
      for (const [name, value] of Object.entries(answer.headers)) {
        if (value === undefined) continue;
        for (const one of Array.isArray(value) ? value : [value]) responseHeaders.append(name, one);
      }
      const response = new Response(NULL_BODY_STATUSES.has(answer.status) ? null : answer.body, {
        status: answer.status,
        headers: responseHeaders,
      });
      // Fedify reads response.url as the document's URL (after redirects).
      Object.defineProperty(response, 'url', { value: url });
      return response;
    }
  };
}
