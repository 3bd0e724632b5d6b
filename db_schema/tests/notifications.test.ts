import { createTestDatabase, type Session, type TestDatabase } from '@harmony/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addMember,
  bit,
  createRole,
  createUser,
  seedServer,
  sendMessage,
  setOverwrite,
  type TestUser,
} from './fixtures.js';

let db: TestDatabase;
let VIEW_CHANNEL: bigint;
let MENTION_EVERYONE: bigint;
beforeAll(async () => {
  db = await createTestDatabase();
  VIEW_CHANNEL = await bit(db, 'VIEW_CHANNEL');
  MENTION_EVERYONE = await bit(db, 'MENTION_EVERYONE');
});
afterAll(() => db.close());

/** An author and five readers of #general in one server (default level 'mentions'). */
async function world(tx: Session) {
  const owner = await createUser(tx, 'owner_user');
  const author = await createUser(tx, 'author');
  const readers: TestUser[] = [];
  const server = await seedServer(tx, owner);
  await addMember(tx, server.serverId, author);
  for (const name of ['ann', 'ben', 'cat', 'dan', 'eve']) {
    const user = await createUser(tx, name);
    await addMember(tx, server.serverId, user);
    readers.push(user);
  }
  const [ann, ben, cat, dan, eve] = readers as [TestUser, TestUser, TestUser, TestUser, TestUser];
  return { owner, author, ann, ben, cat, dan, eve, server, general: server.textChannelId };
}

const notified = async (tx: Session, messageId: string, type = 'mention') =>
  (
    await tx.query<{ username: string }>(
      `select p.username from public.notifications n join public.profiles p on p.id = n.recipient_id
        where n.message_id = $1 and n.type = $2 order by p.username`,
      [messageId, type],
    )
  ).rows.map((r) => r.username);

const mention = (...users: TestUser[]) => users.map((u) => `<@${u.profileId}>`).join(' ');

