import type { LookupAddress } from 'node:dns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AddressPolicy,
  type FetchRequest,
  fetchOutbound,
  OutboundFailed,
  OutboundRefused,
  type Resolver,
} from '../src/net/outbound.js';
import { USER_AGENT } from '../src/previews/fetcher.js';
import { gzipBomb, PreviewSite } from './preview-site.js';

// The attacker's side of link previews: URLs a message may carry, and what the fetcher does
// with them. `site` stands in for the public web (allowed by the test allowlist, as
// OUTBOUND_ALLOWED_HOSTS does); `internal` is something on the service's own network, on
// 127.0.0.2 at the same port, that must never be reached.
let site: PreviewSite;
let internal: PreviewSite;

beforeAll(async () => {
  site = await PreviewSite.start('127.0.0.1');
  internal = await PreviewSite.start('127.0.0.2', site.port);
});
afterAll(async () => {
  await site?.stop();
  await internal?.stop();
});

/** A resolver with fixed answers per name (and a list per name for answers that change). */
function resolver(answers: Record<string, string[] | string[][]>): Resolver & { calls: string[] } {
  const calls: string[] = [];
  const resolve = async (hostname: string): Promise<LookupAddress[]> => {
    calls.push(hostname);
    const answer = answers[hostname];
    if (!answer) throw Object.assign(new Error(`ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    const sequence = Array.isArray(answer[0]) ? (answer as string[][]) : [answer as string[]];
    const seen = calls.filter((name) => name === hostname).length;
    const addresses = sequence[Math.min(seen, sequence.length) - 1] ?? [];
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return Object.assign(resolve, { calls });
}

function request(url: string, policy: Partial<AddressPolicy> = {}, limits: Partial<FetchRequest> = {}) {
  return fetchOutbound({
    url,
    policy: { allowPrivate: false, allowedHosts: new Set([site.hostPort]), ...policy },
    userAgent: USER_AGENT,
    accept: 'text/html',
    contentTypes: ['text/html'],
    maxBytes: 256 * 1024,
    overflow: 'truncate',
    timeoutMs: 3_000,
    maxRedirects: 5,
    ...limits,
  });
}

async function refusal(attempt: Promise<unknown>): Promise<Error> {
  try {
    await attempt;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the fetch to be refused');
}

describe('link preview fetches never reach private addresses', () => {
  it('refuses URLs that are or resolve to loopback, private, link-local, metadata or IPv6 local addresses', async () => {
    const names = resolver({
      'metadata.test': ['169.254.169.254'],
      'ten.test': ['10.1.2.3'],
      'loop6.test': ['::1'],
      'mapped.test': ['::ffff:127.0.0.2'],
      // One public answer does not excuse a private one beside it.
      'mixed.test': ['93.184.216.34', '127.0.0.2'],
      'ula.test': ['fd00:ec2::254'],
    });
    const port = internal.port;
    for (const url of [
      `http://127.0.0.2:${port}/article`,
      `http://127.0.0.1:${port + 1}/article`,
      'http://10.0.0.1/article',
      'http://169.254.169.254/latest/meta-data/',
      `http://[::1]:${port}/article`,
      `http://[::ffff:127.0.0.2]:${port}/article`,
      `http://localhost:${port + 1}/article`,
      `http://metadata.test:${port}/latest/meta-data/`,
      `http://ten.test:${port}/`,
      `http://loop6.test:${port}/`,
      `http://mapped.test:${port}/`,
      `http://mixed.test:${port}/`,
      `http://ula.test:${port}/`,
    ]) {
      const policy = url.includes('.test') ? { resolve: names } : {};
      expect(await refusal(request(url, policy)), url).toBeInstanceOf(OutboundRefused);
    }
    for (const url of [
      'file:///etc/passwd',
      `ftp://127.0.0.1:${site.port}/`,
      `http://user:pw@${site.hostPort}/`,
    ]) {
      expect(await refusal(request(url)), url).toBeInstanceOf(OutboundRefused);
    }
    expect(internal.requests).toEqual([]);
  });

  it('checks every redirect hop again: redirects to private addresses are refused', async () => {
    const names = resolver({ 'inside.test': ['127.0.0.2'], localhost: ['127.0.0.1', '::1'] });
    const port = internal.port;
    for (const target of [
      `http://127.0.0.2:${port}/article`,
      `http://[::1]:${port}/article`,
      'http://169.254.169.254/latest/meta-data/',
      'http://10.0.0.1/',
      `http://inside.test:${port}/article`,
      `http://localhost:${port + 1}/article`,
    ]) {
      const url = `${site.origin}/redirect?to=${encodeURIComponent(target)}`;
      expect(await refusal(request(url, { resolve: names })), target).toBeInstanceOf(OutboundRefused);
    }
    expect(internal.requests).toEqual([]);
  });

  it('DNS rebinding gains nothing: the connection uses the answer that was checked, each hop is checked anew', async () => {
    // First answer "public" (the allowed site), every later one private.
    const rebinding = resolver({ 'rebind.test': [['127.0.0.1'], ['127.0.0.2']] });
    const page = await request(`http://rebind.test:${site.port}/article`, { resolve: rebinding });
    expect(page.body.toString()).toContain('Harmony ships link previews');
    // Resolved once: nothing looked the name up again between the check and the connection.
    expect(rebinding.calls).toEqual(['rebind.test']);

    const again = resolver({ 'rebind.test': [['127.0.0.1'], ['127.0.0.2']] });
    const url = `http://rebind.test:${site.port}/redirect?to=${encodeURIComponent('/article')}`;
    expect(await refusal(request(url, { resolve: again }))).toBeInstanceOf(OutboundRefused);
    expect(again.calls).toEqual(['rebind.test', 'rebind.test']);
    expect(internal.requests).toEqual([]);
  });

  it('is off by default: without the allowlist the test site itself is private', async () => {
    const error = await refusal(request(`${site.origin}/article`, { allowedHosts: new Set() }));
    expect(error).toBeInstanceOf(OutboundRefused);
  });
});

