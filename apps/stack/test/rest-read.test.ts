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
const ids = (rows: { id: number }[] | null) => (rows ?? []).map((r) => r.id);

describe('select', () => {
  it('reads all columns by default, in column order', async () => {
    const { data, error, status } = await db().from('rt_tags').select().order('id');
    expect(error).toBeNull();
    expect(status).toBe(200);
    expect(data).toEqual([
      { id: 1, label: 'classic' },
      { id: 2, label: 'feminist' },
      { id: 3, label: 'polish' },
    ]);
  });

  it('renames, casts and follows JSON paths', async () => {
    const { data, error } = await db()
      .from('rt_authors')
      .select('id, who:name, born::text, hugo:meta->awards->>hugo, lang:meta->>lang, meta->awards, tags')
      .eq('id', 1)
      .single();
    expect(error).toBeNull();
    expect(data).toEqual({
      id: 1,
      who: 'Ursula K. Le Guin',
      born: '1929-10-21',
      hugo: '5',
      lang: 'en',
      awards: { hugo: 5 },
      tags: ['scifi', 'fantasy'],
    });
  });

  it('reads JSON array elements by index', async () => {
    const { data } = await db().from('rt_authors').select('id, first:tags->0, second:tags->>1').eq('id', 1);
    expect(data).toEqual([{ id: 1, first: 'scifi', second: 'fantasy' }]);
  });

  it('embeds many-to-one relationships as objects, disambiguated by hint', async () => {
    const { data, error } = await db()
      .from('rt_books')
      .select('id, author:rt_authors!author_id(name), editor:rt_authors!rt_books_editor_id_fkey(name)')
      .order('id')
      .limit(2);
    expect(error).toBeNull();
    expect(data).toEqual([
      { id: 1, author: { name: 'Ursula K. Le Guin' }, editor: { name: 'Stanisław Lem' } },
      { id: 2, author: { name: 'Ursula K. Le Guin' }, editor: { name: 'Octavia E. Butler' } },
    ]);
  });

  it('returns null for a missing to-one embed', async () => {
    const { data } = await db().from('rt_books').select('id, author:rt_authors!author_id(name)').eq('id', 5);
    expect(data).toEqual([{ id: 5, author: null }]);
  });

  it('answers 300 PGRST201 for an ambiguous embed', async () => {
    const { error, status } = await db().from('rt_books').select('id, rt_authors(name)');
    expect(status).toBe(300);
    expect(error?.code).toBe('PGRST201');
    expect(error?.message).toBe(
      "Could not embed because more than one relationship was found for 'rt_books' and 'rt_authors'",
    );
    expect(error?.details).toEqual([
      {
        cardinality: 'many-to-one',
        embedding: 'rt_books with rt_authors',
        relationship: 'rt_books_author_id_fkey using rt_books(author_id) and rt_authors(id)',
      },
      {
        cardinality: 'many-to-one',
        embedding: 'rt_books with rt_authors',
        relationship: 'rt_books_editor_id_fkey using rt_books(editor_id) and rt_authors(id)',
      },
    ]);
    expect(error?.hint).toContain("'rt_authors!rt_books_author_id_fkey'");
  });

  it('answers 400 PGRST200 for an unknown relationship', async () => {
    const { error, status } = await db().from('rt_books').select('id, rt_nodes(*)');
    expect(status).toBe(400);
    expect(error?.code).toBe('PGRST200');
    expect(error?.message).toBe(
      "Could not find a relationship between 'rt_books' and 'rt_nodes' in the schema cache",
    );
  });

  it('embeds one-to-many relationships as arrays, with filters, order and limit per parent', async () => {
    const { data, error } = await db()
      .from('rt_authors')
      .select('id, books:rt_books!author_id(id, title)')
      .in('id', [1, 4])
      .order('id')
      .order('id', { referencedTable: 'books', ascending: false })
      .limit(1, { referencedTable: 'books' });
    expect(error).toBeNull();
    expect(data).toEqual([
      { id: 1, books: [{ id: 2, title: 'The Dispossessed' }] },
      { id: 4, books: [] },
    ]);
  });

  it('embeds one-to-one and many-to-many relationships', async () => {
    const { data, error } = await db()
      .from('rt_books')
      .select('id, rt_tags(label), author:rt_authors!author_id(rt_author_bios(bio))')
      .order('id')
      .order('label', { referencedTable: 'rt_tags' })
      .lte('id', 3);
    expect(error).toBeNull();
    expect(data).toEqual([
      {
        id: 1,
        rt_tags: [{ label: 'classic' }, { label: 'feminist' }],
        author: { rt_author_bios: { bio: 'Wrote Earthsea' } },
      },
      { id: 2, rt_tags: [{ label: 'classic' }], author: { rt_author_bios: { bio: 'Wrote Earthsea' } } },
      {
        id: 3,
        rt_tags: [{ label: 'classic' }, { label: 'polish' }],
        author: { rt_author_bios: { bio: 'Wrote Solaris' } },
      },
    ]);
  });

  it('embeds self-references both ways', async () => {
    const { data, error } = await db()
      .from('rt_nodes')
      .select('label, parent:parent_id(label), children:rt_nodes(label)')
      .eq('id', 2)
      .single();
    expect(error).toBeNull();
    expect(data).toEqual({ label: 'a', parent: { label: 'root' }, children: [{ label: 'a1' }] });
  });

  it('keeps only parents with a match for !inner embeds, and counts accordingly', async () => {
    const { data, count, error } = await db()
      .from('rt_books')
      .select('id, rt_tags!inner(label)', { count: 'exact' })
      .eq('rt_tags.label', 'polish');
    expect(error).toBeNull();
    expect(data).toEqual([{ id: 3, rt_tags: [{ label: 'polish' }] }]);
    expect(count).toBe(1);
  });

  it('filters the embedded rows only without !inner', async () => {
    const { data } = await db()
      .from('rt_books')
      .select('id, rt_tags(label)')
      .eq('rt_tags.label', 'polish')
      .order('id')
      .lte('id', 3);
    expect(data).toEqual([
      { id: 1, rt_tags: [] },
      { id: 2, rt_tags: [] },
      { id: 3, rt_tags: [{ label: 'polish' }] },
    ]);
  });

  it('filters parents by the presence of an embed (rel=not.is.null / is.null)', async () => {
    const present = await db()
      .from('rt_books')
      .select('id, author:rt_authors!author_id()')
      .not('author', 'is', null)
      .order('id');
    expect(ids(present.data)).toEqual([1, 2, 3, 4]);
    expect(present.data?.[0]).toEqual({ id: 1 });
    const absent = await db()
      .from('rt_books')
      .select('id, author:rt_authors!author_id(id)')
      .is('author', null);
    expect(ids(absent.data)).toEqual([5]);
    const bad = await db().from('rt_books').select('id, author:rt_authors!author_id(id)').eq('author', 1);
    expect(bad.error?.code).toBe('PGRST120');
  });

  it('spreads to-one embeds into the parent', async () => {
    const { data, error } = await db()
      .from('rt_books')
      .select('id, ...rt_authors!author_id(author_name:name, country)')
      .in('id', [1, 4]);
    expect(error).toBeNull();
    expect(data).toEqual([
      { id: 1, author_name: 'Ursula K. Le Guin', country: 'US' },
      { id: 4, author_name: 'Octavia E. Butler', country: 'US' },
    ]);
  });

  it('spreads to-many embeds as arrays per column', async () => {
    const { data, error } = await db()
      .from('rt_authors')
      .select('id, ...rt_books!author_id(title)')
      .eq('id', 1)
      .order('id', { referencedTable: 'rt_books' });
    expect(error).toBeNull();
    expect(data).toEqual([{ id: 1, title: ['The Left Hand of Darkness', 'The Dispossessed'] }]);
  });

  it('orders by a to-one embed column, and refuses to-many', async () => {
    const { data, error } = await db()
      .from('rt_books')
      .select('id, author:rt_authors!author_id(name)')
      .not('author_id', 'is', null)
      .order('author(name)' as 'id', { ascending: true })
      .order('id');
    expect(error).toBeNull();
    expect(ids(data)).toEqual([4, 3, 1, 2]);
    const res = await rest(t, '/rt_authors?select=id,rt_books!author_id(id)&order=rt_books(id)');
    expect(res.status).toBe(400);
    expect((await body(res)).code).toBe('PGRST118');
  });

  it('answers PGRST108 for filters on embeds that are not selected', async () => {
    const { error, status } = await db().from('rt_books').select('id').eq('rt_tags.label', 'x');
    expect(status).toBe(400);
    expect(error?.code).toBe('PGRST108');
    expect(error?.hint).toBe("Verify that 'rt_tags' is included in the 'select' query parameter.");
  });

  it('reports unknown columns like PostgreSQL (42703)', async () => {
    const { error, status } = await db().from('rt_books').select('nope');
    expect(status).toBe(400);
    expect(error?.code).toBe('42703');
    expect(error?.message).toContain('nope');
  });

  it('answers 404 PGRST205 with a hint for an unknown table', async () => {
    const { error, status } = await db().from('rt_book').select();
    expect(status).toBe(404);
    expect(error).toEqual({
      code: 'PGRST205',
      details: null,
      hint: "Perhaps you meant the table 'public.rt_books'",
      message: "Could not find the table 'public.rt_book' in the schema cache",
    });
  });
});