describe('mention notifications', () => {
  it('reach mentioned people unless their channel, server or mute settings say nothing', async () => {
    await db.rollback(async (tx) => {
      const w = await world(tx);
      // ben: server level 'nothing'; cat: channel level 'nothing'; dan: channel muted;
      // eve: server 'nothing' but channel 'all' (the channel wins).
      await tx.query(
        `insert into public.server_notification_settings (profile_id, server_id, level)
         select unnest($1::uuid[]), $2, 'nothing'`,
        [[w.ben.profileId, w.eve.profileId], w.server.serverId],
      );
      await tx.query(
        `insert into public.channel_notification_settings (profile_id, channel_id, level, muted_until)
         values ($1, $4, 'nothing', null), ($2, $4, null, now() + interval '1 hour'), ($3, $4, 'all', null)`,
        [w.cat.profileId, w.dan.profileId, w.eve.profileId, w.general],
      );
      const msg = await sendMessage(
        w.author,
        w.general,
        `hi ${mention(w.ann, w.ben, w.cat, w.dan, w.eve, w.author)}`,
      );
      expect(await notified(tx, msg.id)).toEqual(['ann', 'eve']);
      const note = await tx.query(
        'select actor_id, server_id, channel_id, data from public.notifications limit 1',
      );
      expect(note.rows[0]).toEqual({
        actor_id: w.author.profileId,
        server_id: w.server.serverId,
        channel_id: w.general,
        data: { via: 'user' },
      });
      // An expired mute no longer silences.
      await tx.query(
        `update public.channel_notification_settings set muted_until = now() - interval '1 minute'`,
      );
      const again = await sendMessage(w.author, w.general, mention(w.dan));
      expect(await notified(tx, again.id)).toEqual(['dan']);
    });
  });

  it('notify @everyone only when the author may, and only members who can see the channel', async () => {
    await db.rollback(async (tx) => {
      const w = await world(tx);
      const quiet = await sendMessage(w.author, w.general, '@everyone look');
      expect(quiet.mention_everyone).toBe(false);
      expect(await notified(tx, quiet.id)).toEqual([]);

      const herald = await createRole(tx, w.server.serverId, {
        name: 'herald',
        permissions: MENTION_EVERYONE,
        position: 1,
      });
      await tx.query('insert into public.member_roles (server_id, profile_id, role_id) values ($1, $2, $3)', [
        w.server.serverId,
        w.author.profileId,
        herald,
      ]);
      await setOverwrite(tx, w.general, { member: w.cat.profileId }, { deny: VIEW_CHANNEL });
      await tx.query(
        `insert into public.server_notification_settings (profile_id, server_id, level) values ($1, $2, 'nothing')`,
        [w.ben.profileId, w.server.serverId],
      );
      const loud = await sendMessage(w.author, w.general, '@everyone look');
      // The insert writes no row per member: each member's own sync creates theirs.
      expect(await notified(tx, loud.id)).toEqual([]);
      const members = [w.owner, w.author, w.ann, w.ben, w.cat, w.dan, w.eve];
      const sync = (user: TestUser) =>
        user.api.query<{ n: number }>('select public.sync_mention_notifications() as n');
      const created = [];
      for (const user of members) created.push((await sync(user)).rows[0]?.n);
      expect(created).toEqual([1, 0, 1, 0, 0, 1, 1]);
      expect(await notified(tx, loud.id)).toEqual(['ann', 'dan', 'eve', 'owner_user']);
      const via = await tx.query('select distinct data from public.notifications where message_id = $1', [
        loud.id,
      ]);
      expect(via.rows).toEqual([{ data: { via: 'everyone' } }]);
      // Once per message: a second sync, or a dismissal then a sync, creates nothing again.
      await tx.query('delete from public.notifications where recipient_id = $1', [w.ann.profileId]);
      for (const user of members) expect((await sync(user)).rows[0]?.n).toBe(0);
      // A member who joins later is not notified of what was said before they came.
      const late = await createUser(tx, 'late');
      await addMember(tx, w.server.serverId, late);
      // (One transaction has one now(): the join is dated after the message, as it would be.)
      await tx.query(
        `update public.server_members set joined_at = now() + interval '1 second' where profile_id = $1`,
        [late.profileId],
      );
      expect((await sync(late)).rows[0]?.n).toBe(0);
      expect(
        (
          await tx
            .asAnon()
            .query('select public.sync_mention_notifications()')
            .catch((e) => e)
        ).code,
      ).toBe('42501');
    });
  });

  it('notify the members of a mentioned role, once per message however many ways they are named', async () => {
    await db.rollback(async (tx) => {
      const w = await world(tx);
      const team = await createRole(tx, w.server.serverId, { name: 'team', permissions: 0n, position: 1 });
      for (const user of [w.ann, w.ben]) {
        await tx.query(
          'insert into public.member_roles (server_id, profile_id, role_id) values ($1, $2, $3)',
          [w.server.serverId, user.profileId, team],
        );
      }
      const ignored = await sendMessage(w.author, w.general, `<@&${team}>`);
      expect(ignored.mention_role_ids).toEqual([]);
      expect(await notified(tx, ignored.id)).toEqual([]);
      await tx.query('update public.roles set mentionable = true where id = $1', [team]);
      const msg = await sendMessage(w.author, w.general, `<@&${team}> and ${mention(w.ann)} and <@&${team}>`);
      expect(await notified(tx, msg.id)).toEqual(['ann', 'ben']);
      const vias = await tx.query<{ username: string; via: string }>(
        `select p.username, n.data ->> 'via' as via from public.notifications n
           join public.profiles p on p.id = n.recipient_id where n.message_id = $1 order by 1`,
        [msg.id],
      );
      expect(vias.rows).toEqual([
        { username: 'ann', via: 'user' },
        { username: 'ben', via: 'role' },
      ]);
    });
  });

  it('notify the replied-to author, and nobody who blocked the author', async () => {
    await db.rollback(async (tx) => {
      const w = await world(tx);
      const question = await sendMessage(w.ann, w.general, 'question');
      const answer = await sendMessage(w.author, w.general, 'answer', { replyToId: question.id });
      expect(await notified(tx, answer.id, 'reply')).toEqual(['ann']);
      const own = await sendMessage(w.ann, w.general, 'follow-up', { replyToId: question.id });
      expect(await notified(tx, own.id, 'reply')).toEqual([]);

      await w.ben.api.query('select public.block_user($1)', [w.author.profileId]);
      const msg = await sendMessage(w.author, w.general, mention(w.ben, w.cat));
      expect(await notified(tx, msg.id)).toEqual(['cat']);
    });
  });

  it('notify only mentions an edit adds', async () => {
    await db.rollback(async (tx) => {
      const w = await world(tx);
      const msg = await sendMessage(w.author, w.general, mention(w.ann));
      await w.ann.api.query('select public.mark_notifications_read()');
      await w.author.api.query('update public.messages set content = $2 where id = $1', [
        msg.id,
        `${mention(w.ann, w.ben)} (edited)`,
      ]);
      expect(await notified(tx, msg.id)).toEqual(['ann', 'ben']);
      const ann = await tx.query(
        'select read_at is not null as read from public.notifications where recipient_id = $1',
        [w.ann.profileId],
      );
      expect(ann.rows).toEqual([{ read: true }]);
    });
  });
});

