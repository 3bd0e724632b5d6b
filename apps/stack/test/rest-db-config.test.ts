import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from './harness.js';
import { authenticatorSetting, installFixtures, rest } from './rest-fixtures.js';

// PostgREST's in-database configuration: `alter role authenticator set pgrst.* = …` overrides the
// environment, read on start and on NOTIFY pgrst, 'reload config'.

let t: TestStack;
beforeAll(async () => {
  t = await startTestStack();
  await installFixtures(t);
  await t.db.query(`create schema rt_extra;
    create table rt_extra.rt_things (id int primary key);
    insert into rt_extra.rt_things values (7);
    grant usage on schema rt_extra to anon, authenticated, service_role;
    grant select on rt_extra.rt_things to anon, authenticated, service_role;`);
});
afterAll(() => t.stop());

const db = () => t.service();

async function setConfig(sql: string): Promise<void> {
  await t.db.query(sql);
  await t.db.query(`notify pgrst, 'reload config'`);
}

/** Retries until the reloaded config shows (the NOTIFY is asynchronous). */
async function eventually<T>(probe: () => PromiseLike<T>, ok: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const value = await probe();
    if (ok(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('in-database configuration', () => {
  it('db_max_rows caps reads after reload config, and resetting it lifts the cap', async () => {
    const all = await db().from('rt_books').select('id');
    expect(all.data).toHaveLength(5);
    await setConfig(authenticatorSetting('pgrst.db_max_rows', '2'));
    const capped = await eventually(
      () => db().from('rt_books').select('id').order('id'),
      (r) => r.data?.length === 2,
    );
    expect(capped.data).toEqual([{ id: 1 }, { id: 2 }]);
    await setConfig(authenticatorSetting('pgrst.db_max_rows'));
    const lifted = await eventually(
      () => db().from('rt_books').select('id'),
      (r) => r.data?.length === 5,
    );
    expect(lifted.data).toHaveLength(5);
  });

  it('a database-specific setting wins over the role-wide one', async () => {
    // Role-wide, a cap no other test file notices; the database's own setting must win over it.
    await t.db.query(`alter role authenticator set pgrst.db_max_rows = '1000000'`);
    await setConfig(authenticatorSetting('pgrst.db_max_rows', '3'));
    const capped = await eventually(
      () => db().from('rt_books').select('id'),
      (r) => r.data?.length === 3,
    );
    expect(capped.data).toHaveLength(3);
    await t.db.query(authenticatorSetting('pgrst.db_max_rows'));
    await setConfig(`alter role authenticator reset pgrst.db_max_rows`); // role-wide
    await eventually(
      () => db().from('rt_books').select('id'),
      (r) => r.data?.length === 5,
    );
  });

  it('db_schemas exposes the schemas it lists', async () => {
    const before = await db().schema('rt_extra').from('rt_things').select();
    expect(before.error?.code).toBe('PGRST106');
    await setConfig(authenticatorSetting('pgrst.db_schemas', 'public, rt_extra'));
    const after = await eventually(
      () => db().schema('rt_extra').from('rt_things').select(),
      (r) => r.error === null,
    );
    expect(after.error).toBeNull();
    expect(after.data).toEqual([{ id: 7 }]);
    await setConfig(authenticatorSetting('pgrst.db_schemas'));
    await eventually(
      () => db().schema('rt_extra').from('rt_things').select(),
      (r) => r.error !== null,
    );
  });

  it('db_tx_end = rollback rolls every request back; tx=commit cannot override it', async () => {
    await setConfig(authenticatorSetting('pgrst.db_tx_end', 'rollback'));
    let probe = 0;
    await eventually(
      async () => {
        const name = `probe-${++probe}`;
        await db().from('rt_items').insert({ name });
        return (await t.db.query(`select 1 from public.rt_items where name = $1`, [name])).rowCount;
      },
      (n) => n === 0,
    );
    const { data, error } = await db()
      .from('rt_items')
      .insert({ name: 'rolled-back' })
      .select('name')
      .single();
    expect(error).toBeNull();
    expect(data).toEqual({ name: 'rolled-back' });
    const res = await rest(t, '/rt_items', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Prefer: 'tx=commit' },
      body: JSON.stringify({ name: 'still-rolled-back' }),
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('preference-applied') ?? '').not.toContain('tx=');
    const kept = await t.db.query(
      `select 1 from public.rt_items where name in ('rolled-back', 'still-rolled-back')`,
    );
    expect(kept.rowCount).toBe(0);
    await setConfig(authenticatorSetting('pgrst.db_tx_end'));
    await t.db.query(`delete from public.rt_items where name like 'probe-%'`);
  });

  it('db_aggregates_enabled switches aggregates on (PGRST123 while off)', async () => {
    const off = await db().from('rt_books').select('count()');
    expect(off.status).toBe(400);
    expect(off.error).toMatchObject({
      code: 'PGRST123',
      message: 'Use of aggregate functions is not allowed',
    });
    await setConfig(authenticatorSetting('pgrst.db_aggregates_enabled', 'true'));
    const on = await eventually(
      () => db().from('rt_books').select('count()'),
      (r) => r.error === null,
    );
    expect(on.data).toEqual([{ count: 5 }]);
    await setConfig(authenticatorSetting('pgrst.db_aggregates_enabled'));
    await eventually(
      () => db().from('rt_books').select('count()'),
      (r) => r.error?.code === 'PGRST123',
    );
  });
});
