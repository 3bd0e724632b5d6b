import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signJwt } from '../src/jwt.js';
import { startTestStack, TEST_JWT_SECRET, type TestStack } from './harness.js';
import { body, createRestUser, installFixtures, type RestUser, rest, userToken } from './rest-fixtures.js';

let t: TestStack;
let alice: RestUser;
let bob: RestUser;
beforeAll(async () => {
  t = await startTestStack();
  await installFixtures(t);
  await t.db.query(`
    create table public.rt_pwned (what text);
    revoke all on public.rt_pwned from anon, authenticated, service_role;
    grant select on public.rt_pwned to anon, authenticated, service_role;`);
  alice = await createRestUser(t, 'alice');
  bob = await createRestUser(t, 'bob');
});
afterAll(() => t.stop());

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

describe('JWT', () => {
  it('answers 401 PGRST303 for an expired token', async () => {
    const token = await userToken(alice.userId, { exp: Math.floor(Date.now() / 1000) - 60 });
    const res = await rest(t, '/rt_tags', { token });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe(
      'Bearer error="invalid_token", error_description="JWT expired"',
    );
    expect(await body(res)).toEqual({ code: 'PGRST303', details: null, hint: null, message: 'JWT expired' });
  });

  it('answers 401 PGRST301 for forged, unsigned, wrongly signed and malformed tokens', async () => {
    const wrongSecret = await signJwt(
      { sub: alice.userId, role: 'service_role' },
      'another-secret-that-is-long-enough-123',
    );
    const res = await rest(t, '/rt_tags', { token: wrongSecret });
    expect(res.status).toBe(401);
    expect(await body(res)).toMatchObject({
      code: 'PGRST301',
      message: 'JWT cryptographic operation failed',
    });

    const payload = b64({ role: 'service_role', exp: Math.floor(Date.now() / 1000) + 60 });
    const unsigned = `${b64({ alg: 'none', typ: 'JWT' })}.${payload}.`;
    const none = await rest(t, '/rt_tags', { token: unsigned });
    expect(none.status).toBe(401);
    expect((await body(none)).code).toBe('PGRST301');

    const header = b64({ alg: 'HS256', typ: 'JWT' });
    const tampered = (await userToken(alice.userId)).split('.');
    tampered[1] = payload;
    const forged = await rest(t, '/rt_tags', { token: tampered.join('.') });
    expect(forged.status).toBe(401);

    const hs512 = `${b64({ alg: 'HS512', typ: 'JWT' })}.${payload}`;
    const sig = createHmac('sha512', TEST_JWT_SECRET).update(hs512).digest('base64url');
    const wrongAlg = await rest(t, '/rt_tags', { token: `${hs512}.${sig}` });
    expect(wrongAlg.status).toBe(401);
    expect((await body(wrongAlg)).message).toBe('Wrong or unsupported encoding algorithm');

    const garbage = await rest(t, '/rt_tags', { token: 'not-a-jwt' });
    expect(garbage.status).toBe(401);
    expect((await body(garbage)).message).toBe('Expected 3 parts in JWT; got 1');
    void header;
  });

  it('runs tokens without a role as anon, and refuses roles the authenticator cannot become', async () => {
    const noRole = await signJwt(
      { sub: alice.userId, exp: Math.floor(Date.now() / 1000) + 60 },
      TEST_JWT_SECRET,
    );
    const anon = await rest(t, '/rpc/rt_whoami', { token: noRole });
    expect((await body(anon)).role).toBe('anon');

    const ghost = await signJwt(
      { role: 'nobody_at_all', exp: Math.floor(Date.now() / 1000) + 60 },
      TEST_JWT_SECRET,
    );
    const missing = await rest(t, '/rt_tags', { token: ghost });
    expect(missing.status).toBe(401);
    expect((await body(missing)).code).toBe('22023');

    const admin = await signJwt(
      { role: 'postgres', exp: Math.floor(Date.now() / 1000) + 60 },
      TEST_JWT_SECRET,
    );
    const denied = await rest(t, '/rt_tags', { token: admin });
    expect(denied.status).toBe(403);
    expect((await body(denied)).code).toBe('42501');
  });
});

