import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from './harness.js';
import { authenticatorSetting, installFixtures } from './rest-fixtures.js';

// supabase-js `.explain()`: the `application/vnd.pgrst.plan` media types, which PostgREST only
// produces with db-plan-enabled (set in the database, as a project does it).

let t: TestStack;
beforeAll(async () => {
  t = await startTestStack();
  await installFixtures(t);
});
afterAll(() => t.stop());

const db = () => t.service();

async function enablePlans(): Promise<void> {
  await t.db.query(authenticatorSetting('pgrst.db_plan_enabled', 'true'));
  await t.db.query(`notify pgrst, 'reload config'`);
  const deadline = Date.now() + 5000;
  while ((await db().from('rt_tags').select().explain()).error && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('explain()', () => {
  it('answers 406 PGRST107 while db-plan-enabled is off', async () => {
    const { error, status } = await db().from('rt_books').select('id').explain();
    expect(status).toBe(406);
    expect(error).toMatchObject({
      code: 'PGRST107',
      message:
        'None of these media types are available: application/vnd.pgrst.plan+text; for="application/json"',
    });
  });

  it('returns the text plan of the query, with its content type', async () => {
    await enablePlans();
    const res = await fetch(`${t.url}/rest/v1/rt_books?select=id&id=eq.1`, {
      headers: { apikey: t.stack.keys.serviceRole, Accept: 'application/vnd.pgrst.plan' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(
      'application/vnd.pgrst.plan+text; for="application/json"; charset=utf-8',
    );
    const { data, error } = await db().from('rt_books').select('id').eq('id', 1).explain();
    expect(error).toBeNull();
    expect(typeof data).toBe('string');
    expect(data).toMatch(/rt_books/);
    expect(data).not.toMatch(/actual time/);
  });

  it('returns a JSON plan with analyze/verbose/buffers/settings options', async () => {
    const { data, error } = await db()
      .from('rt_books')
      .select('id, rt_authors!author_id(name)')
      .explain({ format: 'json', analyze: true, verbose: true, buffers: true, settings: true });
    expect(error).toBeNull();
    const plan = (data as unknown as { Plan: Record<string, unknown>; 'Execution Time'?: number }[])[0];
    expect(plan?.Plan['Actual Rows']).toBeDefined();
    expect(plan?.Plan.Output).toBeDefined();
    expect(plan?.['Execution Time']).toEqual(expect.any(Number));
  });

  it('explains single-object reads and function calls without running the singular check', async () => {
    const single = await fetch(`${t.url}/rest/v1/rt_books?select=id`, {
      headers: {
        apikey: t.stack.keys.serviceRole,
        Accept: 'application/vnd.pgrst.plan+json; for="application/vnd.pgrst.object+json"',
      },
    });
    expect(single.status).toBe(200);
    expect(single.headers.get('content-type')).toBe(
      'application/vnd.pgrst.plan+json; for="application/vnd.pgrst.object+json"; charset=utf-8',
    );
    expect(((await single.json()) as { Plan?: unknown }[])[0]?.Plan).toBeDefined();
    const call = await db().rpc('rt_squares', { n: 3 }).explain({ format: 'json' });
    expect(call.error).toBeNull();
    expect((call.data as unknown as { Plan?: unknown }[])[0]?.Plan).toBeDefined();
  });

  it('explains a write without performing it unless analyze runs it', async () => {
    const { data, error } = await db().from('rt_items').insert({ name: 'explained' }).explain();
    expect(error).toBeNull();
    expect(data).toMatch(/Insert on/);
    const rows = await t.db.query(`select 1 from public.rt_items where name = 'explained'`);
    expect(rows.rowCount).toBe(0);
  });
});
