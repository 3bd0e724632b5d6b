import { createTestDatabase, type TestDatabase } from '@harmony/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from './fixtures.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.close());

describe('profiles', () => {
  it('are created on signup with the requested username and a settings row', async () => {
    await db.rollback(async (tx) => {
      const ada = await createUser(tx, 'ada');
      const { rows } = await ada.api.query('select username, status from public.profiles where id = $1', [
        ada.profileId,
      ]);
      expect(rows).toEqual([{ username: 'ada', status: 'offline' }]);
      const settings = await ada.api.query('select preferred_status from public.user_settings');
      expect(settings.rows).toEqual([{ preferred_status: 'online' }]);
    });
  });

  it('reject a signup whose username is malformed or taken, creating nothing', async () => {
    await db.rollback(async (tx) => {
      await createUser(tx, 'ada');
      await expect(createUser(tx, 'ada')).rejects.toThrow('username "ada" is already taken');
      await expect(createUser(tx, 'Bad Name!')).rejects.toThrow(/username must be 2 to 32 characters/);
      const { rows } = await tx.query('select count(*)::int as n from auth.users');
      expect(rows[0]?.n).toBe(1);
    });
  });

  it('let a user edit their display fields but not their status or identity, nor anyone else', async () => {
    await db.rollback(async (tx) => {
      const ada = await createUser(tx, 'ada');
      const bob = await createUser(tx, 'bob');
      await ada.api.query(`update public.profiles set bio = 'hello' where id = $1`, [ada.profileId]);
      await expect(ada.api.query(`update public.profiles set status = 'online'`)).rejects.toThrow(
        'permission denied',
      );
      const other = await ada.api.query(`update public.profiles set bio = 'pwned' where id = $1`, [
        bob.profileId,
      ]);
      expect(other.rowCount).toBe(0);
      await expect(db.asAnon().query('select * from public.profiles')).rejects.toThrow('permission denied');
    });
  });

  it('show invisible users as offline', async () => {
    await db.rollback(async (tx) => {
      const ada = await createUser(tx, 'ada');
      const bob = await createUser(tx, 'bob');
      expect((await ada.api.query(`select public.set_presence('invisible') as s`)).rows[0]?.s).toBe(
        'offline',
      );
      const seen = await bob.api.query('select status from public.profiles where id = $1', [ada.profileId]);
      expect(seen.rows[0]?.status).toBe('offline');
      await ada.api.query(`select public.set_presence('dnd')`);
      const again = await bob.api.query('select status from public.profiles where id = $1', [ada.profileId]);
      expect(again.rows[0]?.status).toBe('dnd');
    });
  });
});

