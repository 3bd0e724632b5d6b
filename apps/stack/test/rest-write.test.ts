import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from './harness.js';
import { body, installFixtures, rest } from './rest-fixtures.js';

let t: TestStack;
beforeAll(async () => {
  t = await startTestStack();
  await installFixtures(t);
});
afterAll(() => t.stop());

const db = () => t.service();
const service = (path: string, init: RequestInit = {}) =>
  rest(t, path, { ...init, token: t.stack.keys.serviceRole });

describe('insert', () => {
  it('inserts without a body by default (201, return=minimal)', async () => {
    const res = await db().from('rt_items').insert({ name: 'minimal' });
    expect(res.status).toBe(201);
    expect(res.data).toBeNull();
    expect(res.error).toBeNull();
  });

  it('returns the representation with select(), applying defaults', async () => {
    const { data, error, status } = await db()
      .from('rt_items')
      .insert({ name: 'rep' })
      .select('name, qty, note')
      .single();
    expect(error).toBeNull();
    expect(status).toBe(201);
    expect(data).toEqual({ name: 'rep', qty: 1, note: null });
  });

  it('inserts in bulk: absent keys are NULL, or DEFAULT with defaultToNull: false', async () => {
    const nulls = await db()
      .from('rt_items')
      .insert([
        { name: 'bulk1', qty: 5 },
        { name: 'bulk2', note: 'n' },
      ])
      .select('name, qty, note');
    expect(nulls.error?.code).toBe('23502');
    expect(nulls.status).toBe(400);
    const defaults = await db()
      .from('rt_items')
      .insert(
        [
          { name: 'bulk1', qty: 5 },
          { name: 'bulk2', note: 'n' },
        ],
        { defaultToNull: false },
      )
      .select('name, qty, note')
      .order('name');
    expect(defaults.error).toBeNull();
    expect(defaults.data).toEqual([
      { name: 'bulk1', qty: 5, note: null },
      { name: 'bulk2', qty: 1, note: 'n' },
    ]);
  });

  it('honours the columns parameter and refuses unknown columns with PGRST204', async () => {
    const res = await service('/rt_items?columns=name&select=name,note', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Prefer: 'return=representation' },
      body: JSON.stringify([{ name: 'colonly', note: 'ignored' }]),
    });
    expect(res.status).toBe(201);
    expect(await body(res)).toEqual([{ name: 'colonly', note: null }]);
    const bad = await db().from('rt_items').insert({ name: 'x', nope: 1 });
    expect(bad.status).toBe(400);
    expect(bad.error).toEqual({
      code: 'PGRST204',
      details: null,
      hint: null,
      message: "Could not find the 'nope' column of 'rt_items' in the schema cache",
    });
  });

  it('answers 409 for a unique violation and 400 for a check violation', async () => {
    const dup = await db().from('rt_items').insert({ name: 'minimal' });
    expect(dup.status).toBe(409);
    expect(dup.error?.code).toBe('23505');
    expect(dup.error?.details).toContain('minimal');
    const check = await db().from('rt_items').insert({ name: 'neg', qty: -1 });
    expect(check.status).toBe(400);
    expect(check.error?.code).toBe('23514');
    const fk = await db().from('rt_books').insert({ id: 50, title: 'x', author_id: 999 });
    expect(fk.status).toBe(409);
    expect(fk.error?.code).toBe('23503');
  });

  it('gives Location with return=headers-only', async () => {
    const res = await service('/rt_tags', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Prefer: 'return=headers-only' },
      body: JSON.stringify({ id: 10, label: 'located' }),
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe('/rt_tags?id=eq.10');
    expect(res.headers.get('preference-applied')).toBe('return=headers-only');
    expect(await res.text()).toBe('');
  });

  it('embeds in the returned representation', async () => {
    const { data, error } = await db()
      .from('rt_books')
      .insert({ id: 20, title: 'New', author_id: 2 })
      .select('title, author:rt_authors!author_id(name)')
      .single();
    expect(error).toBeNull();
    expect(data).toEqual({ title: 'New', author: { name: 'Stanisław Lem' } });
  });

  it('rejects bodies that are not JSON with PGRST102', async () => {
    const res = await service('/rt_items', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"name":',
    });
    expect(res.status).toBe(400);
    expect(await body(res)).toEqual({
      code: 'PGRST102',
      details: null,
      hint: null,
      message: 'Empty or invalid json',
    });
    const mixed = await service('/rt_items', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify([{ name: 'a' }, { qty: 1 }]),
    });
    expect((await body(mixed)).message).toBe('All object keys must match');
  });

  it('rolls back with Prefer: tx=rollback', async () => {
    const res = await service('/rt_items?select=name', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Prefer: 'return=representation, tx=rollback' },
      body: JSON.stringify({ name: 'ghost' }),
    });
    expect(res.status).toBe(201);
    expect(await body(res)).toEqual([{ name: 'ghost' }]);
    const { data } = await db().from('rt_items').select('id').eq('name', 'ghost');
    expect(data).toEqual([]);
  });

  it('rejects unknown preferences with handling=strict', async () => {
    const res = await service('/rt_items', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Prefer: 'handling=strict, bogus=1' },
      body: JSON.stringify({ name: 'strict' }),
    });
    expect(res.status).toBe(400);
    expect(await body(res)).toMatchObject({ code: 'PGRST122', details: 'Invalid preferences: bogus=1' });
  });
});

