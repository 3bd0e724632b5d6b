import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import type { Readable } from 'node:stream';
import zlib from 'node:zlib';

/**
 * The one way apps/server sends HTTP to addresses users choose (push endpoints, link previews;
 * later federation): never to loopback, private, link-local, metadata or other special-purpose
 * addresses. The check runs on the addresses the connection really uses (in the socket's DNS
 * lookup, which hands the connection exactly the addresses it checked), so a name that resolves
 * differently the second time (DNS rebinding) gains nothing, and every redirect hop is a new
 * connection checked again.
 */
const SPECIAL_PURPOSE = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 3],
] as const) {
  SPECIAL_PURPOSE.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  // (IPv4-mapped ::ffff:a.b.c.d is checked against the IPv4 ranges by BlockList itself.)
  ['::', 127],
  ['64:ff9b::', 96],
  ['64:ff9b:1::', 48],
  ['100::', 64],
  // IETF protocol assignments (Teredo among them) and 6to4, which embed IPv4 addresses.
  ['2001::', 23],
  ['2001:db8::', 32],
  ['2002::', 16],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const) {
  SPECIAL_PURPOSE.addSubnet(network, prefix, 'ipv6');
}

export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  return !SPECIAL_PURPOSE.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** The guard said no: a non-public address, a scheme other than http(s). Never retried. */
export class OutboundRefused extends Error {
  override name = 'OutboundRefused';
}

/** The exchange failed or broke a limit (status, size, type, time, redirects). */
export class OutboundFailed extends Error {
  override name = 'OutboundFailed';
}

export type Resolver = (hostname: string) => Promise<LookupAddress[]>;

/** Which addresses a request may connect to. */
export interface AddressPolicy {
  /** Local servers in tests and development: http and every address allowed. */
  allowPrivate: boolean;
  /**
   * Non-public "address:port" pairs ("127.0.0.1:8080", "[::1]:8080") reachable anyway: a local
   * test site (OUTBOUND_ALLOWED_HOSTS). Empty unless configured.
   */
  allowedHosts?: ReadonlySet<string>;
  /** How names become addresses; the system resolver unless a test injects one. */
  resolve?: Resolver;
}

const systemResolve: Resolver = (hostname) =>
  new Promise((resolve, reject) =>
    dnsLookup(hostname, { all: true }, (error, addresses) => (error ? reject(error) : resolve(addresses))),
  );

/** "127.0.0.1:8080,[::1]:9000" → the set AddressPolicy.allowedHosts wants. */
export function parseAllowedHosts(value: string | undefined): Set<string> {
  return new Set(
    (value ?? '')
      .split(',')
      .map((entry) => entry.trim().toLowerCase())
      .filter(Boolean),
  );
}

function mayConnect(policy: AddressPolicy, address: string, port: number): boolean {
  if (policy.allowPrivate || isPublicAddress(address)) return true;
  const host = isIP(address) === 6 ? `[${address}]` : address;
  return policy.allowedHosts?.has(`${host}:${port}`.toLowerCase()) ?? false;
}

function portOf(url: URL): number {
  return url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
}

/** The socket's DNS lookup: every address checked, and only checked addresses handed on. */
function guardedLookup(policy: AddressPolicy, port: number): LookupFunction {
  const resolve = policy.resolve ?? systemResolve;
  return (hostname, options, callback) => {
    resolve(hostname).then(
      (all) => {
        const addresses = options.family ? all.filter((entry) => entry.family === options.family) : all;
        if (addresses.some((entry) => !mayConnect(policy, entry.address, port))) {
          return callback(new OutboundRefused(`${hostname} resolves to a non-public address`), '', 4);
        }
        const first = addresses[0];
        if (!first) return callback(new OutboundRefused(`${hostname} has no address`), '', 4);
        if (options.all)
          return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
        callback(null, first.address, first.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, '', 4),
    );
  };
}

/** Refuses what the guard never connects to; an IP literal skips the lookup, so it is checked here. */
function checkTarget(url: URL, policy: AddressPolicy, protocols: readonly string[]): void {
  if (!protocols.includes(url.protocol)) {
    throw new OutboundRefused(`only ${protocols.join(' and ')} URLs are allowed, not ${url.protocol}`);
  }
  if (url.username || url.password) throw new OutboundRefused('URLs with credentials are not fetched');
  const literal = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(literal) && !mayConnect(policy, literal, portOf(url))) {
    throw new OutboundRefused(`${url.hostname} is not a public address`);
  }
}

export interface OutboundRequest {
  url: string;
  method: string;
  headers: Record<string, string | number>;
  body?: Buffer | null;
  timeoutMs: number;
  /** Local servers in tests and development: http and private addresses allowed. */
  allowPrivate: boolean;
  /** Refuse answers larger than this (federation reads whole documents); unset: keep the first 16 KB. */
  maxResponseBytes?: number;
}

export interface OutboundResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One request to an https endpoint (push services); the start of the answer for the logs. */
export function sendOutbound(request: OutboundRequest): Promise<OutboundResponse> {
  const url = new URL(request.url);
  const policy: AddressPolicy = { allowPrivate: request.allowPrivate };
  try {
    checkTarget(url, policy, request.allowPrivate ? ['https:', 'http:'] : ['https:']);
  } catch (error) {
    return Promise.reject(error);
  }
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = transport.request(
      url,
      {
        method: request.method,
        headers: request.headers,
        timeout: request.timeoutMs,
        lookup: guardedLookup(policy, portOf(url)),
      },
      (res) => {
        const chunks: Buffer[] = [];
        const limit = request.maxResponseBytes;
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (limit !== undefined && size > limit) {
            req.destroy(new OutboundFailed(`the answer from ${url.host} is over the ${limit}-byte limit`));
            return;
          }
          // Without a limit only the start of an answer matters (error text for the logs).
          if (limit !== undefined || size - chunk.length < 16_384) chunks.push(chunk);
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () =>
      req.destroy(new Error(`no answer from ${url.host} within ${request.timeoutMs} ms`)),
    );
    req.on('error', reject);
    req.end(request.body ?? undefined);
  });
}

