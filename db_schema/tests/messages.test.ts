import { randomUUID } from 'node:crypto';
import { createTestDatabase, type Requester, type Session, type TestDatabase } from '@harmony/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addMember,
  bit,
  createRole,
  createUser,
  type MessageRow,
  seedServer,
  sendMessage,
  setOverwrite,
} from './fixtures.js';

let db: TestDatabase;
const bits: Record<string, bigint> = {};
beforeAll(async () => {
  db = await createTestDatabase();
  for (const name of [
    'SEND_MESSAGES',
    'VIEW_CHANNEL',
    'MANAGE_MESSAGES',
    'MENTION_EVERYONE',
    'ATTACH_FILES',
    'ADD_REACTIONS',
    'PIN_MESSAGES',
  ]) {
    bits[name] = await bit(db, name);
  }
});
afterAll(() => db.close());

const b = (name: string) => bits[name] as bigint;

/**
 * owner; member; moderator (MANAGE_MESSAGES); muted (SEND_MESSAGES denied in #general by a
 * member overwrite); a stranger; a banned ex-member. #hidden is invisible to @everyone.
 */
async function world(tx: Session) {
  const owner = await createUser(tx, 'owner_user');
  const member = await createUser(tx, 'member');
  const moderator = await createUser(tx, 'mod_user');
  const muted = await createUser(tx, 'muted');
  const stranger = await createUser(tx, 'stranger');
  const banned = await createUser(tx, 'banned');
  const server = await seedServer(tx, owner);
  const modRole = await createRole(tx, server.serverId, {
    name: 'mod',
    permissions: b('MANAGE_MESSAGES'),
    position: 1,
  });
  await addMember(tx, server.serverId, member);
  await addMember(tx, server.serverId, moderator, [modRole]);
  await addMember(tx, server.serverId, muted);
  await tx.query('insert into public.server_bans (server_id, profile_id) values ($1, $2)', [
    server.serverId,
    banned.profileId,
  ]);
  await setOverwrite(tx, server.textChannelId, { member: muted.profileId }, { deny: b('SEND_MESSAGES') });
  const hidden = (
    await tx.query<{ id: string }>(
      `insert into public.channels (server_id, name, position) values ($1, 'hidden', 2) returning id`,
      [server.serverId],
    )
  ).rows[0]?.id as string;
  await setOverwrite(tx, hidden, { role: server.serverId }, { deny: b('VIEW_CHANNEL') });
  return {
    owner,
    member,
    moderator,
    muted,
    stranger,
    banned,
    server,
    modRole,
    hidden,
    general: server.textChannelId,
  };
}

const lastSeq = async (tx: Session, channelId: string) =>
  Number(
    (await tx.query('select last_seq from public.channel_sequences where channel_id = $1', [channelId]))
      .rows[0]?.last_seq,
  );

const count = async (tx: Session, sql: string, params: unknown[] = []) =>
  Number((await tx.query<{ n: number }>(`select count(*)::int as n from ${sql}`, params)).rows[0]?.n);

describe('sequence numbers', () => {
  it('are 1..N without gaps under 8 concurrent writers and failing inserts', async () => {
    // Committed data, so a database of its own.
    const fresh = await createTestDatabase();
    try {
      const owner = await createUser(fresh, 'seqowner');
      const server = await seedServer(fresh, owner);
      const writers = await Promise.all(
        Array.from({ length: 8 }, async (_, i) => {
          const user = await createUser(fresh, `writer${i}`);
          await addMember(fresh, server.serverId, user);
          return user;
        }),
      );
      const failures: string[] = [];
      await Promise.all(
        writers.map(async (user, w) => {
          for (let i = 0; i < 25; i++) {
            await sendMessage(user, server.textChannelId, `w${w} m${i}`, { nonce: `w${w}-${i}` });
            if (i % 10 === 5) {
              // Too long (a check violation after seq was taken) and a repeated nonce: both roll back.
              await sendMessage(user, server.textChannelId, 'x'.repeat(4001)).catch((e) =>
                failures.push(e.code),
              );
              await sendMessage(user, server.textChannelId, 'again', { nonce: `w${w}-${i}` }).catch((e) =>
                failures.push(e.code),
              );
            }
          }
        }),
      );
      expect(failures.sort()).toEqual([...Array(16).fill('23505'), ...Array(16).fill('23514')]);
      const { rows } = await fresh.query<{ seq: number }>(
        'select seq::int as seq from public.messages where channel_id = $1 order by seq',
        [server.textChannelId],
      );
      expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
      expect(await lastSeq(fresh, server.textChannelId)).toBe(200);
      // Each writer's messages are numbered in the order it sent them.
      const order = await fresh.query<{ ok: boolean }>(
        `select bool_and(ordered) as ok from (
           select seq > lag(seq) over (partition by author_id order by split_part(content, ' m', 2)::int) as ordered
             from public.messages where channel_id = $1) t where ordered is not null`,
        [server.textChannelId],
      );
      expect(order.rows[0]?.ok).toBe(true);
    } finally {
      await fresh.close();
    }
  });
});

