import { createTestDatabase, type TestDatabase } from '@harmony/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, DENIED, failure, INVALID, rpc, snapshot } from './fixtures.js';

/**
 * The instance admin's federation controls (pause, instance blocklist), from the attacker's
 * side: a normal user or anon pauses nothing, blocks nothing, reads no settings and cannot
 * make themselves an admin; an admin named by the operator (service_role) can.
 */

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.close());

const STATE = `select (select paused from private.federation_settings) as paused,
                      (select array_agg(domain order by domain) from public.federated_instances
                        where status = 'blocked') as blocked`;

describe('instance admins and federation settings', () => {
  it('a normal user cannot pause federation, block an instance, read the settings or become an admin', async () => {
    await db.rollback(async (tx) => {
      const mallory = await createUser(tx, 'mallory');
      const before = await snapshot(tx, STATE);

      expect(await failure(rpc(mallory.api, 'set_federation_paused', true))).toMatchObject(DENIED);
      expect(await failure(rpc(mallory.api, 'set_instance_blocked', 'good.example', true))).toMatchObject(
        DENIED,
      );
      expect(await failure(rpc(mallory.api, 'federation_admin_settings'))).toMatchObject(DENIED);
      expect(await rpc(mallory.api, 'is_instance_admin')).toBe(false);
      const selfPromotion = await failure(
        mallory.api.query('insert into public.instance_admins (user_id) values ($1)', [mallory.userId]),
      );
      expect(selfPromotion).toMatchObject(DENIED);

      const anon = tx.asAnon();
      expect(await failure(rpc(anon, 'set_federation_paused', true))).toMatchObject(DENIED);
      expect(await failure(rpc(anon, 'set_instance_blocked', 'good.example', true))).toMatchObject(DENIED);
      expect(await failure(rpc(anon, 'is_instance_admin'))).toMatchObject(DENIED);

      expect(await snapshot(tx, STATE)).toEqual(before);
    });
  });

  it('an admin the operator names pauses, blocks and unblocks; others do not see who is an admin', async () => {
    await db.rollback(async (tx) => {
      const admin = await createUser(tx, 'fedadmin');
      const other = await createUser(tx, 'other');
      await tx.asService().query('insert into public.instance_admins (user_id) values ($1)', [admin.userId]);
      expect(await rpc(admin.api, 'is_instance_admin')).toBe(true);
      expect((await other.api.query('select user_id from public.instance_admins')).rowCount).toBe(0);

      expect(await rpc(admin.api, 'set_federation_paused', true)).toBe(true);
      await rpc(admin.api, 'set_instance_blocked', 'Bad.Example:8443', true);
      const { rows } = await admin.api.query('select * from public.federation_admin_settings()');
      expect(rows).toEqual([{ paused: true, blocked_domains: ['bad.example:8443'] }]);
      expect(await failure(rpc(admin.api, 'set_instance_blocked', 'not a host/', true))).toMatchObject(
        INVALID,
      );

      await rpc(admin.api, 'set_federation_paused', false);
      await rpc(admin.api, 'set_instance_blocked', 'bad.example:8443', false);
      expect(await snapshot(tx, STATE)).toEqual([{ paused: false, blocked: null }]);

      // Removed by the operator: the controls are gone at once.
      await tx.asService().query('delete from public.instance_admins where user_id = $1', [admin.userId]);
      expect(await failure(rpc(admin.api, 'set_federation_paused', true))).toMatchObject(DENIED);
    });
  });
});
