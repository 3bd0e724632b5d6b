import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from './harness.js';
import { authenticatorSetting, installFixtures } from './rest-fixtures.js';

// Aggregate functions in `select` (PostgREST's aggregate_functions), switched on the way a
// project does it: `alter role authenticator set pgrst.db_aggregates_enabled = 'true'`.

let t: TestStack;
beforeAll(async () => {
  t = await startTestStack();
  await installFixtures(t);
  await t.db.query(authenticatorSetting('pgrst.db_aggregates_enabled', 'true'));
  await t.db.query(`notify pgrst, 'reload config'`);
  const deadline = Date.now() + 5000;
  while ((await t.service().from('rt_books').select('count()')).error && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
  }
});
afterAll(() => t.stop());

const db = () => t.service();

describe('aggregates', () => {
  it('count() counts all rows, named after the function', async () => {
    const { data, error } = await db().from('rt_books').select('count()');
    expect(error).toBeNull();
    expect(data).toEqual([{ count: 5 }]);
  });

  it('groups by the other selected columns, with aliases and output casts', async () => {
    const { data, error } = await db()
      .from('rt_books')
      .select(
        'author_id, count(), pages.sum(), total:price.sum(), pages.avg()::int, pages.max(), pages.min()',
      )
      .order('author_id');
    expect(error).toBeNull();
    expect(data).toEqual([
      { author_id: 1, count: 2, sum: 691, total: 22.49, avg: 346, max: 387, min: 304 },
      { author_id: 2, count: 1, sum: 204, total: 8, avg: 204, max: 204, min: 204 },
      { author_id: 3, count: 1, sum: 264, total: null, avg: 264, max: 264, min: 264 },
      { author_id: null, count: 1, sum: null, total: null, avg: null, max: null, min: null },
    ]);
  });

  it('casts the input of an aggregate (JSON path ::int.sum()) and respects filters', async () => {
    const { data, error } = await db()
      .from('rt_authors')
      .select('country, hugos:meta->awards->>hugo::int.sum()')
      .not('country', 'is', null)
      .order('country');
    expect(error).toBeNull();
    expect(data).toEqual([
      { country: 'PL', hugos: 0 },
      { country: 'US', hugos: 5 },
    ]);
  });

  it('aggregates within an embedded resource, per parent row', async () => {
    const { data, error } = await db()
      .from('rt_authors')
      .select('id, rt_books!author_id(count(), pages.sum())')
      .order('id');
    expect(error).toBeNull();
    expect(data).toEqual([
      { id: 1, rt_books: [{ count: 2, sum: 691 }] },
      { id: 2, rt_books: [{ count: 1, sum: 204 }] },
      { id: 3, rt_books: [{ count: 1, sum: 264 }] },
      { id: 4, rt_books: [{ count: 0, sum: null }] },
    ]);
  });

  it('groups by an embedded resource', async () => {
    const { data, error } = await db()
      .from('rt_books')
      .select('pages.sum(), author:rt_authors!author_id(country)');
    expect(error).toBeNull();
    expect(data).toEqual(
      expect.arrayContaining([
        { sum: 955, author: { country: 'US' } },
        { sum: 204, author: { country: 'PL' } },
        { sum: null, author: null },
      ]),
    );
    expect(data).toHaveLength(3);
  });

  it('groups by the columns of a spread resource', async () => {
    const { data, error } = await db()
      .from('rt_books')
      .select('pages.sum(), ...rt_authors!author_id(country)');
    expect(error).toBeNull();
    expect(data).toEqual(
      expect.arrayContaining([
        { sum: 955, country: 'US' },
        { sum: 204, country: 'PL' },
        { sum: null, country: null },
      ]),
    );
    expect(data).toHaveLength(3);
  });

  it("aggregates a spread resource's columns in the parent's groups", async () => {
    const { data, error } = await db()
      .from('rt_books')
      .select('published, ...rt_authors!author_id(born.max(), oldest:born.min())')
      .order('published');
    expect(error).toBeNull();
    expect(data).toEqual([
      { published: false, max: null, oldest: null },
      { published: true, max: '1947-06-22', oldest: '1921-09-12' },
    ]);
  });
});
