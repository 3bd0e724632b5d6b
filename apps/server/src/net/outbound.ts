import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/**
 * The one way apps/server sends HTTP to addresses users choose (push endpoints; later link
 * previews and federation): https only, and never to loopback, private, link-local or other
 * special-purpose addresses. The check runs on the addresses the connection really uses (in the
 * socket's DNS lookup), so a name that resolves differently the second time gains nothing.
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
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 3],
] as const) {
  SPECIAL_PURPOSE.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  // (IPv4-mapped ::ffff:a.b.c.d is checked against the IPv4 ranges by BlockList itself.)
  ['::', 127],
  ['64:ff9b::', 96],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  SPECIAL_PURPOSE.addSubnet(network, prefix, 'ipv6');
}

export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  return !SPECIAL_PURPOSE.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

export class OutboundRefused extends Error {
  override name = 'OutboundRefused';
}

const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
    if (error) return callback(error, '', 4);
    const refused = addresses.find((entry) => !isPublicAddress(entry.address));
    if (refused) {
      return callback(new OutboundRefused(`${hostname} resolves to a non-public address`), '', 4);
    }
    if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
    const first = addresses[0];
    if (!first) return callback(new OutboundRefused(`${hostname} has no address`), '', 4);
    callback(null, first.address, first.family);
  });
};

export interface OutboundRequest {
  url: string;
  method: string;
  headers: Record<string, string | number>;
  body?: Buffer | null;
  timeoutMs: number;
  /** Local servers in tests and development: http and private addresses allowed. */
  allowPrivate: boolean;
}

export interface OutboundResponse {
  status: number;
  body: string;
}

export function sendOutbound(request: OutboundRequest): Promise<OutboundResponse> {
  const url = new URL(request.url);
  if (url.protocol !== 'https:' && !(request.allowPrivate && url.protocol === 'http:')) {
    return Promise.reject(new OutboundRefused(`only https URLs are allowed, not ${url.protocol}`));
  }
  if (
    !request.allowPrivate &&
    isIP(url.hostname.replace(/^\[|\]$/g, '')) &&
    !isPublicAddress(url.hostname.replace(/^\[|\]$/g, ''))
  ) {
    return Promise.reject(new OutboundRefused(`${url.hostname} is not a public address`));
  }
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = transport.request(
      url,
      {
        method: request.method,
        headers: request.headers,
        timeout: request.timeoutMs,
        ...(request.allowPrivate ? {} : { lookup: publicOnlyLookup }),
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          // Only the start of an answer matters (error text for the logs).
          if (size < 16_384) chunks.push(chunk);
          size += chunk.length;
        });
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
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