describe('get_messages', () => {
  const seed = async (tx: Session, channelId: string, authorId: string, n: number) =>
    tx.query(
      `insert into public.messages (channel_id, author_id, content)
       select $1, $2, 'm' || g from generate_series(1, $3::int) g`,
      [channelId, authorId, n],
    );
  const seqs = (rows: { seq: string }[]) => rows.map((r) => Number(r.seq));
  const page = async (api: Requester, args: string) =>
    seqs((await api.query<{ seq: string }>(`select seq from public.get_messages(${args})`)).rows);

  it('returns the latest page, older pages, exact catch-up after a seq, and windows, in ascending order', async () => {
    await db.rollback(async (tx) => {
      const { member, owner, general } = await world(tx);
      await seed(tx, general, owner.profileId, 120);
      const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
      expect(await page(member.api, `'${general}'`)).toEqual(range(71, 120));
      expect(await page(member.api, `'${general}', p_before_seq => 71, p_limit => 30`)).toEqual(
        range(41, 70),
      );
      expect(await page(member.api, `'${general}', p_before_seq => 3`)).toEqual([1, 2]);
      expect(await page(member.api, `'${general}', p_after_seq => 100`)).toEqual(range(101, 120));
      expect(await page(member.api, `'${general}', p_after_seq => 0, p_limit => 1000`)).toEqual(
        range(1, 100),
      );
      expect(await page(member.api, `'${general}', p_after_seq => 10, p_before_seq => 15`)).toEqual(
        range(11, 14),
      );
      expect(await page(member.api, `'${general}', p_limit => 0`)).toEqual([120]);
      expect(await page(member.api, `'${general}', p_after_seq => 120`)).toEqual([]);

      // Reconnect: the client saw up to 120; others posted 7 more (one then deleted).
      await seed(tx, general, owner.profileId, 7);
      const missed = await member.api.query<{ seq: string; content: string }>(
        `select seq, content from public.get_messages($1, p_after_seq => 120)`,
        [general],
      );
      expect(seqs(missed.rows)).toEqual(range(121, 127));
    });
  });

  it('gives the same not-found error for missing and unreadable channels, and checks its input', async () => {
    await db.rollback(async (tx) => {
      const { member, stranger, banned, owner, general, hidden } = await world(tx);
      await seed(tx, hidden, owner.profileId, 3);
      expect(await page(owner.api, `'${hidden}'`)).toEqual([1, 2, 3]);
      for (const [who, channel] of [
        [member, hidden],
        [stranger, general],
        [banned, general],
        [member, '00000000-0000-0000-0000-000000000000'],
      ] as const) {
        await expect(who.api.query('select * from public.get_messages($1)', [channel])).rejects.toMatchObject(
          {
            code: 'PT404',
            message: 'channel not found',
          },
        );
      }
      await expect(member.api.query('select * from public.get_messages(null)')).rejects.toMatchObject({
        code: 'PT404',
      });
      await expect(
        member.api.query('select * from public.get_messages($1, p_before_seq => 0)', [general]),
      ).rejects.toMatchObject({ code: '22023' });
      await expect(
        member.api.query('select * from public.get_messages($1, p_after_seq => -1)', [general]),
      ).rejects.toMatchObject({ code: '22023' });
      await expect(db.asAnon().query('select * from public.get_messages($1)', [general])).rejects.toThrow(
        'permission denied for function get_messages',
      );
    });
  });
});