describe('filters', () => {
  const cases: [string, (q: ReturnType<ReturnType<typeof db>['from']>['select']) => unknown, number[]][] = [];
  void cases;

  const books = () => db().from('rt_books').select('id').order('id');

  it('compares with eq, neq, gt, gte, lt, lte', async () => {
    expect(ids((await books().eq('pages', 304)).data)).toEqual([1]);
    expect(ids((await books().neq('pages', 304)).data)).toEqual([2, 3, 4]);
    expect(ids((await books().gt('pages', 264)).data)).toEqual([1, 2]);
    expect(ids((await books().gte('pages', 264)).data)).toEqual([1, 2, 4]);
    expect(ids((await books().lt('price', 9.99)).data)).toEqual([3]);
    expect(ids((await books().lte('price', 9.99)).data)).toEqual([1, 3]);
  });

  it('matches patterns with like, ilike, match, imatch and their any/all forms', async () => {
    expect(ids((await books().like('title', '%Dark%')).data)).toEqual([1]);
    expect(ids((await books().like('title', '*Dark*')).data)).toEqual([1]);
    expect(ids((await books().ilike('title', 'the%')).data)).toEqual([1, 2]);
    expect(ids((await books().match({ published: false })).data)).toEqual([5]);
    expect(ids((await books().filter('title', 'match', '^S')).data)).toEqual([3]);
    expect(ids((await books().filter('title', 'imatch', '^k')).data)).toEqual([4]);
    expect(ids((await books().likeAnyOf('title', ['Sol%', 'Kin%'])).data)).toEqual([3, 4]);
    expect(ids((await books().ilikeAllOf('title', ['%the%', '%DARK%'])).data)).toEqual([1]);
    expect(ids((await books().filter('pages', 'gt(any)', '{300,380}')).data)).toEqual([1, 2]);
  });

  it('tests is null/true/false/unknown, isdistinct and not', async () => {
    expect(ids((await books().is('price', null)).data)).toEqual([4, 5]);
    expect(ids((await books().not('price', 'is', null)).data)).toEqual([1, 2, 3]);
    expect(ids((await books().is('published', false)).data)).toEqual([5]);
    expect(ids((await books().is('published', true)).data)).toEqual([1, 2, 3, 4]);
    expect(ids((await books().filter('published', 'is', 'unknown')).data)).toEqual([]);
    expect(ids((await books().isDistinct('editor_id', 1)).data)).toEqual([1, 2, 4, 5]);
    expect(ids((await books().not('pages', 'gt', 300)).data)).toEqual([3, 4]);
  });

  it('filters lists with in, including quoted values', async () => {
    expect(ids((await books().in('id', [2, 4])).data)).toEqual([2, 4]);
    expect(ids((await books().not('id', 'in', '(2,4)')).data)).toEqual([1, 3, 5]);
    const spaced = await db()
      .from('rt_books')
      .select('id')
      .in('title', ['The Dispossessed', 'Solaris'])
      .order('id');
    expect(ids(spaced.data)).toEqual([2, 3]);
    const quoted = await rest(
      t,
      `/rt_books?select=id&blurb=in.(${encodeURIComponent('"Draft, with \\"quotes\\", commas",x')})`,
    );
    expect(ids(await body(quoted))).toEqual([5]);
    expect(ids((await books().in('id', [])).data)).toEqual([]);
  });

  it('filters arrays, JSON and ranges with cs, cd, ov, sl, sr, nxr, nxl, adj', async () => {
    const authors = () => db().from('rt_authors').select('id').order('id');
    expect(ids((await authors().contains('tags', ['fantasy'])).data)).toEqual([1]);
    expect(ids((await authors().containedBy('tags', ['scifi', 'horror'])).data)).toEqual([2, 3, 4]);
    expect(ids((await authors().overlaps('tags', ['fantasy', 'horror'])).data)).toEqual([1]);
    expect(ids((await authors().contains('meta', { lang: 'pl' })).data)).toEqual([2]);
    expect(ids((await books().rangeLt('span', '[1970,1980)')).data)).toEqual([1, 3]);
    expect(ids((await books().rangeGt('span', '[1962,1970)')).data)).toEqual([2, 4]);
    expect(ids((await books().rangeGte('span', '[1970,1971)')).data)).toEqual([2, 4]);
    expect(ids((await books().rangeLte('span', '[1961,1962)')).data)).toEqual([3]);
    expect(ids((await books().rangeAdjacent('span', '[1970,1974)')).data)).toEqual([1, 2]);
    expect(ids((await books().overlaps('span', '[1969,1975)')).data)).toEqual([1, 2]);
  });

  it('searches text with fts, plfts, phfts and wfts, with a configuration', async () => {
    const authors = () => db().from('rt_authors').select('id').order('id');
    expect(ids((await authors().textSearch('search', 'ursula & guin')).data)).toEqual([1]);
    expect(ids((await authors().textSearch('search', 'octavia butler', { type: 'plain' })).data)).toEqual([
      3,
    ]);
    expect(ids((await authors().textSearch('search', 'le guin', { type: 'phrase' })).data)).toEqual([1]);
    expect(
      ids((await authors().textSearch('search', '"octavia" -ursula', { type: 'websearch' })).data),
    ).toEqual([3]);
    // A text column is converted with to_tsvector(config, col).
    expect(
      ids((await books().textSearch('blurb', 'utopias', { type: 'plain', config: 'english' })).data),
    ).toEqual([2]);
  });

  it('combines filters with or/and, nested, negated and on embeds', async () => {
    expect(ids((await books().or('id.eq.1,pages.lt.210')).data)).toEqual([1, 3]);
    expect(ids((await books().or('id.eq.5,and(pages.gt.300,price.gt.10)')).data)).toEqual([2, 5]);
    expect(ids((await books().or('id.in.(1,2),title.eq."Kindred"')).data)).toEqual([1, 2, 4]);
    expect(ids((await books().not('or', 'is', '(id.eq.1,id.eq.2)' as never)).data)).toEqual([]);
    const neg = await rest(t, '/rt_books?select=id&not.or=(id.eq.1,id.eq.2)&order=id');
    expect(ids(await body(neg))).toEqual([3, 4, 5]);
    const embedded = await db()
      .from('rt_authors')
      .select('id, rt_books!author_id(id)')
      .eq('id', 1)
      .or('id.eq.2,pages.gt.350', { referencedTable: 'rt_books' });
    expect(embedded.data).toEqual([{ id: 1, rt_books: [{ id: 2 }] }]);
  });

  it('answers malformed filters with 400 PGRST100 and mistyped values with 22P02', async () => {
    const res = await rest(t, '/rt_books?id=equals.1');
    expect(res.status).toBe(400);
    const error = await body(res);
    expect(error.code).toBe('PGRST100');
    expect(error.message).toMatch(/^"failed to parse filter \(equals\.1\)" \(line 1, column \d+\)$/);
    expect(error.details).toContain('operator (eq, gt, ...)');
    const order = await rest(t, '/rt_books?order=id.sideways');
    expect((await body(order)).code).toBe('PGRST100');
    const typed = await db().from('rt_books').select('id').eq('id', 'abc');
    expect(typed.status).toBe(400);
    expect(typed.error?.code).toBe('22P02');
  });

  it('filters on JSON paths', async () => {
    const { data } = await db().from('rt_authors').select('id').eq('meta->>lang', 'pl');
    expect(ids(data)).toEqual([2]);
    const nested = await db().from('rt_authors').select('id').gt('meta->awards->hugo', 1);
    expect(ids(nested.data)).toEqual([1]);
  });
});

