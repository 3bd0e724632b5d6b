import { createTestDatabase, type TestDatabase } from '@harmony/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, createUser, seedServer, setOverwrite } from './fixtures.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.close());

/** What Realtime does to authorise a private channel join: write, then read, as the user. */
const probe = (topic: string) =>
  `select set_config('realtime.topic', '${topic}', true);
   insert into realtime.messages (topic, extension, payload, private)
   values ('${topic}', 'broadcast', '{}', true);`;

describe('realtime', () => {
  it('publishes exactly the tables the client listens to', async () => {
    const { rows } = await db.query<{ t: string }>(
      `select tablename as t from pg_publication_tables where pubname = 'supabase_realtime' order by 1`,
    );
    expect(rows.map((r) => r.t)).toEqual([
      'channel_categories',
      'channel_overwrites',
      'channel_recipients',
      'channels',
      'friend_requests',
      'friendships',
      'member_roles',
      'message_reactions',
      'messages',
      'notifications',
      'profiles',
      'read_states',
      'roles',
      'server_members',
      'servers',
    ]);
  });

  it('lets members use channel and server topics, and each user only their own user topic', async () => {
    await db.rollback(async (tx) => {
      const owner = await createUser(tx, 'owner');
      const member = await createUser(tx, 'member');
      const stranger = await createUser(tx, 'stranger');
      const server = await seedServer(tx, owner);
      await addMember(tx, server.serverId, member);

      await member.api.query(probe(`channel:${server.textChannelId}`));
      await member.api.query(probe(`server:${server.serverId}`));
      await member.api.query(probe(`user:${member.profileId}`));
      for (const topic of [
        `channel:${server.textChannelId}`,
        `server:${server.serverId}`,
        `user:${member.profileId}`,
        'channel:not-a-uuid',
        'anything',
      ]) {
        await expect(stranger.api.query(probe(topic))).rejects.toThrow('row-level security');
      }
    });
  });

  it('follows channel permissions: hiding a channel closes its topic', async () => {
    await db.rollback(async (tx) => {
      const owner = await createUser(tx, 'owner');
      const member = await createUser(tx, 'member');
      const server = await seedServer(tx, owner);
      await addMember(tx, server.serverId, member);
      await setOverwrite(tx, server.textChannelId, { role: server.serverId }, { deny: 1024n });
      await expect(member.api.query(probe(`channel:${server.textChannelId}`))).rejects.toThrow(
        'row-level security',
      );
      await owner.api.query(probe(`channel:${server.textChannelId}`));
    });
  });

  it('lets a reader see broadcast rows of a topic only with the topic set, like Realtime does', async () => {
    await db.rollback(async (tx) => {
      const owner = await createUser(tx, 'owner');
      const server = await seedServer(tx, owner);
      await tx.query(
        `insert into realtime.messages (topic, extension, payload, private)
         values ($1, 'broadcast', '{}', true)`,
        [`channel:${server.textChannelId}`],
      );
      const read = (topic: string) =>
        owner.api.query(
          `select set_config('realtime.topic', $1, true);
           select count(*)::int as n from realtime.messages where topic = $1`.replace(/\$1/g, `'${topic}'`),
        );
      const results = (await read(`channel:${server.textChannelId}`)) as unknown as Array<{
        rows: { n: number }[];
      }>;
      expect(results[1]?.rows[0]?.n).toBe(1);
    });
  });
});