describe('messages RLS', () => {
  it('lets only readers select, including members who may not send, and never anon', async () => {
    await db.rollback(async (tx) => {
      const w = await world(tx);
      await sendMessage(w.owner, w.general, 'hello');
      await sendMessage(w.owner, w.hidden, 'secret');
      const visible = async (user: { api: Requester }) =>
        (
          await user.api.query<{ content: string }>('select content from public.messages order by content')
        ).rows.map((r) => r.content);
      expect(await visible(w.owner)).toEqual(['hello', 'secret']);
      expect(await visible(w.member)).toEqual(['hello']);
      expect(await visible(w.moderator)).toEqual(['hello']);
      expect(await visible(w.muted)).toEqual(['hello']);
      expect(await visible(w.stranger)).toEqual([]);
      expect(await visible(w.banned)).toEqual([]);
      expect((await tx.asService().query('select count(*)::int as n from public.messages')).rows[0]?.n).toBe(
        2,
      );
      await expect(tx.asAnon().query('select * from public.messages')).rejects.toThrow('permission denied');
    });
  });

  it('lets only members with SEND_MESSAGES insert, as themselves, and rolls back refused inserts', async () => {
    await db.rollback(async (tx) => {
      const w = await world(tx);
      expect((await sendMessage(w.member, w.general, 'hi')).seq).toBe(1);
      expect((await sendMessage(w.owner, w.general, 'hi')).seq).toBe(2);
      expect((await sendMessage(w.owner, w.hidden, 'hi')).seq).toBe(1);
      for (const who of [w.stranger, w.banned, w.muted]) {
        await expect(sendMessage(who, w.general, 'let me in')).rejects.toMatchObject({
          code: '42501',
          message: 'new row violates row-level security policy for table "messages"',
        });
      }
      await expect(sendMessage(w.member, w.hidden, 'peek')).rejects.toMatchObject({ code: '42501' });
      await expect(sendMessage(w.member, '00000000-0000-0000-0000-000000000000', 'x')).rejects.toMatchObject({
        code: '42501',
      });
      await expect(
        tx.asAnon().query(`insert into public.messages (channel_id, content) values ($1, 'x')`, [w.general]),
      ).rejects.toThrow('permission denied');
      // Derived and trusted columns are not the client's to write.
      for (const [column, value] of [
        ['author_id', w.owner.profileId],
        ['seq', 99],
        ['mention_everyone', true],
        ['type', 'system'],
        ['pinned_at', 'now'],
      ]) {
        await expect(
          w.member.api.query(
            `insert into public.messages (channel_id, content, ${column}) values ($1, 'x', $2)`,
            [w.general, value],
          ),
        ).rejects.toThrow('permission denied for table messages');
      }
      expect(await lastSeq(tx, w.general)).toBe(2);
      // service_role (bots, system) may write an author explicitly.
      await tx
        .asService()
        .query(`insert into public.messages (channel_id, author_id, content) values ($1, $2, 'from a bot')`, [
          w.general,
          w.member.profileId,
        ]);
      expect(await count(tx, 'public.messages where channel_id = $1', [w.general])).toBe(3);
      const authors = await tx.query(
        'select author_id from public.messages where channel_id = $1 order by seq',
        [w.general],
      );
      expect(authors.rows.map((r) => r.author_id)).toEqual([
        w.member.profileId,
        w.owner.profileId,
        w.member.profileId,
      ]);
    });
  });

  it('lets only the author edit, only content, only live messages; nobody deletes rows directly', async () => {
    await db.rollback(async (tx) => {
      const w = await world(tx);
      const mine = await sendMessage(w.member, w.general, 'first');
      const edit = (user: typeof w.member, content: string) =>
        user.api.query('update public.messages set content = $2 where id = $1', [mine.id, content]);
      expect((await edit(w.member, 'edited')).rowCount).toBe(1);
      for (const other of [w.owner, w.moderator, w.muted, w.stranger, w.banned]) {
        expect((await edit(other, 'hijacked')).rowCount).toBe(0);
      }
      const row = await tx.query(
        'select content, edited_at is not null as edited from public.messages where id = $1',
        [mine.id],
      );
      expect(row.rows[0]).toEqual({ content: 'edited', edited: true });
      await expect(edit(w.member, '')).rejects.toMatchObject({ code: '23514' });
      await expect(
        w.member.api.query('update public.messages set pinned_at = now() where id = $1', [mine.id]),
      ).rejects.toThrow('permission denied');
      for (const who of [w.member, w.owner, w.moderator]) {
        await expect(who.api.query('delete from public.messages where id = $1', [mine.id])).rejects.toThrow(
          'permission denied',
        );
      }
      await w.member.api.query('select public.delete_message($1)', [mine.id]);
      expect((await edit(w.member, 'resurrect')).rowCount).toBe(0);
      expect(
        (await tx.query('select content from public.messages where id = $1', [mine.id])).rows[0]?.content,
      ).toBe('');
      expect(
        (await tx.asService().query('delete from public.messages where id = $1', [mine.id])).rowCount,
      ).toBe(1);
    });
  });

  it('needs ATTACH_FILES for attachments and a live message of the same channel to reply to', async () => {
    await db.rollback(async (tx) => {
      const w = await world(tx);
      const file = [
        { path: `${w.general}/${randomUUID()}/b.png`, name: 'b.png', size: 3, content_type: 'image/png' },
      ];
      expect((await sendMessage(w.member, w.general, '', { attachments: file })).type).toBe('default');
      await setOverwrite(tx, w.general, { member: w.member.profileId }, { deny: b('ATTACH_FILES') });
      await expect(sendMessage(w.member, w.general, 'pic', { attachments: file })).rejects.toMatchObject({
        code: '42501',
      });
      const parent = await sendMessage(w.owner, w.general, 'question');
      const reply = await sendMessage(w.member, w.general, 'answer', { replyToId: parent.id });
      expect(reply.type).toBe('reply');
      const elsewhere = await sendMessage(w.owner, w.hidden, 'secret');
      await expect(sendMessage(w.owner, w.general, 'x', { replyToId: elsewhere.id })).rejects.toMatchObject({
        code: '42501',
      });
      await w.owner.api.query('select public.delete_message($1)', [parent.id]);
      await expect(sendMessage(w.member, w.general, 'late', { replyToId: parent.id })).rejects.toMatchObject({
        code: '42501',
      });
    });
  });
});