describe('order, limit, range and count', () => {
  it('orders with nulls first/last and several columns', async () => {
    const first = await db()
      .from('rt_books')
      .select('id')
      .order('price', { ascending: true, nullsFirst: true })
      .order('id');
    expect(ids(first.data)).toEqual([4, 5, 3, 1, 2]);
    const last = await db()
      .from('rt_books')
      .select('id')
      .order('editor_id', { ascending: false, nullsFirst: false })
      .order('id');
    expect(ids(last.data)).toEqual([2, 1, 3, 4, 5]);
  });

  it('pages with limit/offset, range() and the Range header, with Content-Range', async () => {
    const page = await db().from('rt_books').select('id').order('id').range(1, 2);
    expect(ids(page.data)).toEqual([2, 3]);
    const res = await rest(t, '/rt_books?select=id&order=id&limit=2&offset=3');
    expect(res.headers.get('content-range')).toBe('3-4/*');
    expect(res.headers.get('content-location')).toBe('/rt_books?limit=2&offset=3&order=id&select=id');
    const header = await rest(t, '/rt_books?select=id&order=id', { headers: { Range: '1-2' } });
    expect(ids(await body(header))).toEqual([2, 3]);
    expect(header.headers.get('content-range')).toBe('1-2/*');
    const empty = await rest(t, '/rt_books?select=id&id=eq.99');
    expect(empty.headers.get('content-range')).toBe('*/*');
  });

  it('counts exactly, planned and estimated, with 206 for partial pages', async () => {
    const exact = await db().from('rt_books').select('id', { count: 'exact' }).order('id').limit(2);
    expect(exact.count).toBe(5);
    expect(exact.status).toBe(206);
    const res = await rest(t, '/rt_books?select=id&limit=2&offset=4', { headers: { Prefer: 'count=exact' } });
    expect(res.status).toBe(206);
    expect(res.headers.get('content-range')).toBe('4-4/5');
    const all = await rest(t, '/rt_books?select=id', { headers: { Prefer: 'count=exact' } });
    expect(all.status).toBe(200);
    expect(all.headers.get('content-range')).toBe('0-4/5');
    const none = await rest(t, '/rt_books?id=gt.10', { headers: { Prefer: 'count=exact' } });
    expect(none.headers.get('content-range')).toBe('*/0');
    const planned = await db().from('rt_books').select('id', { count: 'planned' });
    expect(typeof planned.count).toBe('number');
    const estimated = await db().from('rt_books').select('id', { count: 'estimated' });
    expect(estimated.count).toBe(5);
    const head = await db().from('rt_books').select('*', { count: 'exact', head: true });
    expect(head.count).toBe(5);
    expect(head.data).toBeNull();
  });

  it('answers 416 for an offset past the end', async () => {
    const res = await rest(t, '/rt_books?offset=10&limit=2', { headers: { Prefer: 'count=exact' } });
    expect(res.status).toBe(416);
    expect(await body(res)).toEqual({
      code: 'PGRST103',
      details: 'An offset of 10 was requested, but there are only 5 rows.',
      hint: null,
      message: 'Requested range not satisfiable',
    });
  });

  it('applies db-max-rows to reads', async () => {
    const capped = await startTestStack({ PGRST_DB_MAX_ROWS: '2' });
    try {
      await installFixtures(capped);
      const { data, count } = await capped
        .service()
        .from('rt_books')
        .select('id', { count: 'exact' })
        .order('id');
      expect(ids(data)).toEqual([1, 2]);
      expect(count).toBe(5);
    } finally {
      await capped.stop();
    }
  });
});