describe('row level security', () => {
  it('answers 401 to anon and 403 to signed-in users for missing privileges', async () => {
    const anon = await t.anon().from('rt_notes').select();
    expect(anon.status).toBe(401);
    expect(anon.error?.code).toBe('42501');
    expect(anon.error?.message).toBe('permission denied for table rt_notes');
    const { error, status } = await alice.client.from('rt_pwned').insert({ what: 'x' });
    expect(status).toBe(403);
    expect(error?.code).toBe('42501');
  });

  it('shows each user only their rows and blocks writes that violate policies', async () => {
    const mine = await alice.client
      .from('rt_notes')
      .insert({ body: 'alice note' })
      .select('body, owner')
      .single();
    expect(mine.error).toBeNull();
    expect(mine.data).toEqual({ body: 'alice note', owner: alice.userId });

    expect((await bob.client.from('rt_notes').select()).data).toEqual([]);
    const hijack = await bob.client
      .from('rt_notes')
      .update({ body: 'bob was here' })
      .eq('body', 'alice note')
      .select();
    expect(hijack.data).toEqual([]);
    const forged = await bob.client.from('rt_notes').insert({ body: 'as alice', owner: alice.userId });
    expect(forged.status).toBe(403);
    expect(forged.error?.message).toBe('new row violates row-level security policy for table "rt_notes"');
    expect((await alice.client.from('rt_notes').select('body')).data).toEqual([{ body: 'alice note' }]);
  });

  it("enforces Harmony's own policies: messages are visible to members only", async () => {
    const server = await alice.client.rpc('create_server', { p_name: 'REST club' });
    expect(server.error).toBeNull();
    const { data: channel } = await alice.client
      .from('channels')
      .select('id')
      .eq('server_id', server.data as string)
      .eq('type', 'text')
      .single();
    const sent = await alice.client
      .from('messages')
      .insert({ channel_id: channel?.id, content: 'hello members' })
      .select('content, seq, author:profiles!author_id(username)')
      .single();
    expect(sent.error).toBeNull();
    expect(sent.data).toEqual({ content: 'hello members', seq: 1, author: { username: 'alice' } });

    const outsider = await bob.client.from('messages').select('id').eq('channel_id', channel?.id);
    expect(outsider.data).toEqual([]);
    const intruder = await bob.client
      .from('messages')
      .insert({ channel_id: channel?.id, content: 'let me in' });
    expect(intruder.status).toBe(403);
    const anon = await t.anon().from('messages').select('id');
    expect(anon.status).toBe(401);
  });
});