describe('mentions', () => {
  it('keep only people who can see the channel, mentionable roles, and no @everyone without permission', async () => {
    await db.rollback(async (tx) => {
      const w = await world(tx);
      const open = await createRole(tx, w.server.serverId, { name: 'open', permissions: 0n, position: 2 });
      const closed = await createRole(tx, w.server.serverId, {
        name: 'closed',
        permissions: 0n,
        position: 3,
      });
      await tx.query('update public.roles set mentionable = true where id = $1', [open]);
      const content = `hey <@${w.moderator.profileId}> <@!${w.owner.profileId}> <@${w.stranger.profileId}> <@${w.member.profileId}> <@&${open}> <@&${closed}> <@&${w.server.serverId}> <@00000000-0000-0000-0000-00000000000g> @everyone`;
      const plain = await sendMessage(w.member, w.general, content);
      expect(plain.mention_profile_ids.sort()).toEqual(
        [w.moderator.profileId, w.owner.profileId, w.member.profileId].sort(),
      );
      expect(plain.mention_role_ids).toEqual([open]);
      expect(plain.mention_everyone).toBe(false);
      // In #hidden only the owner can see it, so only the owner is a mention there.
      const hidden = await sendMessage(w.owner, w.hidden, `<@${w.member.profileId}> <@${w.owner.profileId}>`);
      expect(hidden.mention_profile_ids).toEqual([w.owner.profileId]);

      await tx.query('update public.roles set permissions = permissions | $2 where id = $1', [
        w.modRole,
        b('MENTION_EVERYONE').toString(),
      ]);
      const loud = await sendMessage(w.moderator, w.general, `<@&${closed}> @here`);
      expect(loud.mention_role_ids).toEqual([closed]);
      expect(loud.mention_everyone).toBe(true);
      expect((await sendMessage(w.moderator, w.general, 'mail me at x@everyone.com')).mention_everyone).toBe(
        false,
      );
    });
  });
});