describe('representations', () => {
  // PostgREST builds application/geo+json with PostGIS's ST_AsGeoJSON; the embedded database has
  // no PostGIS, so the database's own error comes back, as from PostgREST on such a database.
  it('answers geo+json with the missing-PostGIS error of the database (42883)', async () => {
    const res = await fetch(`${t.url}/rest/v1/rt_tags?select=id`, {
      headers: { apikey: t.stack.keys.serviceRole, Accept: 'application/geo+json' },
    });
    expect(res.status).toBe(404);
    const error = await body(res);
    expect(error.code).toBe('42883');
    expect(error.message).toMatch(/^function st_asgeojson\(.*\) does not exist$/);
  });

  it('returns one object for single() and 406 PGRST116 otherwise', async () => {
    const one = await db().from('rt_tags').select('label').eq('id', 2).single();
    expect(one.data).toEqual({ label: 'feminist' });
    const many = await db().from('rt_tags').select('label').single();
    expect(many.status).toBe(406);
    expect(many.error).toEqual({
      code: 'PGRST116',
      details: 'The result contains 3 rows',
      hint: null,
      message: 'Cannot coerce the result to a single JSON object',
    });
    const none = await db().from('rt_tags').select('label').eq('id', 9).maybeSingle();
    expect(none.data).toBeNull();
    expect(none.error).toBeNull();
  });

  it('serves CSV and stripped nulls, and refuses unknown media types', async () => {
    const csv = await db().from('rt_tags').select('id,label').order('id').csv();
    expect(csv.data).toBe('id,label\n1,classic\n2,feminist\n3,polish');
    const stripped = await rest(t, '/rt_books?select=id,price&id=eq.4', {
      headers: { Accept: 'application/vnd.pgrst.array+json;nulls=stripped' },
    });
    expect(await body(stripped)).toEqual([{ id: 4 }]);
    const bad = await rest(t, '/rt_tags', { headers: { Accept: 'application/xml' } });
    expect(bad.status).toBe(406);
    expect((await body(bad)).code).toBe('PGRST107');
  });

  it('formats values as PostgreSQL does and answers with the JSON content type', async () => {
    const res = await rest(t, '/rt_books?select=id,price,published,span&id=eq.1');
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await body(res)).toEqual([{ id: 1, price: 9.99, published: true, span: '[1969,1970)' }]);
  });
});

