import { createTestDatabase, type TestDatabase } from '@harmony/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bits, type Community, createRole, seedCommunity, sendMessage } from './fixtures.js';

// get_unread_state() derives counts from sequence numbers, deletion gaps and stored mention
// targets (migration 20261206131000). The reference is what it counted before: every live
// message after the read marker by someone else, and those of them mentioning the reader
// directly, through one of their roles, or with @everyone. After every random step the two
// must agree for every member.

let db: TestDatabase;
let c: Community;
let roleId: string;

beforeAll(async () => {
  db = await createTestDatabase();
  c = await seedCommunity(db);
  roleId = await createRole(db, c.server.serverId, { name: 'team', permissions: 0n, position: 1 });
  await db.query('update public.roles set mentionable = true where id = $1', [roleId]);
  await db.query('insert into public.member_roles (server_id, profile_id, role_id) values ($1, $2, $3)', [
    c.server.serverId,
    c.member.profileId,
    roleId,
  ]);
  // The owner's @everyone needs MENTION_EVERYONE: owners hold every permission.
  expect(await bits(db, ['MENTION_EVERYONE'])).toBeGreaterThan(0n);
});
afterAll(() => db.close());

const REFERENCE_SQL = `
  select c.id as channel_id, coalesce(rs.last_read_seq, 0)::int as read, coalesce(s.last_seq, 0)::int as last,
         (select count(*) from public.messages m
           where m.channel_id = c.id and m.seq > coalesce(rs.last_read_seq, 0) and m.deleted_at is null
             and m.author_id is distinct from $1)::int as unread_count,
         (select count(*) from public.messages m
           where m.channel_id = c.id and m.seq > coalesce(rs.last_read_seq, 0) and m.deleted_at is null
             and m.author_id is distinct from $1
             and ($1 = any(m.mention_profile_ids) or m.mention_everyone
                  or m.mention_role_ids && array(select mr.role_id from public.member_roles mr
                                                  where mr.server_id = c.server_id and mr.profile_id = $1)))::int
           as mention_count
    from public.channels c
    left join public.read_states rs on rs.channel_id = c.id and rs.profile_id = $1
    left join public.channel_sequences s on s.channel_id = c.id
   where private.channel_permissions(c.id, $1) & (public.permission('VIEW_CHANNEL') | public.permission('READ_MESSAGE_HISTORY'))
         = public.permission('VIEW_CHANNEL') | public.permission('READ_MESSAGE_HISTORY')
   order by c.id`;

type Member = Community['member'];

async function mismatch(who: Member) {
  const expected = (await db.query(REFERENCE_SQL, [who.profileId])).rows;
  const actual = (
    await who.api.query(
      `select channel_id, last_read_seq::int as read, last_message_seq::int as last, unread_count, mention_count
         from public.get_unread_state() order by channel_id`,
    )
  ).rows;
  return { expected, actual };
}

/** mulberry32: the same seed replays the same steps. */
function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('get_unread_state', () => {
  it('equals counting every unread message, after random sends, mentions, edits, deletes and reads', async () => {
    const next = random(17);
    const people = [c.owner, c.moderator, c.member];
    const pick = <T>(items: T[]) => items[Math.floor(next() * items.length)] as T;
    const channel = c.server.textChannelId;
    const texts = () => [
      'plain',
      `<@${c.member.profileId}> hi`,
      `<@${c.moderator.profileId}>`,
      `<@&${roleId}> team`,
      '@everyone look',
      `@here and <@${c.member.profileId}>`,
    ];
    const sent: { id: string; author: Member }[] = [];
    for (let step = 0; step < 120; step++) {
      const roll = next();
      if (roll < 0.55 || sent.length === 0) {
        const author = pick(people);
        const row = await sendMessage(author, channel, pick(texts()));
        sent.push({ id: row.id, author });
      } else if (roll < 0.65) {
        const { id, author } = pick(sent);
        await author.api.query(
          'update public.messages set content = $2 where id = $1 and deleted_at is null',
          [id, pick(texts())],
        );
      } else if (roll < 0.75) {
        const { id, author } = pick(sent);
        await author.api.query('select public.delete_message($1)', [id]).catch(() => undefined);
      } else if (roll < 0.8) {
        // A hard delete (what a retention job or the service role may do).
        await db.query('delete from public.messages where id = $1', [pick(sent).id]);
      } else {
        const reader = pick(people);
        const { rows } = await db.query<{ last: number }>(
          'select last_seq::int as last from public.channel_sequences where channel_id = $1',
          [channel],
        );
        const to = Math.floor(next() * ((rows[0]?.last ?? 0) + 1));
        await reader.api.query('select public.mark_channel_read($1, $2)', [channel, to]);
      }
      if (step % 10 === 9) {
        for (const who of people) {
          const { expected, actual } = await mismatch(who);
          expect({ step, who: who.username, actual }).toEqual({ step, who: who.username, actual: expected });
        }
      }
    }
  });

  it('a member of many channels who has read everything gets zeros without counting messages', async () => {
    await c.member.api.query('select public.mark_channel_read($1)', [c.server.textChannelId]);
    const { rows } = await c.member.api.query<{ unread_count: number; mention_count: number }>(
      'select unread_count, mention_count from public.get_unread_state() where channel_id = $1',
      [c.server.textChannelId],
    );
    expect(rows).toEqual([{ unread_count: 0, mention_count: 0 }]);
  });
});