describe('slowmode and nonces', () => {
  it('refuses a second message inside the slowmode window, except for moderators', async () => {
    await db.rollback(async (tx) => {
      const w = await world(tx);
      await tx.query('update public.channels set slowmode_seconds = 30 where id = $1', [w.general]);
      await sendMessage(w.member, w.general, 'one');
      await expect(sendMessage(w.member, w.general, 'two')).rejects.toMatchObject({
        code: 'P0001',
        message: 'slowmode: wait 30 seconds',
      });
      expect(await lastSeq(tx, w.general)).toBe(1);
      await sendMessage(w.moderator, w.general, 'mod 1');
      await sendMessage(w.moderator, w.general, 'mod 2');
      await sendMessage(w.owner, w.general, 'owner 1');
      await sendMessage(w.owner, w.general, 'owner 2');
      const mine = await w.member.api.query('select profile_id from public.channel_slowmode');
      expect(mine.rows).toEqual([{ profile_id: w.member.profileId }]);
      await tx.query(
        `update public.channel_slowmode set last_message_at = now() - interval '31 seconds' where profile_id = $1`,
        [w.member.profileId],
      );
      expect((await sendMessage(w.member, w.general, 'three')).seq).toBe(6);
      await expect(sendMessage(w.member, w.general, 'four')).rejects.toMatchObject({ code: 'P0001' });
      // Refused senders learn nothing about slowmode.
      await expect(sendMessage(w.stranger, w.general, 'x')).rejects.toMatchObject({ code: '42501' });
    });
  });

  it('treats a repeated nonce as already sent (23505) and stores one message', async () => {
    await db.rollback(async (tx) => {
      const w = await world(tx);
      await sendMessage(w.member, w.general, 'hello', { nonce: 'abc' });
      await expect(sendMessage(w.member, w.general, 'hello', { nonce: 'abc' })).rejects.toMatchObject({
        code: '23505',
        message: 'a message with this nonce was already sent',
      });
      await sendMessage(w.owner, w.general, 'hello', { nonce: 'abc' });
      await sendMessage(w.member, w.server.voiceChannelId, 'hi', { nonce: 'abc' });
      expect(await count(tx, `public.messages where nonce = 'abc'`)).toBe(3);
      expect(await lastSeq(tx, w.general)).toBe(2);
      await expect(sendMessage(w.member, w.general, 'x', { nonce: 'n'.repeat(65) })).rejects.toMatchObject({
        code: '23514',
      });
    });
  });
});

describe('delete_message', () => {
  it('lets the author or MANAGE_MESSAGES soft-delete, leaving an empty tombstone', async () => {
    await db.rollback(async (tx) => {
      const w = await world(tx);
      const mine = await sendMessage(w.member, w.general, `mine <@${w.owner.profileId}>`);
      const theirs = await sendMessage(w.owner, w.general, 'theirs');
      await w.member.api.query(`insert into public.message_reactions (message_id, emoji) values ($1, '👍')`, [
        mine.id,
      ]);
      await w.member.api.query('select public.delete_message($1)', [mine.id]);
      const tomb = await w.owner.api.query<MessageRow & { deleted: boolean }>(
        `select seq::int as seq, content, attachments, mention_profile_ids, deleted_at is not null as deleted
           from public.messages where id = $1`,
        [mine.id],
      );
      expect(tomb.rows[0]).toEqual({
        seq: 1,
        content: '',
        attachments: [],
        mention_profile_ids: [],
        deleted: true,
      });
      expect(await count(tx, 'public.message_reactions')).toBe(0);
      expect(await count(tx, 'public.notifications where message_id = $1', [mine.id])).toBe(0);

      await expect(w.member.api.query('select public.delete_message($1)', [theirs.id])).rejects.toMatchObject(
        {
          code: '42501',
          message: 'you cannot delete this message',
        },
      );
      await w.moderator.api.query('select public.delete_message($1)', [theirs.id]);
      const audit = await tx.query(
        'select action, actor_id, target_id from public.audit_log where action = $1',
        ['message_delete'],
      );
      expect(audit.rows).toEqual([
        { action: 'message_delete', actor_id: w.moderator.profileId, target_id: theirs.id },
      ]);
    });
  });

  it('answers not found for missing, deleted and unreadable messages, changing nothing', async () => {
    await db.rollback(async (tx) => {
      const w = await world(tx);
      const live = await sendMessage(w.member, w.general, 'live');
      const secret = await sendMessage(w.owner, w.hidden, 'secret');
      const gone = await sendMessage(w.member, w.general, 'gone');
      await w.member.api.query('select public.delete_message($1)', [gone.id]);
      const notFound = { code: 'PT404', message: 'message not found' };
      await expect(w.stranger.api.query('select public.delete_message($1)', [live.id])).rejects.toMatchObject(
        notFound,
      );
      await expect(w.banned.api.query('select public.delete_message($1)', [live.id])).rejects.toMatchObject(
        notFound,
      );
      await expect(
        w.moderator.api.query('select public.delete_message($1)', [secret.id]),
      ).rejects.toMatchObject(notFound);
      await expect(w.member.api.query('select public.delete_message($1)', [gone.id])).rejects.toMatchObject(
        notFound,
      );
      await expect(w.member.api.query('select public.delete_message(null)')).rejects.toMatchObject(notFound);
      await expect(tx.asAnon().query('select public.delete_message($1)', [live.id])).rejects.toThrow(
        'permission denied for function delete_message',
      );
      expect(await count(tx, 'public.messages where deleted_at is null')).toBe(2);
    });
  });
});