describe('Prefer: missing=default', () => {
  beforeAll(async () => {
    await t.db.query(`
      create domain public.rt_code as text default 'from-domain';
      create table public.rt_defaults (
        id bigint generated by default as identity primary key,
        name text not null,
        slug text not null default lower('AUTO-' || 'slug'),
        code public.rt_code not null,
        made date not null default current_date
      );
      grant select, insert, update on public.rt_defaults to service_role;`);
  });

  it('fills IDENTITY, expression and domain defaults for keys a row of a bulk insert lacks', async () => {
    const { data, error } = await db()
      .from('rt_defaults')
      .insert([{ name: 'a' }, { id: 100, name: 'b', slug: 'own', code: 'mine' }], { defaultToNull: false })
      .select('id, name, slug, code, today:made::text')
      .order('name');
    expect(error).toBeNull();
    const today = (await t.db.query<{ d: string }>('select current_date::text as d')).rows[0]?.d;
    expect(data).toEqual([
      { id: 1, name: 'a', slug: 'auto-slug', code: 'from-domain', today },
      { id: 100, name: 'b', slug: 'own', code: 'mine', today },
    ]);
  });

  // As in PostgREST, each row's defaults are evaluated (so the identity advances per row) and an
  // existing row is updated with the payload's keys only.
  it('fills defaults in a bulk upsert too, updating the rows that exist', async () => {
    const { data, error } = await db()
      .from('rt_defaults')
      .upsert([{ id: 100, name: 'b2' }, { name: 'c' }], { defaultToNull: false })
      .select('id, name, slug, code')
      .order('id');
    expect(error).toBeNull();
    expect(data).toEqual([
      { id: 4, name: 'c', slug: 'auto-slug', code: 'from-domain' },
      { id: 100, name: 'b2', slug: 'own', code: 'mine' },
    ]);
  });
});

describe('upsert', () => {
  it('merges duplicates (200 when nothing new, 201 otherwise)', async () => {
    const first = await db().from('rt_tags').upsert({ id: 30, label: 'fresh' }).select();
    expect(first.status).toBe(201);
    const again = await db().from('rt_tags').upsert({ id: 30, label: 'renamed' }).select();
    expect(again.status).toBe(200);
    expect(again.data).toEqual([{ id: 30, label: 'renamed' }]);
  });

  it('merges on other unique columns with onConflict', async () => {
    const { data, error } = await db()
      .from('rt_items')
      .upsert({ name: 'rep', qty: 9 }, { onConflict: 'name' })
      .select('name, qty');
    expect(error).toBeNull();
    expect(data).toEqual([{ name: 'rep', qty: 9 }]);
  });

  it('ignores duplicates, returning only new rows', async () => {
    const { data, status } = await db()
      .from('rt_tags')
      .upsert(
        [
          { id: 30, label: 'ignored' },
          { id: 31, label: 'new' },
        ],
        { ignoreDuplicates: true },
      )
      .select();
    expect(status).toBe(201);
    expect(data).toEqual([{ id: 31, label: 'new' }]);
    const { data: kept } = await db().from('rt_tags').select('label').eq('id', 30).single();
    expect(kept).toEqual({ label: 'renamed' });
  });

  it('upserts one row with PUT and checks the key', async () => {
    const ok = await service('/rt_tags?id=eq.40', {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json', Prefer: 'return=representation' },
      body: JSON.stringify({ id: 40, label: 'put' }),
    });
    expect(ok.status).toBe(201);
    const mismatch = await service('/rt_tags?id=eq.41', {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ id: 42, label: 'wrong' }),
    });
    expect(mismatch.status).toBe(400);
    expect((await body(mismatch)).code).toBe('PGRST115');
    const filters = await service('/rt_tags?label=eq.x', {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ id: 43, label: 'x' }),
    });
    expect(filters.status).toBe(405);
  });
});

