import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from './harness.js';

/**
 * Table reads whose key comes in the `apikey` header are answered in front of hono
 * (rest/fast-path.ts); with the key in the query string the same request takes hono's route.
 * Both must answer byte for byte alike: status, headers, body.
 */
let t: TestStack;
beforeAll(async () => {
  t = await startTestStack();
});
afterAll(() => t.stop());

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

async function both(
  method: string,
  pathAndQuery: string,
  key: string,
  headers: Record<string, string> = {},
): Promise<[Answer, Answer]> {
  const read = async (url: string, extra: Record<string, string>): Promise<Answer> => {
    const res = await fetch(url, { method, headers: { ...headers, ...extra } });
    const answered: Record<string, string> = {};
    res.headers.forEach((value, name) => {
      if (name !== 'date' && name !== 'keep-alive' && name !== 'connection') answered[name] = value;
    });
    return { status: res.status, headers: answered, body: await res.text() };
  };
  const joiner = pathAndQuery.includes('?') ? '&' : '?';
  return Promise.all([
    read(`${t.url}${pathAndQuery}`, { apikey: key }),
    read(`${t.url}${pathAndQuery}${joiner}apikey=${encodeURIComponent(key)}`, {}),
  ]);
}

describe('REST reads in front of hono', () => {
  it('answer reads, heads, errors, ranges and CORS exactly as the hono route does', async () => {
    const service = t.stack.keys.serviceRole;
    const cases: [string, string, string, Record<string, string>][] = [
      ['GET', '/rest/v1/profiles?select=id,username&order=created_at.desc&limit=2', service, {}],
      ['HEAD', '/rest/v1/profiles?select=id&limit=2', service, {}],
      ['GET', '/rest/v1/profiles?select=id', service, { prefer: 'count=exact', range: '0-0' }],
      ['GET', '/rest/v1/profiles?select=id', service, { origin: 'http://localhost:5173' }],
      ['GET', '/rest/v1/profiles?select=id', service, { accept: 'text/csv' }],
      ['GET', '/rest/v1/profiles?select=id', service, { accept: 'application/vnd.pgrst.object+json' }],
      ['GET', '/rest/v1/nope?select=*', service, {}],
      ['GET', '/rest/v1/profiles?id=eq.1', service, {}],
      ['GET', '/rest/v1/profiles?select=id', t.stack.keys.publishable, {}],
      ['GET', '/rest/v1/profiles?select=id', t.stack.keys.anon, { authorization: 'Bearer not-a-jwt' }],
      ['GET', '/rest/v1/profiles?select=id', 'not-a-key', {}],
    ];
    for (const [method, path, key, headers] of cases) {
      const [fast, hono] = await both(method, path, key, headers);
      expect(fast, `${method} ${path} ${JSON.stringify(headers)}`).toEqual(hono);
    }
  });

  it('answer headers and statuses a read sets through response.headers/response.status alike, valid or not', async () => {
    await t.db.query(`
      create function public.fp_respond(status text, headers text) returns int language sql volatile as $$
        select 1 from (select set_config('response.status', status, true), set_config('response.headers', headers, true)) s $$;
      create view public.fp_ok as select public.fp_respond('202', '[{"X-Read":"yes"}]') as x;
      create view public.fp_bad_value as select public.fp_respond('200', '[{"X-Bad":"a\\nb"}]') as x;
      create view public.fp_bad_status as select public.fp_respond('999', '[]') as x;
      grant select on public.fp_ok, public.fp_bad_value, public.fp_bad_status to service_role;
      notify pgrst, 'reload schema';`);
    const key = t.stack.keys.serviceRole;
    await expect
      .poll(async () => (await fetch(`${t.url}/rest/v1/fp_ok`, { headers: { apikey: key } })).status, {
        timeout: 10_000,
      })
      .toBe(202);
    const answers = [];
    for (const view of ['fp_ok', 'fp_bad_value', 'fp_bad_status']) {
      const [fast, hono] = await both('GET', `/rest/v1/${view}?select=x`, key);
      expect(fast, view).toEqual(hono);
      answers.push(fast);
    }
    const [ok, badValue, badStatus] = answers;
    expect(ok?.headers['x-read']).toBe('yes');
    // A value Node cannot send (a line break) is refused as PostgREST refuses a malformed one.
    expect(badValue?.status).toBe(500);
    expect(JSON.parse(badValue?.body ?? '{}').code).toBe('PGRST111');
    expect(JSON.parse(badStatus?.body ?? '{}').code).toBe('PGRST112');
  });

  it('leaves percent-encoded table names to the hono route, which decodes them', async () => {
    const res = await fetch(`${t.url}/rest/v1/%70rofiles?select=id&limit=1`, {
      headers: { apikey: t.stack.keys.serviceRole },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-location')).toBe('/profiles?limit=1&select=id');
  });
});