describe('notifications RLS and mark_notifications_read', () => {
  it('let recipients read, mark read and dismiss only their own, and nobody insert', async () => {
    await db.rollback(async (tx) => {
      const w = await world(tx);
      const msg = await sendMessage(w.author, w.general, mention(w.ann, w.ben));
      const annNote = (
        await tx.query<{ id: string }>('select id from public.notifications where recipient_id = $1', [
          w.ann.profileId,
        ])
      ).rows[0]?.id as string;
      expect((await w.ann.api.query('select message_id from public.notifications')).rows).toEqual([
        { message_id: msg.id },
      ]);
      expect((await w.cat.api.query('select * from public.notifications')).rowCount).toBe(0);
      expect(
        (await w.ben.api.query('update public.notifications set read_at = now() where id = $1', [annNote]))
          .rowCount,
      ).toBe(0);
      expect(
        (await w.ben.api.query('delete from public.notifications where id = $1', [annNote])).rowCount,
      ).toBe(0);
      expect(
        (await w.ann.api.query('update public.notifications set read_at = now() where id = $1', [annNote]))
          .rowCount,
      ).toBe(1);
      await expect(
        w.ann.api.query(`update public.notifications set type = 'system' where id = $1`, [annNote]),
      ).rejects.toThrow('permission denied');
      await expect(
        w.ann.api.query(`update public.notifications set recipient_id = $2 where id = $1`, [
          annNote,
          w.ben.profileId,
        ]),
      ).rejects.toThrow('permission denied');
      await expect(
        w.ann.api.query(`insert into public.notifications (recipient_id, type) values ($1, 'system')`, [
          w.ann.profileId,
        ]),
      ).rejects.toThrow('permission denied');
      await expect(tx.asAnon().query('select * from public.notifications')).rejects.toThrow(
        'permission denied',
      );
      await expect(tx.asAnon().query('select public.mark_notifications_read()')).rejects.toThrow(
        'permission denied',
      );
      expect(
        (await tx.asService().query('select count(*)::int as n from public.notifications')).rows[0]?.n,
      ).toBe(2);
      expect(
        (await w.ann.api.query('delete from public.notifications where id = $1', [annNote])).rowCount,
      ).toBe(1);
    });
  });

  it('mark the given notifications, or all of them, as read and say how many changed', async () => {
    await db.rollback(async (tx) => {
      const w = await world(tx);
      for (let i = 0; i < 3; i++) await sendMessage(w.author, w.general, mention(w.ann, w.ben));
      const ids = (
        await w.ann.api.query<{ id: string }>('select id from public.notifications order by created_at, id')
      ).rows.map((r) => r.id);
      const benIds = (
        await w.ben.api.query<{ id: string }>('select id from public.notifications order by created_at, id')
      ).rows.map((r) => r.id);
      const mark = async (args: string, params: unknown[] = []) =>
        (await w.ann.api.query<{ n: number }>(`select public.mark_notifications_read(${args}) as n`, params))
          .rows[0]?.n;
      expect(await mark('$1', [[ids[0], benIds[0]]])).toBe(1);
      expect(await mark('$1', [[ids[0]]])).toBe(0);
      expect(await mark('')).toBe(2);
      expect(await mark('')).toBe(0);
      expect(await mark("'{}'")).toBe(0);
      const unreadBen = await tx.query(
        'select count(*)::int as n from public.notifications where recipient_id = $1 and read_at is null',
        [w.ben.profileId],
      );
      expect(unreadBen.rows[0]?.n).toBe(3);
    });
  });
});