describe('update and delete', () => {
  it('updates matching rows (204, or 200 with the representation)', async () => {
    const minimal = await db().from('rt_items').update({ note: 'touched' }).eq('name', 'minimal');
    expect(minimal.status).toBe(204);
    const { data, status, count } = await db()
      .from('rt_items')
      .update({ qty: 3 }, { count: 'exact' })
      .in('name', ['bulk1', 'bulk2'])
      .select('name, qty')
      .order('name');
    expect(status).toBe(200);
    expect(count).toBe(2);
    expect(data).toEqual([
      { name: 'bulk1', qty: 3 },
      { name: 'bulk2', qty: 3 },
    ]);
  });

  it('reports the affected range in Content-Range', async () => {
    const res = await service('/rt_items?name=like.bulk*', {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ qty: 4 }),
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('content-range')).toBe('0-1/*');
  });

  it('refuses UPDATE and DELETE without filters, as pg-safeupdate does', async () => {
    const upd = await db().from('rt_items').update({ qty: 0 }).select();
    expect(upd.status).toBe(400);
    expect(upd.error).toEqual({
      code: '21000',
      details: null,
      hint: null,
      message: 'UPDATE requires a WHERE clause',
    });
    const del = await service('/rt_items', { method: 'DELETE' });
    expect(del.status).toBe(400);
    expect((await body(del)).message).toBe('DELETE requires a WHERE clause');
  });

  it('enforces max-affected with handling=strict', async () => {
    const res = await service('/rt_items?name=like.bulk*', {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/json', Prefer: 'handling=strict, max-affected=1' },
      body: JSON.stringify({ qty: 7 }),
    });
    expect(res.status).toBe(400);
    expect(await body(res)).toMatchObject({ code: 'PGRST124', details: 'The query affects 2 rows' });
    const { data } = await db().from('rt_items').select('qty').eq('name', 'bulk1').single();
    expect(data).toEqual({ qty: 4 });
  });

  it('rolls back a singular mutation that touches several rows', async () => {
    const res = await db().from('rt_items').update({ qty: 8 }).like('name', 'bulk%').select().single();
    expect(res.status).toBe(406);
    expect(res.error?.code).toBe('PGRST116');
    const { data } = await db().from('rt_items').select('qty').eq('name', 'bulk2').single();
    expect(data).toEqual({ qty: 4 });
  });

  it('deletes (204, or 200 with the deleted rows)', async () => {
    const { data, status } = await db().from('rt_items').delete().eq('name', 'bulk1').select('name');
    expect(status).toBe(200);
    expect(data).toEqual([{ name: 'bulk1' }]);
    const minimal = await db().from('rt_items').delete().eq('name', 'bulk2');
    expect(minimal.status).toBe(204);
    const gone = await db().from('rt_items').select('id').in('name', ['bulk1', 'bulk2']);
    expect(gone.data).toEqual([]);
  });
});

