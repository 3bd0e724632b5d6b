import { createTestDatabase, type TestDatabase } from '@harmony/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectStackDb, type StackDb } from '../src/db.js';
import { ApiError } from '../src/rest/errors.js';
import { type ExecuteOptions, execute, type MainResult } from '../src/rest/execute.js';

// The REST executor sends a transaction's statements under one Sync: when one fails, PostgreSQL
// skips the rest and leaves the transaction aborted. These run on a pool of ONE authenticator
// connection, so every request after a failure gets the very connection the failure left behind.

let db: TestDatabase;
let stackDb: StackDb;

beforeAll(async () => {
  db = await createTestDatabase();
  await db.query(`create table public.exec_items (id int primary key, note text not null);
                  insert into public.exec_items values (1, 'one');
                  grant select, insert on public.exec_items to anon`);
  // Reads run as implicit transactions: they must still be READ COMMITTED, as PostgREST's are.
  await db.query(`alter database ${db.name} set default_transaction_isolation = 'serializable'`);
  stackDb = connectStackDb(db.url(), 'postgres', 1);
});
afterAll(async () => {
  await stackDb.end();
  await db.close();
});

const CLAIMS = { role: 'anon', iss: 'rest-execute-test' };

/** A main statement of PostgREST's result shape (total, page total, body, headers, status, inserted). */
const mainShape = (body: string, from = '') =>
  `select null::bigint, 1, (${body})::text, null::text, null::text, null::bigint ${from}`;

const INSERT = `with i as (insert into public.exec_items values ($1, $2) returning 1) ${mainShape("''", 'from i')}`;
const CONTEXT = {
  method: 'GET',
  path: '/exec_items',
  headers: { 'x-test': 'yes' },
  cookies: {},
  schema: 'public',
};

function options(text: string, values: unknown[], extra: Partial<ExecuteOptions> = {}): ExecuteOptions {
  return {
    auth: { role: 'anon', claims: CLAIMS, claimsJson: JSON.stringify(CLAIMS) },
    context: CONTEXT,
    statement: { text, values, explain: null, isPlan: false },
    readOnly: true,
    roleSettings: [],
    extraSearchPath: [],
    rollback: false,
    ...extra,
  };
}

const run = (o: ExecuteOptions) => execute(stackDb.authenticator, o);

/** What the request gets back: the result, or the error's envelope and status. */
async function answer(o: ExecuteOptions): Promise<MainResult | Record<string, unknown>> {
  try {
    return await run(o);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    return { status: error.status, ...error.body() };
  }
}

/** The pooled connection as the next request finds it. */
async function connectionState() {
  const client = await stackDb.authenticator.connect();
  try {
    const status = (client as unknown as { getTransactionStatus(): string | null }).getTransactionStatus();
    const { rows } = await client.query(
      `select current_user as "user", coalesce(current_setting('request.jwt.claims', true), '') as claims,
              current_setting('transaction_read_only') as "readOnly"`,
    );
    return { status, ...rows[0] };
  } finally {
    client.release();
  }
}

const IDLE = { status: 'I', user: 'authenticator', claims: '', readOnly: 'off' };

const rows = async () =>
  (await db.query<{ id: number }>('select id from public.exec_items order by id')).rows.map((r) => r.id);