describe('SQL injection', () => {
  const payloads = [
    `'; insert into public.rt_pwned values ('1'); --`,
    `"; insert into public.rt_pwned values ('2'); --`,
    `x") ; insert into public.rt_pwned values ('3'); --`,
    `1) or true; insert into public.rt_pwned values ('4'); --`,
    `$1; insert into public.rt_pwned values ('5')`,
    `\\'); insert into public.rt_pwned values ('6'); --`,
  ];
  const token = () => t.stack.keys.serviceRole;
  const q = encodeURIComponent;

  it('never executes text from any parameter position', async () => {
    const statuses: number[] = [];
    for (const p of payloads) {
      const requests: [string, RequestInit?][] = [
        [`/rt_tags?label=eq.${q(p)}`],
        [`/rt_tags?label=in.(${q(p)})`],
        [`/rt_tags?or=(label.eq.${q(p)},id.eq.1)`],
        [`/rt_tags?${q(p)}=eq.1`],
        [`/rt_tags?select=${q(p)}`],
        [`/rt_tags?select=${q(`alias${p}:id`)}`],
        [`/rt_tags?select=id::${q(p)}`],
        [`/rt_authors?select=meta->>${q(p)}`],
        [`/rt_authors?meta->>${q(p)}=eq.1`],
        [`/rt_tags?order=${q(p)}`],
        [`/rt_tags?order=id.${q(p)}`],
        [`/rt_tags?limit=${q(p)}&offset=${q(p)}`],
        [`/rt_authors?search=fts(${q(p)}).x`],
        [`/rt_authors?search=wfts.${q(p)}`],
        [`/${q(p)}`],
        [`/rpc/${q(p)}`],
        [`/rpc/rt_add?a=${q(p)}&b=1`],
        [`/rt_tags`, { headers: { 'Accept-Profile': p } }],
        [`/rt_tags`, { headers: { Prefer: `timezone=${p}` } }],
        [`/rt_tags`, { headers: { Range: p } }],
        [
          `/rpc/rt_add`,
          {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({ [p]: 1, a: 1 }),
          },
        ],
        [
          `/rpc/rt_echo`,
          { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ v: p }) },
        ],
        [
          `/rt_tags?on_conflict=${q(p)}`,
          {
            method: 'POST',
            headers: { 'Content-Type': 'application/json', Prefer: 'resolution=merge-duplicates' },
            body: JSON.stringify({ id: 90, label: 'x' }),
          },
        ],
        [
          `/rt_tags?columns=${q(p)}`,
          {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify([{ id: 91 }]),
          },
        ],
        [
          `/rt_tags`,
          {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({ [p]: 1 }),
          },
        ],
        [
          `/rt_tags?id=eq.92`,
          {
            method: 'PATCH',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({ label: p }),
          },
        ],
        [`/rt_tags?label=eq.${q(p)}`, { method: 'DELETE' }],
      ];
      for (const [path, init] of requests) {
        const res = await rest(t, path, { ...init, token: token() });
        statuses.push(res.status);
        expect(res.status, `${path} ${JSON.stringify(init ?? {})}`).toBeLessThan(500);
        await res.arrayBuffer();
      }
    }
    const { rows } = await t.db.query('select count(*)::int as n from public.rt_pwned');
    expect(rows[0]?.n).toBe(0);
    const tags = await t.db.query('select count(*)::int as n from public.rt_tags');
    expect(tags.rows[0]?.n).toBeGreaterThanOrEqual(3);
    expect(statuses.length).toBe(payloads.length * 27);
  });

  it('stores hostile values verbatim', async () => {
    const value = payloads[0] as string;
    const { data, error } = await t
      .service()
      .from('rt_items')
      .insert({ name: value })
      .select('name')
      .single();
    expect(error).toBeNull();
    expect(data).toEqual({ name: value });
    const found = await t.service().from('rt_items').select('name').eq('name', value);
    expect(found.data).toEqual([{ name: value }]);
  });
});

/** A small deterministic PRNG (mulberry32), so failures can be replayed. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let r = Math.imul(a ^ (a >>> 15), 1 | a);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

describe('HTTP fuzz', () => {
  it('never answers 500 to random and mutated query strings', async () => {
    const rand = prng(20261124);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)] as T;
    const alphabet = `abcdeilnorstx0123456789.,:()!*"'\\-_>{}[]% &=+;@#$?/`.split('');
    const valid = [
      'select=id,title,author:rt_authors!author_id(name,country)&order=id.desc&limit=2',
      'select=*,rt_tags(*)&rt_tags.label=eq.classic&or=(id.eq.1,pages.gt.200)',
      'pages=gte.200&title=ilike.*the*&order=price.desc.nullslast&offset=1',
      'select=id,...rt_authors!author_id(name)&span=ov.[1960,1980)&published=is.true',
      'and=(id.gt.1,or(pages.lt.300,not.price.is.null))&select=id',
      'id=in.(1,2,"3")&select=id,blurb&order=id',
    ];
    const paths = ['/rt_books', '/rt_authors', '/rpc/rt_squares', '/rpc/rt_add'];
    const failures: string[] = [];
    for (let i = 0; i < 300; i++) {
      let query: string;
      if (rand() < 0.5) {
        const base = pick(valid).split('');
        const edits = 1 + Math.floor(rand() * 4);
        for (let e = 0; e < edits; e++) {
          const at = Math.floor(rand() * (base.length + 1));
          const op = rand();
          if (op < 0.4) base.splice(at, 1);
          else if (op < 0.8) base.splice(at, 0, pick(alphabet));
          else base.splice(at, 1, pick(alphabet));
        }
        query = base.join('');
      } else {
        const len = Math.floor(rand() * 40);
        query = Array.from({ length: len }, () => pick(alphabet)).join('');
      }
      const path = pick(paths);
      const res = await rest(t, `${path}?${query.replace(/[#?]/g, '%23').replace(/ /g, '%20')}`, {
        token: t.stack.keys.serviceRole,
      });
      if (res.status >= 500) failures.push(`${res.status} ${path}?${query} ${await res.text()}`);
      else await res.arrayBuffer();
    }
    expect(failures).toEqual([]);
  });
});