describe('rpc', () => {
  it('calls a scalar function with named arguments (POST and GET)', async () => {
    expect((await db().rpc('rt_add', { a: 2, b: 3 })).data).toBe(5);
    expect((await db().rpc('rt_add', { a: 2, b: 3 }, { get: true })).data).toBe(5);
    expect((await db().rpc('rt_add_default', { a: 2 })).data).toBe(12);
  });

  it('returns sets as arrays that can be filtered, ordered and paginated', async () => {
    const { data, error } = await db()
      .rpc('rt_books_by', { author: 1 })
      .select('id, title')
      .order('id', { ascending: false });
    expect(error).toBeNull();
    expect(data).toEqual([
      { id: 2, title: 'The Dispossessed' },
      { id: 1, title: 'The Left Hand of Darkness' },
    ]);
    const filtered = await db().rpc('rt_squares', { n: 5 }).gt('sq', 4).order('i').limit(2);
    expect(filtered.data).toEqual([
      { i: 3, sq: 9 },
      { i: 4, sq: 16 },
    ]);
    const counted = await db().rpc('rt_numbers', { n: 4 }, { count: 'exact' });
    expect(counted.data).toEqual([1, 2, 3, 4]);
    expect(counted.count).toBe(4);
  });

  it('embeds from a function returning table rows', async () => {
    const { data, error } = await db()
      .rpc('rt_books_by', { author: 2 })
      .select('title, author:rt_authors!author_id(name)')
      .lt('id', 10);
    expect(error).toBeNull();
    expect(data).toEqual([{ title: 'Solaris', author: { name: 'Stanisław Lem' } }]);
  });

  it('returns a single composite as an object, and passes a whole body to a json parameter', async () => {
    expect((await db().rpc('rt_author', { author: 3 })).data).toMatchObject({
      id: 3,
      name: 'Octavia E. Butler',
    });
    expect((await db().rpc('rt_echo', { any: ['thing', 1] })).data).toEqual({ any: ['thing', 1] });
  });

  it('answers 204 for void functions and accepts variadic arguments', async () => {
    const v = await db().rpc('rt_noop');
    expect(v.status).toBe(204);
    expect((await db().rpc('rt_sum', { v: [1, 2, 3] })).data).toBe(6);
    const get = await service('/rpc/rt_sum?v=1&v=2&v=4');
    expect(await body(get)).toBe(7);
  });

  it('maps RAISE to 400 with message, details and hint', async () => {
    const { error, status } = await db().rpc('rt_fail', { msg: 'nope' });
    expect(status).toBe(400);
    expect(error).toEqual({ code: 'P0001', details: 'the detail', hint: 'the hint', message: 'nope' });
  });

  it('answers 404 PGRST202 for unknown functions or arguments', async () => {
    const { error, status } = await db().rpc('rt_add', { a: 1, c: 2 });
    expect(status).toBe(404);
    expect(error).toEqual({
      code: 'PGRST202',
      details:
        'Searched for the function public.rt_add with parameters a, c or with a single unnamed json/jsonb parameter, but no matches were found in the schema cache.',
      hint: 'Perhaps you meant to call the function public.rt_add(a, b)',
      message: 'Could not find the function public.rt_add(a, c) in the schema cache',
    });
    const unknown = await db().rpc('rt_ad', { a: 1, b: 2 });
    expect(unknown.error?.hint).toBe('Perhaps you meant to call the function public.rt_add');
  });

  it('answers 300 PGRST203 listing the overloads in PostgREST order (fewer parameters, then by name and type)', async () => {
    await t.db.query(`
      create function public.rt_over(a int, b int default 1) returns int language sql immutable as $$ select a + b $$;
      create function public.rt_over(a text) returns int language sql immutable as $$ select 1 $$;
      create function public.rt_over(a int) returns int language sql immutable as $$ select a $$;
      grant execute on function public.rt_over(int, int), public.rt_over(text), public.rt_over(int)
        to anon, authenticated, service_role;`);
    const { error, status } = await db().rpc('rt_over', { a: 1 });
    expect(status).toBe(300);
    expect(error).toEqual({
      code: 'PGRST203',
      details: null,
      hint: 'Try renaming the parameters or the function itself in the database so function overloading can be resolved',
      message:
        'Could not choose the best candidate function between: public.rt_over(a => integer), public.rt_over(a => text), public.rt_over(a => integer, b => integer)',
    });
  });

  it('runs GET calls read-only and POST calls of volatile functions read-write', async () => {
    const made = await db().rpc('rt_make_item', { item_name: 'from rpc' });
    expect(made.data).toMatchObject({ name: 'from rpc', qty: 1 });
    const readOnly = await db().rpc('rt_make_item', { item_name: 'via get' }, { get: true });
    expect(readOnly.status).toBe(405);
    expect(readOnly.error?.code).toBe('25006');
    const wrong = await service('/rpc/rt_add', { method: 'PATCH' });
    expect(wrong.status).toBe(405);
    expect((await body(wrong)).code).toBe('PGRST101');
  });

  it('sets the request context and honours response.status / response.headers', async () => {
    const { data } = await db().rpc('rt_whoami');
    expect(data).toMatchObject({
      role: 'service_role',
      method: 'POST',
      path: '/rpc/rt_whoami',
      search_path: '"public", "extensions"',
    });
    expect((data as { client: string }).client).toContain('supabase-js');
    const res = await service('/rpc/rt_status', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(res.status).toBe(202);
    expect(res.headers.get('x-custom')).toBe('yes');
  });

  it('maps a RAISE with SQLSTATE PTxyz to that status', async () => {
    await t.db.query(
      `create function public.rt_teapot() returns int language plpgsql as $$ begin raise sqlstate 'PT418' using message = 'teapot'; end $$;
       grant execute on function public.rt_teapot() to anon, authenticated, service_role`,
    );
    const { status, error } = await db().rpc('rt_teapot');
    expect(status).toBe(418);
    expect(error?.message).toBe('teapot');
  });
});
