import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from './harness.js';

let t: TestStack;
beforeAll(async () => {
  t = await startTestStack();
});
afterAll(() => t.stop());

describe('gateway', () => {
  it('answers health checks without a key', async () => {
    const res = await fetch(`${t.url}/health`);
    expect(res.status).toBe(200);
  });

  it('answers CORS preflights with the headers supabase-js needs', async () => {
    const res = await fetch(`${t.url}/rest/v1/profiles`, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://localhost:5173',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'apikey, authorization, prefer, range, x-client-info',
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    const allowed = res.headers.get('access-control-allow-headers') ?? '';
    for (const header of ['apikey', 'authorization', 'prefer', 'range', 'x-client-info']) {
      expect(allowed).toContain(header);
    }
  });

  it('exposes the pagination headers to browsers', async () => {
    const res = await fetch(`${t.url}/health`, { headers: { origin: 'http://localhost:5173' } });
    expect(res.headers.get('access-control-expose-headers')).toContain('content-range');
  });

  it('answers unknown routes with a JSON 404', async () => {
    const res = await fetch(`${t.url}/nope`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ message: 'no Route matched with those values' });
  });
});

describe('API keys', () => {
  it('are the same for the same secret, so clients survive a restart', async () => {
    const { mintApiKeys } = await import('../src/jwt.js');
    const first = await mintApiKeys('the-same-secret-of-at-least-32-characters');
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await mintApiKeys('the-same-secret-of-at-least-32-characters')).toEqual(first);
  });
});