describe('schemas', () => {
  it('switches schema with Accept-Profile and echoes Content-Profile', async () => {
    // graphql_public is the other schema exposed by default; give it a table to read.
    await t.db.query(
      'create table graphql_public.rt_profile_probe (id int primary key); grant select on graphql_public.rt_profile_probe to service_role',
    );
    const { data, error } = await db().schema('graphql_public').from('rt_profile_probe').select('id');
    expect(error).toBeNull();
    expect(data).toEqual([]);
    const res = await rest(t, '/rt_profile_probe?select=id', {
      headers: { 'Accept-Profile': 'graphql_public', Authorization: `Bearer ${t.stack.keys.serviceRole}` },
    });
    expect(res.headers.get('content-profile')).toBe('graphql_public');
  });

  it('refuses schemas that are not exposed with 406 PGRST106', async () => {
    const { error, status } = await db().schema('auth').from('users').select('id');
    expect(status).toBe(406);
    expect(error).toEqual({
      code: 'PGRST106',
      details: null,
      hint: 'Only the following schemas are exposed: public, graphql_public',
      message: 'Invalid schema: auth',
    });
  });

  it('describes the schema at the root', async () => {
    const res = await rest(t, '/', { headers: { Accept: 'application/openapi+json' } });
    expect(res.status).toBe(200);
    const doc = await body(res);
    expect(doc.paths['/rt_books']).toBeDefined();
    expect(doc.paths['/rpc/rt_add']).toBeDefined();
  });

  it('picks up new tables through NOTIFY pgrst', async () => {
    await t.db.query(
      'create table public.rt_late (id int primary key); grant select on public.rt_late to anon, authenticated, service_role; insert into public.rt_late values (7)',
    );
    const { data, error } = await db().from('rt_late').select();
    expect(error).toBeNull();
    expect(data).toEqual([{ id: 7 }]);
  });
});