describe('channel notification settings', () => {
  it('are each member’s own, for channels they can see', async () => {
    await db.rollback(async (tx) => {
      const w = await world(tx);
      const upsert = (user: TestUser, profileId: string, channelId: string, level: string) =>
        user.api.query(
          `insert into public.channel_notification_settings (profile_id, channel_id, level) values ($1, $2, $3)
           on conflict (profile_id, channel_id) do update set level = excluded.level`,
          [profileId, channelId, level],
        );
      await upsert(w.ann, w.ann.profileId, w.general, 'nothing');
      await upsert(w.ann, w.ann.profileId, w.general, 'all');
      await expect(upsert(w.ann, w.ben.profileId, w.general, 'nothing')).rejects.toMatchObject({
        code: '42501',
      });
      await setOverwrite(tx, w.server.voiceChannelId, { member: w.ann.profileId }, { deny: VIEW_CHANNEL });
      await expect(upsert(w.ann, w.ann.profileId, w.server.voiceChannelId, 'all')).rejects.toMatchObject({
        code: '42501',
      });
      const stranger = await createUser(tx, 'stranger');
      await expect(upsert(stranger, stranger.profileId, w.general, 'all')).rejects.toMatchObject({
        code: '42501',
      });
      await expect(
        w.ann.api.query('update public.channel_notification_settings set profile_id = $1', [w.ben.profileId]),
      ).rejects.toThrow('permission denied');
      await w.ann.api.query(
        `update public.channel_notification_settings set muted_until = now() + interval '1 day' where channel_id = $1`,
        [w.general],
      );
      expect((await w.ben.api.query('select * from public.channel_notification_settings')).rowCount).toBe(0);
      expect((await w.ben.api.query('delete from public.channel_notification_settings')).rowCount).toBe(0);
      const mine = await w.ann.api.query(
        'select level, muted_until is not null as muted from public.channel_notification_settings',
      );
      expect(mine.rows).toEqual([{ level: 'all', muted: true }]);
      expect((await w.ann.api.query('delete from public.channel_notification_settings')).rowCount).toBe(1);
      await expect(tx.asAnon().query('select * from public.channel_notification_settings')).rejects.toThrow(
        'permission denied',
      );
    });
  });
});

