import { createTestDatabase, type TestDatabase } from '@harmony/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, createUser, makeFriends, receives, seedServer, sends } from './fixtures.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.close());

// presence:<id> carries a person's live status to their friends (migration 20261206192000).
describe('friend presence topic', () => {
  it('lets only the person track and only their friends read, never anyone else', async () => {
    await db.rollback(async (tx) => {
      const ada = await createUser(tx, 'ada');
      const bob = await createUser(tx, 'bob');
      const cy = await createUser(tx, 'cy');
      await makeFriends(tx, ada, bob);
      // Cy shares a server with Ada but is not her friend: the server topic is where he sees her.
      const server = await seedServer(tx, ada);
      await addMember(tx, server.serverId, cy);
      const topic = `presence:${ada.profileId}`;

      expect(await receives(tx, ada.api, topic, 'presence')).toBe(true);
      expect(await sends(ada.api, topic, 'presence')).toBe(true);
      expect(await receives(tx, bob.api, topic, 'presence')).toBe(true);

      // A friend reads her presence but cannot pose as her or use the topic for anything else.
      expect(await sends(bob.api, topic, 'presence')).toBe(false);
      expect(await receives(tx, bob.api, topic, 'broadcast')).toBe(false);
      expect(await sends(bob.api, topic, 'broadcast')).toBe(false);
      // Nor even Ada broadcasts there: it is presence only.
      expect(await receives(tx, ada.api, topic, 'broadcast')).toBe(false);

      // Non-friends, server co-members included, and anonymous callers get nothing.
      for (const outsider of [cy.api, tx.asAnon()]) {
        expect(await receives(tx, outsider, topic, 'presence')).toBe(false);
        expect(await sends(outsider, topic, 'presence')).toBe(false);
      }
      // A malformed topic authorises nothing.
      expect(await receives(tx, bob.api, `presence:${ada.profileId}x`, 'presence')).toBe(false);
    });
  });

  it('stops at the end of the friendship, by removal or by a block', async () => {
    await db.rollback(async (tx) => {
      const ada = await createUser(tx, 'ada');
      const bob = await createUser(tx, 'bob');
      const dan = await createUser(tx, 'dan');
      await makeFriends(tx, ada, bob);
      await makeFriends(tx, ada, dan);
      const topic = `presence:${ada.profileId}`;
      expect(await receives(tx, bob.api, topic, 'presence')).toBe(true);
      expect(await receives(tx, dan.api, topic, 'presence')).toBe(true);

      await bob.api.query('delete from public.friendships');
      expect(await receives(tx, bob.api, topic, 'presence')).toBe(false);

      await ada.api.query('select public.block_user($1)', [dan.profileId]);
      expect(await receives(tx, dan.api, topic, 'presence')).toBe(false);
      // Dan's own topic is closed to Ada as well.
      expect(await receives(tx, ada.api, `presence:${dan.profileId}`, 'presence')).toBe(false);
    });
  });
});