describe('pins', () => {
  it('need PIN_MESSAGES or MANAGE_MESSAGES and stop at 50 per channel', async () => {
    await db.rollback(async (tx) => {
      const w = await world(tx);
      const msg = await sendMessage(w.member, w.general, 'pin me');
      await expect(w.member.api.query('select public.pin_message($1)', [msg.id])).rejects.toMatchObject({
        code: '42501',
      });
      await w.moderator.api.query('select public.pin_message($1)', [msg.id]);
      await w.moderator.api.query('select public.pin_message($1)', [msg.id]);
      const pinned = await w.member.api.query('select pinned_by from public.messages where id = $1', [
        msg.id,
      ]);
      expect(pinned.rows[0]?.pinned_by).toBe(w.moderator.profileId);
      expect(await count(tx, `public.audit_log where action = 'message_pin'`)).toBe(1);
      // One system line by the pinner, as in Discord (the repeated pin changed nothing).
      const notices = await w.member.api.query<{ author_id: string; channel_id: string }>(
        `select author_id, channel_id from public.messages where type = 'pin_notice'`,
      );
      expect(notices.rows).toEqual([{ author_id: w.moderator.profileId, channel_id: w.general }]);

      const pinner = await createRole(tx, w.server.serverId, {
        name: 'pinner',
        permissions: b('PIN_MESSAGES'),
        position: 2,
      });
      await tx.query('insert into public.member_roles (server_id, profile_id, role_id) values ($1, $2, $3)', [
        w.server.serverId,
        w.member.profileId,
        pinner,
      ]);
      await w.member.api.query('select public.unpin_message($1)', [msg.id]);
      await w.member.api.query('select public.unpin_message($1)', [msg.id]);
      expect(
        (await tx.query('select pinned_at from public.messages where id = $1', [msg.id])).rows[0]?.pinned_at,
      ).toBe(null);
      expect(await count(tx, `public.messages where type = 'pin_notice'`)).toBe(1);

      await tx.query(
        `insert into public.messages (channel_id, author_id, content, pinned_at)
         select $1, $2, 'p' || g, now() from generate_series(1, 50) g`,
        [w.general, w.owner.profileId],
      );
      await expect(w.owner.api.query('select public.pin_message($1)', [msg.id])).rejects.toMatchObject({
        code: '23514',
        message: 'a channel can have at most 50 pinned messages',
      });
      expect(await count(tx, 'public.messages where pinned_at is not null')).toBe(50);
      const secret = await sendMessage(w.owner, w.hidden, 'secret');
      await expect(w.moderator.api.query('select public.pin_message($1)', [secret.id])).rejects.toMatchObject(
        {
          code: 'PT404',
        },
      );
      await expect(tx.asAnon().query('select public.pin_message($1)', [msg.id])).rejects.toThrow(
        'permission denied',
      );
    });
  });
});