describe('REST executor, one Sync per transaction', () => {
  it('answers a read with its settings applied, and leaves the connection idle', async () => {
    const text = mainShape(
      `select json_build_object('role', current_user, 'claims', current_setting('request.jwt.claims'),
                                'ro', current_setting('transaction_read_only'),
                                'isolation', current_setting('transaction_isolation'),
                                'n', (select note from public.exec_items where id = $1))`,
    );
    for (let i = 0; i < 3; i++) {
      const result = await run(options(text, [1]));
      expect(JSON.parse(result.body)).toEqual({
        role: 'anon',
        claims: JSON.stringify(CLAIMS),
        ro: 'on',
        isolation: 'read committed',
        n: 'one',
      });
      expect(result.pageTotal).toBe(1);
    }
    expect(await connectionState()).toEqual(IDLE);
  });

  it('a statement failing as it runs answers its error, and the prepared statement stays usable', async () => {
    // Named from its second use on: the failures below leave a prepared statement behind.
    const text = mainShape('select 10 / $1::int');
    for (let i = 0; i < 3; i++)
      expect(await answer(options(text, [0]))).toEqual({
        status: 400,
        code: '22012',
        message: 'division by zero',
        details: null,
        hint: null,
      });
    expect(await connectionState()).toEqual(IDLE);
    expect((await run(options(text, [5]))).body).toBe('2');
  });

  it('a parameter refused at Bind answers its error, and the prepared statement stays usable', async () => {
    const text = mainShape('select $1::int + 1');
    for (let i = 0; i < 3; i++)
      expect(await answer(options(text, ['abc']))).toEqual({
        status: 400,
        code: '22P02',
        message: 'invalid input syntax for type integer: "abc"',
        details: null,
        hint: null,
      });
    expect(await connectionState()).toEqual(IDLE);
    expect((await run(options(text, [41]))).body).toBe('42');
  });

  it('a statement refused at Parse answers the same error every time', async () => {
    const text = mainShape('select no_such_column', 'from public.exec_items where id = $1');
    for (let i = 0; i < 3; i++)
      expect(await answer(options(text, [1]))).toMatchObject({ status: 400, code: '42703' });
    expect(await connectionState()).toEqual(IDLE);
  });

  it('a failing settings statement skips the main one, which the next request prepares again', async () => {
    const text = mainShape('select $1::int * 2');
    expect((await run(options(text, [1]))).body).toBe('2');
    // Second use: the statement gets its name here, but the role switch fails before it is parsed.
    const badRole = await answer({
      ...options(text, [2]),
      auth: { role: 'no_such_role', claims: {}, claimsJson: '{}' },
    });
    expect(badRole).toMatchObject({ code: '22023', message: 'role "no_such_role" does not exist' });
    expect(await connectionState()).toEqual(IDLE);
    expect((await run(options(text, [3]))).body).toBe('6');
  });

  it('a statement_timeout from the role settings bounds the main statement in the same pipeline', async () => {
    const slow = options(mainShape('select pg_sleep($1::float8)'), [0.5], {
      roleSettings: [['statement_timeout', '50ms']],
    });
    expect(await answer(slow)).toMatchObject({
      status: 500,
      code: '57014',
      message: 'canceling statement due to statement timeout',
    });
    expect(await connectionState()).toEqual(IDLE);
    expect((await run({ ...slow, statement: { ...slow.statement, values: [0] } })).body).toBe('');
  });

  it('a connection the server ends mid-statement answers an error, and the next request gets a fresh one', async () => {
    const slow = answer(options(mainShape('select pg_sleep($1::float8)'), [5]));
    await expect
      .poll(async () => {
        const { rows } = await db.query(
          `select pg_terminate_backend(pid) as ended from pg_stat_activity
            where usename = 'authenticator' and query like '%pg_sleep%' and state = 'active'`,
        );
        return rows.length;
      })
      .toBe(1);
    expect(await slow).toMatchObject({ status: 503, code: '57P01' });
    expect(await connectionState()).toEqual(IDLE);
    expect((await run(options(mainShape('select $1::int'), [5]))).body).toBe('5');
  });

  it('a read runs READ ONLY: a write in it answers 25006 and changes nothing', async () => {
    expect(await answer(options(INSERT, [7, 'seven']))).toMatchObject({ status: 405, code: '25006' });
    expect(await rows()).toEqual([1]);
    expect(await connectionState()).toEqual(IDLE);
  });
});

describe('REST executor, writes', () => {
  const write = (values: unknown[], extra: Partial<ExecuteOptions> = {}) =>
    options(INSERT, values, { readOnly: false, context: { ...CONTEXT, method: 'POST' }, ...extra });

  it('commits after the checks pass', async () => {
    await run(write([2, 'two'], { check: () => undefined }));
    expect(await rows()).toEqual([1, 2]);
    expect(await connectionState()).toEqual(IDLE);
  });

  it('rolls back when a check fails, with the check’s error', async () => {
    const refused = new ApiError(400, 'PGRST999', 'refused by the check');
    await expect(
      run(
        write([3, 'three'], {
          check: () => {
            throw refused;
          },
        }),
      ),
    ).rejects.toBe(refused);
    expect(await rows()).toEqual([1, 2]);
    expect(await connectionState()).toEqual(IDLE);
  });

  it('rolls back a statement that fails, with its error', async () => {
    expect(await answer(write([1, 'again']))).toMatchObject({ status: 409, code: '23505' });
    expect(await rows()).toEqual([1, 2]);
    expect(await connectionState()).toEqual(IDLE);
  });

  it('rolls back on Prefer: tx=rollback, answering the result', async () => {
    const result = await run(write([4, 'four'], { rollback: true }));
    expect(result.body).toBe('');
    expect(await rows()).toEqual([1, 2]);
    expect(await connectionState()).toEqual(IDLE);
  });
});
