import { createTestDatabase, type Session, type TestDatabase } from '@harmony/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, createUser, pgError, seedServer, type TestServer, type TestUser } from './fixtures.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.close());

/** `count` messages by `author` in a channel, `daysAgo` UTC days before today (at noon). */
const post = (tx: Session, channelId: string, author: TestUser, count: number, daysAgo = 0) =>
  tx.query(
    `insert into public.messages (channel_id, author_id, content, created_at)
     select $1, $2, 'message ' || g, ((now() at time zone 'UTC')::date - $4::int + time '12:00') at time zone 'UTC'
       from generate_series(1, $3::int) g`,
    [channelId, author.profileId, count, daysAgo],
  );

const refresh = (tx: Session, daysAgo: number) =>
  tx
    .asService()
    .query<{ n: number }>(
      `select public.refresh_server_activity((now() at time zone 'UTC')::date - $1::int) as n`,
      [daysAgo],
    );

async function servers(tx: Session) {
  const owner = await createUser(tx, 'owner');
  const member = await createUser(tx, 'member');
  const stranger = await createUser(tx, 'stranger');
  const big = await seedServer(tx, owner, 'Big public');
  const small = await seedServer(tx, owner, 'Small public');
  const secret = await seedServer(tx, owner, 'Secret');
  await tx.query('update public.servers set is_public = true where id = any($1)', [
    [big.serverId, small.serverId],
  ]);
  await addMember(tx, big.serverId, member);
  await addMember(tx, secret.serverId, member);
  return { owner, member, stranger, big, small, secret };
}

describe('refresh_server_activity', () => {
  it('aggregates one UTC day of messages per server, idempotently, for service_role only', async () => {
    await db.rollback(async (tx) => {
      const { owner, member, big, small } = await servers(tx);
      await post(tx, big.textChannelId, owner, 3, 1);
      await post(tx, big.textChannelId, member, 2, 1);
      await post(tx, small.textChannelId, owner, 4, 2);
      await post(tx, small.textChannelId, owner, 1, 1);
      await tx.query(
        `update public.messages set deleted_at = now()
          where id = (select id from public.messages where channel_id = $1 order by seq limit 1)`,
        [big.textChannelId],
      );

      expect((await refresh(tx, 1)).rows[0]?.n).toBe(2);
      expect((await refresh(tx, 1)).rows[0]?.n).toBe(2);
      const { rows } = await tx.query<{ server_id: string }>(
        'select server_id, message_count, active_members from public.server_activity_daily order by message_count desc',
      );
      expect(rows).toEqual([
        { server_id: big.serverId, message_count: 4, active_members: 2 },
        { server_id: small.serverId, message_count: 1, active_members: 1 },
      ]);

      const byUser = await pgError(member.api.query('select public.refresh_server_activity(current_date)'));
      expect(byUser.message).toContain('permission denied for function refresh_server_activity');
      const noDay = tx.asService().query('select public.refresh_server_activity(null)');
      expect((await pgError(noDay)).code).toBe('22004');
    });
  });
});

describe('trending_servers', () => {
  it('ranks public servers by the last 7 days of activity and never lists private ones', async () => {
    await db.rollback(async (tx) => {
      const { owner, member, stranger, big, small, secret } = await servers(tx);
      const activity = async (server: TestServer, daysAgo: number, messages: number, members: number) =>
        tx.query(
          `insert into public.server_activity_daily (server_id, day, message_count, active_members)
           values ($1, (now() at time zone 'UTC')::date - $2::int, $3, $4)`,
          [server.serverId, daysAgo, messages, members],
        );
      await activity(big, 0, 50, 5);
      await activity(big, 6, 20, 2);
      await activity(small, 1, 40, 1);
      // Older than a week: ignored, however large.
      await activity(small, 7, 10_000, 100);
      await activity(secret, 0, 9_999, 99);

      const expected = [
        { rank: '1', name: 'Big public', messages_7d: '70', active_member_days_7d: '7', score: '140' },
        { rank: '2', name: 'Small public', messages_7d: '40', active_member_days_7d: '1', score: '50' },
      ];
      const query =
        'select rank, name, messages_7d, active_member_days_7d, score from public.trending_servers order by rank';
      expect((await stranger.api.query(query)).rows).toEqual(expected);
      // Membership of the private server does not put it on the public ranking.
      expect((await member.api.query(query)).rows).toEqual(expected);
      expect((await owner.api.query(query)).rows).toEqual(expected);
      expect((await pgError(tx.asAnon().query(query))).message).toContain('permission denied');

      // The underlying table shows a stranger public servers only, a member their own too.
      expect((await stranger.api.query('select 1 from public.server_activity_daily')).rowCount).toBe(4);
      expect((await member.api.query('select 1 from public.server_activity_daily')).rowCount).toBe(5);
      const write = stranger.api.query(`update public.server_activity_daily set message_count = 0`);
      expect((await pgError(write)).message).toContain('permission denied');
    });
  });
});

describe('public_server_directory and server_member_counts', () => {
  it('list public servers with member and online counts to every signed-in user', async () => {
    await db.rollback(async (tx) => {
      const { owner, member, stranger, big, small } = await servers(tx);
      await tx.query(`update public.profiles set status = 'online' where id = any($1)`, [
        [owner.profileId, member.profileId],
      ]);
      const { rows } = await stranger.api.query(
        'select server_id, name, member_count, online_count from public.public_server_directory order by name',
      );
      expect(rows).toEqual([
        { server_id: big.serverId, name: 'Big public', member_count: 2, online_count: 2 },
        { server_id: small.serverId, name: 'Small public', member_count: 1, online_count: 1 },
      ]);
      const anon = await pgError(tx.asAnon().query('select * from public.public_server_directory'));
      expect(anon.message).toContain('permission denied');
    });
  });

  it('count members of one’s own servers too, and reveal nothing about other private servers', async () => {
    await db.rollback(async (tx) => {
      const { member, stranger, big, small, secret } = await servers(tx);
      const counts = async (user: TestUser) =>
        (
          await user.api.query<{ server_id: string; member_count: number }>(
            'select server_id, member_count from public.server_member_counts',
          )
        ).rows;
      expect(await counts(member)).toEqual(
        expect.arrayContaining([
          { server_id: big.serverId, member_count: 2 },
          { server_id: secret.serverId, member_count: 2 },
        ]),
      );
      expect(await counts(member)).toHaveLength(3);
      expect((await counts(stranger)).map((r) => r.server_id).sort()).toEqual(
        [big.serverId, small.serverId].sort(),
      );
      const direct = await stranger.api.query('select * from public.server_member_stats($1)', [
        secret.serverId,
      ]);
      expect(direct.rows).toEqual([]);
      const missing = await stranger.api.query('select * from public.server_member_stats($1)', [
        '00000000-0000-4000-8000-000000000000',
      ]);
      expect(missing.rows).toEqual([]);
    });
  });
});