describe('friends and blocks', () => {
  it('turn a request into a friendship on acceptance, with notifications both ways', async () => {
    await db.rollback(async (tx) => {
      const ada = await createUser(tx, 'ada');
      const bob = await createUser(tx, 'bob');
      expect((await ada.api.query(`select public.send_friend_request('bob') as r`)).rows[0]?.r).toBe(
        'pending',
      );
      const request = await bob.api.query<{ id: string }>('select id from public.friend_requests');
      await bob.api.query('select public.accept_friend_request($1)', [request.rows[0]?.id]);
      expect((await ada.api.query('select count(*)::int as n from public.friendships')).rows[0]?.n).toBe(1);
      const notes = await tx.query('select type from public.notifications order by created_at');
      expect(notes.rows.map((r) => r.type)).toEqual(['friend_request', 'friend_accept']);
    });
  });

  it("read a request's notification once it is accepted, declined or cancelled; not before (20261207030000)", async () => {
    await db.rollback(async (tx) => {
      const ada = await createUser(tx, 'ada');
      const bob = await createUser(tx, 'bob');
      const cy = await createUser(tx, 'cy');
      const unread = async (who: typeof bob) =>
        (
          await who.api.query<{ n: number }>(
            `select count(*)::int as n from public.notifications
              where type = 'friend_request' and read_at is null`,
          )
        ).rows[0]?.n;
      const requestTo = async (from: typeof ada, to: typeof bob) => {
        await from.api.query('select public.send_friend_request($1)', [to.username]);
        return (
          await to.api.query<{ id: string }>('select id from public.friend_requests where sender_id <> $1', [
            to.profileId,
          ])
        ).rows[0]?.id as string;
      };

      // Accepted: Bob's notification of it is read.
      const fromAda = await requestTo(ada, bob);
      expect(await unread(bob)).toBe(1);
      await bob.api.query('select public.accept_friend_request($1)', [fromAda]);
      expect(await unread(bob)).toBe(0);

      // Declined by the recipient, or cancelled by the sender: read too; other requests stay unread.
      const fromCy = await requestTo(cy, ada);
      await requestTo(bob, cy);
      await ada.api.query('delete from public.friend_requests where id = $1', [fromCy]);
      expect(await unread(ada)).toBe(0);
      expect(await unread(cy)).toBe(1);
      await bob.api.query('delete from public.friend_requests where recipient_id = $1', [cy.profileId]);
      expect(await unread(cy)).toBe(0);
    });
  });

  it('accept automatically when both sides ask', async () => {
    await db.rollback(async (tx) => {
      const ada = await createUser(tx, 'ada');
      await createUser(tx, 'bob');
      const bob = (await tx.query<{ user_id: string }>(`select user_id from profiles where username = 'bob'`))
        .rows[0]?.user_id as string;
      await ada.api.query(`select public.send_friend_request('bob')`);
      const result = await tx.asUser({ sub: bob }).query(`select public.send_friend_request('ada') as r`);
      expect(result.rows[0]?.r).toBe('accepted');
      expect((await tx.query('select count(*)::int as n from public.friend_requests')).rows[0]?.n).toBe(0);
    });
  });

  it('hide the difference between a blocked and a missing user', async () => {
    await db.rollback(async (tx) => {
      const ada = await createUser(tx, 'ada');
      const bob = await createUser(tx, 'bob');
      await bob.api.query('select public.block_user($1)', [ada.profileId]);
      const blocked = await ada.api.query(`select public.send_friend_request('bob')`).catch((e: Error) => e);
      const missing = await ada.api
        .query(`select public.send_friend_request('nobody')`)
        .catch((e: Error) => e);
      expect(String(blocked).replace('bob', 'X')).toBe(String(missing).replace('nobody', 'X'));
      // The blocker's block list is private.
      expect((await ada.api.query('select * from public.user_blocks')).rowCount).toBe(0);
      expect((await bob.api.query('select * from public.user_blocks')).rowCount).toBe(1);
    });
  });

  it('end a friendship when one side blocks the other', async () => {
    await db.rollback(async (tx) => {
      const ada = await createUser(tx, 'ada');
      const bob = await createUser(tx, 'bob');
      await ada.api.query(`select public.send_friend_request('bob')`);
      await tx.asUser({ sub: bob.userId }).query(`select public.send_friend_request('ada')`);
      await bob.api.query('select public.block_user($1)', [ada.profileId]);
      expect((await tx.query('select count(*)::int as n from public.friendships')).rows[0]?.n).toBe(0);
    });
  });

  it('refuse befriending oneself and anonymous callers', async () => {
    await db.rollback(async (tx) => {
      const ada = await createUser(tx, 'ada');
      await expect(ada.api.query(`select public.send_friend_request('ada')`)).rejects.toThrow(/yourself/);
      await expect(db.asAnon().query(`select public.send_friend_request('ada')`)).rejects.toThrow(
        'permission denied for function send_friend_request',
      );
    });
  });
});

describe('migration 20261124_profile_pronouns', () => {
  it('lets users set short pronouns on their own profile only', async () => {
    await db.rollback(async (tx) => {
      const ada = await createUser(tx, 'ada');
      await ada.api.query(`update public.profiles set pronouns = 'she/her' where id = $1`, [ada.profileId]);
      await expect(
        ada.api.query(`update public.profiles set pronouns = $2 where id = $1`, [
          ada.profileId,
          'x'.repeat(41),
        ]),
      ).rejects.toThrow('profiles_pronouns_length');
      const { rows } = await tx.query('select pronouns from public.profiles where id = $1', [ada.profileId]);
      expect(rows[0]?.pronouns).toBe('she/her');
    });
  });

  it('is idempotent: applying it again changes nothing', async () => {
    const { readFileSync } = await import('node:fs');
    const sql = readFileSync(
      new URL('../migrations/20261124_profile_pronouns.sql', import.meta.url),
      'utf8',
    ).replace(/^(BEGIN|COMMIT);$/gm, '');
    await db.rollback(async (tx) => {
      await tx.query('set local role postgres');
      await tx.query(sql);
      await tx.query(sql);
      const { rows } = await tx.query(
        `select count(*)::int as n from pg_constraint where conname = 'profiles_pronouns_length'`,
      );
      expect(rows[0]?.n).toBe(1);
    });
  });
});