describe('read state', () => {
  it('moves forward only, through mark_channel_read, and clears the notifications it covers', async () => {
    await db.rollback(async (tx) => {
      const w = await world(tx);
      for (let i = 1; i <= 5; i++) await sendMessage(w.author, w.general, `${i} ${mention(w.ann)}`);
      const mark = async (seq: number | null) =>
        Number(
          (await w.ann.api.query('select public.mark_channel_read($1, $2) as s', [w.general, seq])).rows[0]
            ?.s,
        );
      expect(await mark(3)).toBe(3);
      expect(await mark(2)).toBe(3);
      expect(await mark(99)).toBe(5);
      expect(await mark(null)).toBe(5);
      expect(await mark(0)).toBe(5);
      const unread = await tx.query(
        'select count(*)::int as n from public.notifications where recipient_id = $1 and read_at is null',
        [w.ann.profileId],
      );
      expect(unread.rows[0]?.n).toBe(0);
      expect((await w.ann.api.query('select last_read_seq::int as s from public.read_states')).rows).toEqual([
        { s: 5 },
      ]);
      expect((await w.ben.api.query('select * from public.read_states')).rowCount).toBe(0);
      await expect(
        w.ann.api.query('insert into public.read_states (profile_id, channel_id) values ($1, $2)', [
          w.ann.profileId,
          w.general,
        ]),
      ).rejects.toThrow('permission denied');
      await expect(w.ann.api.query('update public.read_states set last_read_seq = 1')).rejects.toThrow(
        'permission denied',
      );
    });
  });

  it('refuses unreadable channels and bad sequence numbers, changing nothing', async () => {
    await db.rollback(async (tx) => {
      const w = await world(tx);
      const stranger = await createUser(tx, 'stranger');
      await sendMessage(w.author, w.general, 'x');
      for (const [who, channel] of [
        [stranger, w.general],
        [w.ann, '00000000-0000-0000-0000-000000000000'],
        [w.ann, null],
      ] as const) {
        await expect(who.api.query('select public.mark_channel_read($1)', [channel])).rejects.toMatchObject({
          code: 'PT404',
          message: 'channel not found',
        });
      }
      await expect(
        w.ann.api.query('select public.mark_channel_read($1, -1)', [w.general]),
      ).rejects.toMatchObject({
        code: '22023',
      });
      await expect(tx.asAnon().query('select public.mark_channel_read($1)', [w.general])).rejects.toThrow(
        'permission denied',
      );
      expect((await tx.query('select count(*)::int as n from public.read_states')).rows[0]?.n).toBe(0);
    });
  });

  it('counts unread messages by others and mentions of the caller, their roles and @everyone', async () => {
    await db.rollback(async (tx) => {
      const w = await world(tx);
      const team = await createRole(tx, w.server.serverId, { name: 'team', permissions: 0n, position: 1 });
      await tx.query('update public.roles set mentionable = true where id = $1', [team]);
      await tx.query('insert into public.member_roles (server_id, profile_id, role_id) values ($1, $2, $3)', [
        w.server.serverId,
        w.ann.profileId,
        team,
      ]);
      const hidden = (
        await tx.query<{ id: string }>(
          `insert into public.channels (server_id, name) values ($1, 'hidden') returning id`,
          [w.server.serverId],
        )
      ).rows[0]?.id as string;
      await setOverwrite(tx, hidden, { role: w.server.serverId }, { deny: VIEW_CHANNEL });
      await sendMessage(w.owner, hidden, 'secret');
      await sendMessage(w.author, w.general, 'one');
      await w.ann.api.query('select public.mark_channel_read($1)', [w.general]);
      await sendMessage(w.author, w.general, 'plain');
      await sendMessage(w.author, w.general, mention(w.ann));
      await sendMessage(w.author, w.general, `<@&${team}>`);
      await sendMessage(w.owner, w.general, '@everyone');
      await sendMessage(w.ann, w.general, 'my own');
      const gone = await sendMessage(w.author, w.general, `deleted ${mention(w.ann)}`);
      await w.author.api.query('select public.delete_message($1)', [gone.id]);
      await sendMessage(w.author, w.server.voiceChannelId, 'in voice');

      const state = await w.ann.api.query(
        `select channel_id, server_id, last_read_seq::int as read, last_message_seq::int as last, unread_count, mention_count
           from public.get_unread_state() order by last_message_seq`,
      );
      expect(state.rows).toEqual([
        {
          channel_id: w.server.voiceChannelId,
          server_id: w.server.serverId,
          read: 0,
          last: 1,
          unread_count: 1,
          mention_count: 0,
        },
        {
          channel_id: w.general,
          server_id: w.server.serverId,
          read: 1,
          last: 7,
          unread_count: 4,
          mention_count: 3,
        },
      ]);
      const ownerState = await w.owner.api.query<{ channel_id: string }>(
        'select channel_id from public.get_unread_state()',
      );
      expect(ownerState.rows.map((r) => r.channel_id)).toContain(hidden);
      const stranger = await createUser(tx, 'stranger');
      expect((await stranger.api.query('select * from public.get_unread_state()')).rowCount).toBe(0);
      await expect(tx.asAnon().query('select * from public.get_unread_state()')).rejects.toThrow(
        'permission denied',
      );
    });
  });
});