describe('computed relationships', () => {
  beforeAll(async () => {
    await t.db.query(`
      create function public.rt_written(public.rt_authors) returns setof public.rt_books
        language sql stable as $$ select * from public.rt_books where author_id = $1.id $$;
      create function public.rt_writer(public.rt_books) returns setof public.rt_authors rows 1
        language sql stable as $$ select * from public.rt_authors where id = $1.author_id $$;
      create function public.rt_editor(public.rt_books) returns public.rt_authors
        language sql stable as $$ select * from public.rt_authors where id = $1.editor_id $$;
      grant execute on function public.rt_written(public.rt_authors), public.rt_writer(public.rt_books),
        public.rt_editor(public.rt_books) to anon, authenticated, service_role;`);
    // The DDL's NOTIFY reloads the schema cache asynchronously.
    const deadline = Date.now() + 5000;
    while (
      (await db().from('rt_books').select('id, rt_writer(id), rt_editor(id)')).error &&
      Date.now() < deadline
    ) {
      await new Promise((r) => setTimeout(r, 50));
    }
    while ((await db().from('rt_authors').select('id, rt_written(id)')).error && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
  });

  it('embeds a setof function as to-many, with filters, order and limit on the embed', async () => {
    const { data, error } = await db()
      .from('rt_authors')
      .select('id, written:rt_written(title)')
      .order('title', { referencedTable: 'written', ascending: false })
      .in('id', [1, 4])
      .order('id');
    expect(error).toBeNull();
    expect(data).toEqual([
      { id: 1, written: [{ title: 'The Left Hand of Darkness' }, { title: 'The Dispossessed' }] },
      { id: 4, written: [] },
    ]);
  });

  it('embeds `rows 1` and single-row functions as to-one objects, spreadable and inner-joinable', async () => {
    const { data, error } = await db()
      .from('rt_books')
      .select('id, writer:rt_writer(name), ...rt_editor(editor:name)')
      .in('id', [1, 4])
      .order('id');
    expect(error).toBeNull();
    expect(data).toEqual([
      { id: 1, writer: { name: 'Ursula K. Le Guin' }, editor: 'Stanisław Lem' },
      { id: 4, writer: { name: 'Octavia E. Butler' }, editor: null },
    ]);
    const inner = await db().from('rt_books').select('id, rt_writer!inner(name)').order('id');
    expect(inner.error).toBeNull();
    expect(inner.data?.map((r) => r.id)).toEqual([1, 2, 3, 4]);
  });

  it('a function named like the related table replaces the ambiguous foreign keys', async () => {
    const ambiguous = await db().from('rt_books').select('id, rt_authors(name)').eq('id', 3);
    expect(ambiguous.error?.code).toBe('PGRST201');
    await t.db.query(`
      create function public.rt_authors(public.rt_books) returns setof public.rt_authors rows 1
        language sql stable as $$ select * from public.rt_authors where id = $1.editor_id $$;
      grant execute on function public.rt_authors(public.rt_books) to service_role;
      notify pgrst, 'reload schema';`);
    const deadline = Date.now() + 5000;
    let res = await db().from('rt_books').select('id, rt_authors(name)').eq('id', 3);
    while (res.error && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      res = await db().from('rt_books').select('id, rt_authors(name)').eq('id', 3);
    }
    expect(res.error).toBeNull();
    expect(res.data).toEqual([{ id: 3, rt_authors: { name: 'Ursula K. Le Guin' } }]);
  });

  it('embeds computed relationships in the representation of a write', async () => {
    const { data, error } = await db()
      .from('rt_books')
      .update({ pages: 304 })
      .eq('id', 1)
      .select('id, rt_writer(name)')
      .single();
    expect(error).toBeNull();
    expect(data).toEqual({ id: 1, rt_writer: { name: 'Ursula K. Le Guin' } });
  });
});

describe('relationships through views', () => {
  beforeAll(async () => {
    await t.db.query(`
      create view public.rt_book_view as select id as book_id, title, author_id as writer from public.rt_books;
      create view public.rt_author_view as select id, name from public.rt_authors;
      create view public.rt_author_view2 as select id as author, name from public.rt_author_view;
      create schema rt_private;
      create table rt_private.teams (id int primary key, name text);
      create table rt_private.players (id int primary key, team_id int references rt_private.teams (id), name text);
      insert into rt_private.teams values (1, 'Reds'), (2, 'Blues');
      insert into rt_private.players values (1, 1, 'Ann'), (2, 1, 'Bo'), (3, 2, 'Cy');
      create view public.rt_teams as select id, name from rt_private.teams;
      create view public.rt_players as select id, team_id as team, name from rt_private.players;
      grant usage on schema rt_private to service_role;
      grant select on rt_private.teams, rt_private.players to service_role;
      grant select on public.rt_book_view, public.rt_author_view, public.rt_author_view2, public.rt_teams,
        public.rt_players to service_role;`);
    const deadline = Date.now() + 5000;
    while ((await db().from('rt_players').select('id, rt_teams(id)')).error && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
  });

  it('embeds a table from a view whose column traces to the foreign key (view → table)', async () => {
    const { data, error } = await db()
      .from('rt_book_view')
      .select('book_id, rt_authors(name)')
      .in('book_id', [3, 5])
      .order('book_id');
    expect(error).toBeNull();
    expect(data).toEqual([
      { book_id: 3, rt_authors: { name: 'Stanisław Lem' } },
      { book_id: 5, rt_authors: null },
    ]);
    const hinted = await db()
      .from('rt_book_view')
      .select('book_id, rt_authors!rt_books_author_id_fkey(name)')
      .eq('book_id', 3);
    expect(hinted.data).toEqual([{ book_id: 3, rt_authors: { name: 'Stanisław Lem' } }]);
  });

  it('embeds views from tables and views (table → view, view → view, views of views)', async () => {
    const fromTable = await db().from('rt_authors').select('id, rt_book_view(title)').eq('id', 2);
    expect(fromTable.error).toBeNull();
    expect(fromTable.data).toEqual([{ id: 2, rt_book_view: [{ title: 'Solaris' }] }]);
    const viewToView = await db()
      .from('rt_book_view')
      .select('title, writer:rt_author_view(name)')
      .eq('book_id', 4);
    expect(viewToView.error).toBeNull();
    expect(viewToView.data).toEqual([{ title: 'Kindred', writer: { name: 'Octavia E. Butler' } }]);
    const nested = await db().from('rt_author_view2').select('author, rt_book_view(book_id)').eq('author', 3);
    expect(nested.error).toBeNull();
    expect(nested.data).toEqual([{ author: 3, rt_book_view: [{ book_id: 4 }] }]);
  });

  it('relates views of tables in a schema that is not exposed', async () => {
    const { data, error } = await db().from('rt_teams').select('name, rt_players(name)').order('id');
    expect(error).toBeNull();
    expect(data).toEqual([
      { name: 'Reds', rt_players: [{ name: 'Ann' }, { name: 'Bo' }] },
      { name: 'Blues', rt_players: [{ name: 'Cy' }] },
    ]);
  });
});
