import { randomBytes } from 'node:crypto';
import type { TestDatabase } from '@harmony/db/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, failure, type TestUser } from '../../../db_schema/tests/fixtures.js';
import { createServerDatabase, enableServerLogin } from './helpers.js';

let db: TestDatabase;
let asServer: pg.Pool;
let alice: TestUser;
let mallory: TestUser;

beforeAll(async () => {
  db = await createServerDatabase();
  asServer = new pg.Pool({ connectionString: db.url('harmony_server'), max: 2 });
  alice = await createUser(db, 'alice');
  mallory = await createUser(db, 'mallory');
});
afterAll(async () => {
  await asServer?.end();
  await db?.close();
});

const keys = () => ({
  p256dh: randomBytes(65).toString('base64url'),
  auth: randomBytes(16).toString('base64url'),
});
async function register(user: TestUser, endpoint: string) {
  const { p256dh, auth } = keys();
  const { rows } = await user.api.query<{ id: string }>(
    'select public.register_push_subscription($1, $2, $3, $4) as id',
    [endpoint, p256dh, auth, 'Firefox on Linux'],
  );
  return rows[0]?.id as string;
}

describe('role harmony_server', () => {
  it('gets its login from several test databases of one cluster at once', async () => {
    // Parallel test files do this at the same moment; without the lock some failed with
    // "tuple concurrently updated".
    for (let round = 0; round < 5; round++)
      await Promise.all(Array.from({ length: 4 }, () => enableServerLogin(db)));
  });

  it('is no superuser, cannot bypass RLS or create roles and databases', async () => {
    const { rows } = await db.query(
      `select rolsuper, rolbypassrls, rolcreaterole, rolcreatedb from pg_roles where rolname = 'harmony_server'`,
    );
    expect(rows).toEqual([
      { rolsuper: false, rolbypassrls: false, rolcreaterole: false, rolcreatedb: false },
    ]);
  });

  it('cannot read what its jobs do not need, nor write app tables directly', async () => {
    for (const statement of [
      'select * from auth.users',
      'select * from private.channel_member_permissions',
      'select * from public.friendships',
      `insert into public.messages (channel_id, content) values (gen_random_uuid(), 'x')`,
      `update public.profiles set status = 'online'`,
      'delete from public.notifications',
      'create schema stolen',
    ]) {
      expect((await failure(asServer.query(statement))).code, statement).toBe('42501');
    }
  });
});

describe('push_subscriptions from a client', () => {
  it('a user lists and removes only their own devices', async () => {
    const mine = await register(alice, 'https://push.example.test/alice-laptop');
    await register(mallory, 'https://push.example.test/mallory-phone');
    const listed = await mallory.api.query<{ endpoint: string }>(
      'select endpoint from public.push_subscriptions',
    );
    expect(listed.rows.map((r) => r.endpoint)).toEqual(['https://push.example.test/mallory-phone']);
    const removed = await mallory.api.query(
      'delete from public.push_subscriptions where id = $1 returning id',
      [mine],
    );
    expect(removed.rows).toEqual([]);
    expect(
      (await alice.api.query('delete from public.push_subscriptions where id = $1 returning id', [mine]))
        .rows,
    ).toHaveLength(1);
  });

  it('rows are written only through register_push_subscription, which checks what it stores', async () => {
    const direct = failure(
      mallory.api.query(
        `insert into public.push_subscriptions (profile_id, endpoint, public_key, auth_secret) values ($1, 'https://x.test', $2, $3)`,
        [alice.profileId, keys().p256dh, keys().auth],
      ),
    );
    expect((await direct).code).toBe('42501');
    const badEndpoint = await failure(
      mallory.api.query('select public.register_push_subscription($1, $2, $3)', [
        'file:///etc/passwd',
        keys().p256dh,
        keys().auth,
      ]),
    );
    expect(badEndpoint.code).toBe('22023');
    const anon = await failure(
      db
        .asAnon()
        .query('select public.register_push_subscription($1, $2, $3)', [
          'https://x.test/a',
          keys().p256dh,
          keys().auth,
        ]),
    );
    expect(anon.code).toBe('42501');
  });
});