describe('link preview fetches are capped', () => {
  it('a gzip bomb is decoded only up to the cap (or refused where the whole body is needed)', async () => {
    gzipBomb(); // made before the clock starts
    const started = Date.now();
    const page = await request(`${site.origin}/bomb`);
    expect(page.truncated).toBe(true);
    expect(page.body.length).toBe(256 * 1024);
    const image = await refusal(
      request(`${site.origin}/image-bomb`, {}, { contentTypes: ['image/png'], overflow: 'refuse' }),
    );
    expect(image).toBeInstanceOf(OutboundFailed);
    // 64 MB were never inflated.
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('an endless stream is cut at the size cap, a slow one at the time cap', async () => {
    const endless = await request(`${site.origin}/endless`);
    expect(endless.truncated).toBe(true);
    expect(endless.body.length).toBe(256 * 1024);
    const started = Date.now();
    const slow = await refusal(request(`${site.origin}/slow`, {}, { timeoutMs: 800 }));
    expect(slow).toBeInstanceOf(OutboundFailed);
    expect(slow.message).toMatch(/within 800 ms/);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('refuses content types it was not asked for, before reading them', async () => {
    const error = await refusal(request(`${site.origin}/data.json`));
    expect(error).toBeInstanceOf(OutboundFailed);
    expect(error.message).toMatch(/application\/json is not one of text\/html/);
  });

  it('stops after too many redirects', async () => {
    const before = site.requests.length;
    const error = await refusal(request(`${site.origin}/loop`));
    expect(error).toBeInstanceOf(OutboundFailed);
    expect(error.message).toMatch(/more than 5 redirects/);
    expect(site.requests.length - before).toBe(6);
  });

  it('sends no cookies (not even those a redirect set) and says who it is', async () => {
    await request(`${site.origin}/cookie`);
    const [, followed] = site.requests.slice(-2);
    expect(followed?.path).toBe('/article');
    expect(followed?.headers.cookie).toBeUndefined();
    expect(followed?.headers['user-agent']).toBe(USER_AGENT);
  });
});