describe('reactions', () => {
  it('need ADD_REACTIONS for a new emoji but only read access to join one', async () => {
    await db.rollback(async (tx) => {
      const w = await world(tx);
      const msg = await sendMessage(w.owner, w.general, 'react');
      const react = (user: typeof w.member, emoji: string) =>
        user.api.query('insert into public.message_reactions (message_id, emoji) values ($1, $2)', [
          msg.id,
          emoji,
        ]);
      await setOverwrite(
        tx,
        w.general,
        { member: w.muted.profileId },
        { deny: b('ADD_REACTIONS') | b('SEND_MESSAGES') },
      );
      await expect(react(w.muted, '🎉')).rejects.toMatchObject({ code: '42501' });
      await react(w.member, '🎉');
      await react(w.muted, '🎉');
      // Timed-out members cannot react at all.
      await tx.query(
        `update public.server_members set timed_out_until = now() + interval '1 hour' where profile_id = $1`,
        [w.moderator.profileId],
      );
      await expect(react(w.moderator, '🎉')).rejects.toMatchObject({ code: '42501' });
      for (const who of [w.stranger, w.banned]) {
        await expect(react(who, '🎉')).rejects.toMatchObject({ code: '42501' });
      }
      await expect(
        w.member.api.query(
          'insert into public.message_reactions (message_id, emoji, profile_id) values ($1, $2, $3)',
          [msg.id, '👍', w.owner.profileId],
        ),
      ).rejects.toThrow('permission denied');
      await expect(react(w.member, '🎉')).rejects.toMatchObject({ code: '23505' });
      const seen = async (user: typeof w.member) =>
        Number((await user.api.query('select count(*)::int as n from public.message_reactions')).rows[0]?.n);
      expect(await seen(w.owner)).toBe(2);
      expect(await seen(w.stranger)).toBe(0);
      await expect(tx.asAnon().query('select * from public.message_reactions')).rejects.toThrow(
        'permission denied',
      );
    });
  });

  it('let people remove their own, and MANAGE_MESSAGES remove anyone’s via remove_reaction', async () => {
    await db.rollback(async (tx) => {
      const w = await world(tx);
      const msg = await sendMessage(w.owner, w.general, 'react');
      for (const who of [w.member, w.owner]) {
        await who.api.query(`insert into public.message_reactions (message_id, emoji) values ($1, '🔥')`, [
          msg.id,
        ]);
      }
      for (const who of [w.member, w.moderator]) {
        const direct = await who.api.query('delete from public.message_reactions where profile_id = $1', [
          w.owner.profileId,
        ]);
        expect(direct.rowCount).toBe(0);
      }
      await expect(
        w.member.api.query(`select public.remove_reaction($1, '🔥', $2)`, [msg.id, w.owner.profileId]),
      ).rejects.toMatchObject({ code: '42501' });
      expect(await count(tx, 'public.message_reactions')).toBe(2);
      await w.moderator.api.query(`select public.remove_reaction($1, '🔥', $2)`, [msg.id, w.owner.profileId]);
      await w.member.api.query(`select public.remove_reaction($1, '🔥', $2)`, [msg.id, w.member.profileId]);
      expect(await count(tx, 'public.message_reactions')).toBe(0);
      await expect(
        w.moderator.api.query(`select public.remove_reaction($1, '🔥', $2)`, [msg.id, w.member.profileId]),
      ).rejects.toMatchObject({ code: 'PT404', message: 'reaction not found' });
      await expect(
        w.stranger.api.query(`select public.remove_reaction($1, '🔥', $2)`, [msg.id, w.stranger.profileId]),
      ).rejects.toMatchObject({ code: 'PT404', message: 'message not found' });
      await expect(
        w.member.api.query(`select public.remove_reaction($1, null, $2)`, [msg.id, w.member.profileId]),
      ).rejects.toMatchObject({ code: '22004' });
      await w.member.api.query(`insert into public.message_reactions (message_id, emoji) values ($1, '🔥')`, [
        msg.id,
      ]);
      expect(
        (await w.member.api.query(`delete from public.message_reactions where emoji = '🔥'`)).rowCount,
      ).toBe(1);
    });
  });
});