export interface FetchRequest {
  url: string;
  policy: AddressPolicy;
  /** Says who is asking (sites allow or block previews by it). */
  userAgent: string;
  accept: string;
  /** Media types taken (lower case); any other is refused before its body is read. */
  contentTypes: readonly string[];
  /** Bytes of the decoded body (after gzip, deflate or brotli). */
  maxBytes: number;
  /** 'truncate' keeps the first maxBytes (a page's head is what previews read); 'refuse' fails. */
  overflow: 'truncate' | 'refuse';
  /** The whole exchange, redirects and body included. */
  timeoutMs: number;
  maxRedirects: number;
}

export interface FetchedResource {
  /** Where the last redirect led. */
  url: string;
  contentType: string;
  /** The Content-Type header's charset, lower case, when it names one. */
  charset: string | null;
  body: Buffer;
  truncated: boolean;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * GET of a public http(s) resource for link previews: redirects followed by hand (each hop's
 * target checked again), no cookies sent or kept, the body decoded and capped. Nothing but the
 * user agent, Accept and Accept-Encoding goes out.
 */
export async function fetchOutbound(request: FetchRequest): Promise<FetchedResource> {
  const deadline = AbortSignal.timeout(request.timeoutMs);
  let url = new URL(request.url);
  for (let hop = 0; ; hop += 1) {
    const response = await openOnce(url, request, deadline);
    const status = response.statusCode ?? 0;
    const location = response.headers.location;
    if (REDIRECTS.has(status) && location) {
      response.destroy();
      if (hop >= request.maxRedirects)
        throw new OutboundFailed(`more than ${request.maxRedirects} redirects`);
      url = new URL(location, url);
      continue;
    }
    if (status < 200 || status > 299) {
      response.destroy();
      throw new OutboundFailed(`${url.host} answered HTTP ${status}`);
    }
    return readBody(url, response, request, deadline);
  }
}

function openOnce(url: URL, request: FetchRequest, deadline: AbortSignal): Promise<http.IncomingMessage> {
  checkTarget(url, request.policy, ['https:', 'http:']);
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = transport.request(url, {
      method: 'GET',
      headers: {
        'user-agent': request.userAgent,
        accept: request.accept,
        'accept-encoding': 'gzip, deflate, br',
      },
      // A fresh connection each time: no pooled socket outlives the check that opened it.
      agent: false,
      lookup: guardedLookup(request.policy, portOf(url)),
      signal: deadline,
    });
    req.on('response', resolve);
    req.on('error', (error) => reject(deadline.aborted ? timedOut(request) : error));
    req.end();
  });
}

function timedOut(request: FetchRequest): OutboundFailed {
  return new OutboundFailed(`no complete answer within ${request.timeoutMs} ms`);
}

function decoderFor(encoding: string | undefined): zlib.Gunzip | zlib.Inflate | zlib.BrotliDecompress | null {
  switch ((encoding ?? 'identity').trim().toLowerCase()) {
    case 'identity':
    case '':
      return null;
    case 'gzip':
    case 'x-gzip':
      return zlib.createGunzip();
    case 'deflate':
      return zlib.createInflate();
    case 'br':
      return zlib.createBrotliDecompress();
    default:
      throw new OutboundFailed(`unsupported content encoding ${encoding}`);
  }
}

async function readBody(
  url: URL,
  response: http.IncomingMessage,
  request: FetchRequest,
  deadline: AbortSignal,
): Promise<FetchedResource> {
  const [type = '', ...parameters] = (response.headers['content-type'] ?? '').toLowerCase().split(';');
  const contentType = type.trim();
  const charset =
    parameters.map((p) => /^\s*charset\s*=\s*"?([\w.:-]+)"?\s*$/.exec(p)?.[1]).find(Boolean) ?? null;
  const declared = Number(response.headers['content-length'] ?? Number.NaN);
  let decoder: ReturnType<typeof decoderFor>;
  try {
    if (!request.contentTypes.includes(contentType)) {
      throw new OutboundFailed(
        `${contentType || 'no content type'} is not one of ${request.contentTypes.join(', ')}`,
      );
    }
    if (request.overflow === 'refuse' && declared > request.maxBytes) {
      throw new OutboundFailed(`${declared} bytes is over the ${request.maxBytes}-byte limit`);
    }
    decoder = decoderFor(response.headers['content-encoding']);
  } catch (error) {
    response.destroy();
    throw error;
  }
  const body: Readable = decoder ? response.pipe(decoder) : response;
  if (decoder) response.on('error', (error) => decoder.destroy(error));
  const stop = () => body.destroy(timedOut(request));
  deadline.addEventListener('abort', stop, { once: true });
  const chunks: Buffer[] = [];
  let size = 0;
  let truncated = false;
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      if (size + chunk.length > request.maxBytes) {
        if (request.overflow === 'refuse') {
          throw new OutboundFailed(`the body is over the ${request.maxBytes}-byte limit`);
        }
        chunks.push(chunk.subarray(0, request.maxBytes - size));
        size = request.maxBytes;
        truncated = true;
        break;
      }
      chunks.push(chunk);
      size += chunk.length;
    }
  } catch (error) {
    throw deadline.aborted ? timedOut(request) : error;
  } finally {
    deadline.removeEventListener('abort', stop);
    response.destroy();
    decoder?.destroy();
  }
  return { url: url.toString(), contentType, charset, body: Buffer.concat(chunks, size), truncated };
}
