import type { IncomingMessage, ServerResponse } from 'node:http';
import type { StackContext } from '../context.js';
import { addCorsHeaders, callerToken, logRequest, nodeRequestHeaders, UNEXPECTED_ERROR } from '../gateway.js';
import type { Reply } from './respond.js';
import type { RestService } from './service.js';

/**
 * GET|HEAD /rest/v1/<table> whose URL @hono/node-server would pass on unchanged: a plain table
 * name, and a query of characters that neither its request-target check nor the WHATWG URL
 * parser rewrites (percent-escapes are kept as sent; `'`, `"`, `#`, `\`, spaces and non-ASCII
 * are not in the set). Anything else takes the hono route, which gives the same answer.
 */
const READ_TARGET = /^\/rest\/v1\/([A-Za-z0-9_$-]+)(?:\?([!$%&()*+,\-./0-9:;=?@A-Z[\]_a-z~]*))?$/;
/** The host names @hono/node-server takes without parsing (others may answer 400). */
const PLAIN_HOST = /^[a-z0-9._-]+(?::(?:[1-5]\d{3,4}|[6-9]\d{3}))?$/;

export type NodeListener = (incoming: IncomingMessage, outgoing: ServerResponse) => boolean;

/**
 * The REST read path straight on Node's request and response, in front of hono: reading a
 * table is what clients do most, and hono's request/response objects and middleware cost about
 * as much stack CPU as the rest of a cached read. It does exactly what the gateway does for
 * such a request — the caller's token from its `apikey`/`Authorization` headers (a key only in
 * the query string takes the hono route), CORS headers, the access log — and writes the
 * service's reply as built: the body is PostgreSQL's JSON text. Returns false when the request
 * is not one it serves.
 */
export function restReadFastPath(ctx: StackContext, service: RestService): NodeListener {
  return (incoming, outgoing) => {
    const method = incoming.method;
    if (method !== 'GET' && method !== 'HEAD') return false;
    const target = READ_TARGET.exec(incoming.url ?? '');
    const headers = incoming.headers;
    if (!target || headers.apikey === undefined || !PLAIN_HOST.test(headers.host ?? '')) return false;
    const started = performance.now();
    const table = target[1] as string;
    const requestHeaders = nodeRequestHeaders(incoming);
    const bearer = callerToken(ctx.keys, requestHeaders.authorization, requestHeaders.apikey);
    const raw = {
      method,
      resource: { kind: 'relation' as const, name: table },
      path: `/${table}`,
      query: target[2] ?? '',
      headers: requestHeaders,
      body: null,
    };
    const send = (reply: Reply) => {
      addCorsHeaders(reply.headers, requestHeaders.origin || '*');
      if (reply.body !== null) reply.headers['content-length'] = String(Buffer.byteLength(reply.body));
      outgoing.writeHead(reply.status, reply.headers);
      outgoing.end(reply.body ?? undefined);
      logRequest(ctx, method, `/rest/v1/${table}`, reply.status, started);
    };
    const unexpected = (error: unknown): Reply => {
      ctx.log.error({ err: error, path: `/rest/v1/${table}` }, 'unhandled error');
      return {
        status: 500,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(UNEXPECTED_ERROR),
      };
    };
    void service
      .handle(raw, bearer)
      .catch(unexpected)
      .then(send)
      .catch((error: unknown) => {
        ctx.log.error({ err: error, path: `/rest/v1/${table}` }, 'rest: response not written');
        outgoing.destroy();
      });
    return true;
  };
}
