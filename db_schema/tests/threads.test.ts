import { createTestDatabase, type Session, type TestDatabase } from '@harmony/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addMember,
  bits,
  createRole,
  createUser,
  DENIED,
  failure,
  INVALID,
  NOT_FOUND,
  receives,
  rpc,
  seedCommunity,
  sendMessage,
  setOverwrite,
  type TestUser,
} from './fixtures.js';

// Threads (migration 20261206185000_threads.sql): channel rows of type 'thread' under a text
// channel, permissions derived from the parent, written from the attacker's side.

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.close());

/** owner, mod (MANAGE_THREADS), member, stranger; a thread started by `member` from the owner's message. */
async function world(tx: Session) {
  const c = await seedCommunity(tx);
  const threadMod = await createUser(tx, 'threadmod');
  const modRole = await createRole(tx, c.server.serverId, {
    name: 'Thread mod',
    permissions: await bits(tx, ['MANAGE_THREADS']),
    position: 4,
  });
  await addMember(tx, c.server.serverId, threadMod, [modRole]);
  const general = c.server.textChannelId;
  const starter = await sendMessage(c.owner, general, 'Shall we plan the release?');
  const thread = await rpc<string>(c.member.api, 'create_thread', general, 'Release plan', starter.id, 60);
  return { ...c, threadMod, general, starter, thread };
}

type Summary = {
  id: string;
  name: string;
  message_count: number;
  archived: boolean;
  locked: boolean;
  joined: boolean;
  starter_message_id: string | null;
  member_count: number;
  last_author_id: string | null;
};

const threadsOf = (who: TestUser, channelId: string, archived: boolean | null = null) =>
  rpc<Summary[]>(who.api, 'list_threads', channelId, null, archived);

describe('create_thread', () => {
  it('starts a thread from a message: a channel of type thread under the parent, its creator a participant', async () => {
    await db.rollback(async (tx) => {
      const { member, owner, general, starter, thread, server } = await world(tx);
      const { rows } = await tx.query(
        'select type::text, parent_id, server_id, name from public.channels where id = $1',
        [thread],
      );
      expect(rows[0]).toEqual({
        type: 'thread',
        parent_id: general,
        server_id: server.serverId,
        name: 'Release plan',
      });
      const [summary] = await threadsOf(owner, general);
      expect(summary).toMatchObject({
        id: thread,
        starter_message_id: starter.id,
        message_count: 0,
        archived: false,
        joined: false,
        member_count: 1,
      });
      expect((await threadsOf(member, general))[0]?.joined).toBe(true);
      // One thread per message.
      expect(await failure(rpc(owner.api, 'create_thread', general, 'Again', starter.id, 60))).toMatchObject({
        code: '23505',
      });
      // Standalone, with a valid auto-archive time only.
      expect(await failure(rpc(owner.api, 'create_thread', general, 'x', null, 30))).toMatchObject(INVALID);
      expect(await rpc<string>(owner.api, 'create_thread', general, 'Standalone', null, 10080)).toMatch(/-/);
    });
  });

  it('refuses strangers, members without VIEW on the parent or CREATE_PUBLIC_THREADS, voice channels, messages of another channel', async () => {
    await db.rollback(async (tx) => {
      const { member, stranger, general, server, starter } = await world(tx);
      expect(await failure(rpc(stranger.api, 'create_thread', general, 't', null, 60))).toMatchObject(
        NOT_FOUND,
      );
      expect(
        await failure(rpc(member.api, 'create_thread', server.voiceChannelId, 't', null, 60)),
      ).toMatchObject(INVALID);
      const secret = (
        await tx.query<{ id: string }>(
          `insert into public.channels (server_id, type, name) values ($1, 'text', 'secret') returning id`,
          [server.serverId],
        )
      ).rows[0]?.id as string;
      expect(await failure(rpc(member.api, 'create_thread', secret, 't', starter.id, 60))).toMatchObject(
        NOT_FOUND,
      );
      await setOverwrite(
        tx,
        general,
        { member: member.profileId },
        { deny: await bits(tx, ['CREATE_PUBLIC_THREADS']) },
      );
      expect(await failure(rpc(member.api, 'create_thread', general, 't', null, 60))).toMatchObject(DENIED);
      await setOverwrite(tx, secret, { role: server.serverId }, { deny: await bits(tx, ['VIEW_CHANNEL']) });
      expect(await failure(rpc(member.api, 'create_thread', secret, 't', null, 60))).toMatchObject(NOT_FOUND);
    });
  });

  it('refuses anonymous callers and banned or timed-out members', async () => {
    await db.rollback(async (tx) => {
      const { member, moderator, general, server } = await world(tx);
      const anon = tx.asAnon();
      expect(await failure(anon.query('select public.create_thread($1, $2)', [general, 't']))).toMatchObject({
        code: '42501',
      });
      await tx.query(
        `update public.server_members set timed_out_until = now() + interval '1 hour'
                       where server_id = $1 and profile_id = $2`,
        [server.serverId, member.profileId],
      );
      expect(await failure(rpc(member.api, 'create_thread', general, 't', null, 60))).toMatchObject(DENIED);
      await tx.query('delete from public.server_members where server_id = $1 and profile_id = $2', [
        server.serverId,
        moderator.profileId,
      ]);
      await tx.query('insert into public.server_bans (server_id, profile_id) values ($1, $2)', [
        server.serverId,
        moderator.profileId,
      ]);
      expect(await failure(rpc(moderator.api, 'create_thread', general, 't', null, 60))).toMatchObject(
        NOT_FOUND,
      );
    });
  });
});

describe('reading and posting in a thread', () => {
  it('follows the parent: VIEW on the parent to read, SEND_MESSAGES_IN_THREADS (not SEND_MESSAGES) to post', async () => {
    await db.rollback(async (tx) => {
      const { member, moderator, owner, stranger, general, thread, server } = await world(tx);
      const reply = await sendMessage(moderator, thread, 'I can take the changelog');
      expect(reply.seq).toBe(1);

      // A stranger reads and receives nothing.
      expect(
        (await stranger.api.query('select id from public.messages where channel_id = $1', [thread])).rowCount,
      ).toBe(0);
      expect(await receives(tx, stranger.api, `channel:${thread}`)).toBe(false);
      expect(await failure(sendMessage(stranger, thread, 'hi'))).toMatchObject(DENIED);

      // No SEND_MESSAGES in the parent does not stop posting in its threads …
      await setOverwrite(
        tx,
        general,
        { member: member.profileId },
        { deny: await bits(tx, ['SEND_MESSAGES']) },
      );
      expect((await sendMessage(member, thread, 'still here')).seq).toBe(2);
      // … SEND_MESSAGES_IN_THREADS does, while reading stays.
      await setOverwrite(
        tx,
        general,
        { member: member.profileId },
        { deny: await bits(tx, ['SEND_MESSAGES_IN_THREADS']) },
      );
      expect(await failure(sendMessage(member, thread, 'blocked'))).toMatchObject(DENIED);
      expect(
        (await member.api.query('select id from public.messages where channel_id = $1', [thread])).rowCount,
      ).toBe(2);

      // Hiding the parent hides its threads (rows, topic, catch-up, search).
      await setOverwrite(tx, general, { role: server.serverId }, { deny: await bits(tx, ['VIEW_CHANNEL']) });
      expect(
        (await member.api.query('select id from public.messages where channel_id = $1', [thread])).rowCount,
      ).toBe(0);
      expect(await receives(tx, member.api, `channel:${thread}`)).toBe(false);
      expect(
        await failure(member.api.query('select * from public.get_messages($1)', [thread])),
      ).toMatchObject(NOT_FOUND);
      expect(await threadsOf(member, general)).toEqual([]);
      expect(
        (await member.api.query('select channel_id from public.threads where channel_id = $1', [thread]))
          .rowCount,
      ).toBe(0);
      expect(await failure(rpc(member.api, 'join_thread', thread))).toMatchObject(NOT_FOUND);
      expect(await receives(tx, owner.api, `channel:${thread}`)).toBe(true);
    });
  });

  it('a timed-out member reads but cannot post; a banned one neither', async () => {
    await db.rollback(async (tx) => {
      const { member, moderator, thread, server } = await world(tx);
      await tx.query(
        `update public.server_members set timed_out_until = now() + interval '1 hour'
                       where server_id = $1 and profile_id = $2`,
        [server.serverId, member.profileId],
      );
      expect(await failure(sendMessage(member, thread, 'x'))).toMatchObject(DENIED);
      expect(await failure(rpc(member.api, 'update_thread', thread, null, true))).toMatchObject(DENIED);
      await sendMessage(moderator, thread, 'seen');
      expect(
        (await member.api.query('select id from public.messages where channel_id = $1', [thread])).rowCount,
      ).toBe(1);
      await tx.query('delete from public.server_members where server_id = $1 and profile_id = $2', [
        server.serverId,
        moderator.profileId,
      ]);
      expect(await failure(sendMessage(moderator, thread, 'x'))).toMatchObject(DENIED);
      expect(
        (await moderator.api.query('select id from public.messages where channel_id = $1', [thread]))
          .rowCount,
      ).toBe(0);
    });
  });

  it('counts messages, tracks the last one and the participants, and catches up by sequence', async () => {
    await db.rollback(async (tx) => {
      const { member, moderator, owner, general, thread } = await world(tx);
      const first = await sendMessage(moderator, thread, 'one');
      await sendMessage(owner, thread, 'two');
      await sendMessage(moderator, thread, 'three');
      await owner.api.query('select public.delete_message($1)', [first.id]);
      const [summary] = await threadsOf(member, general);
      expect(summary).toMatchObject({
        message_count: 2,
        last_author_id: moderator.profileId,
        member_count: 3,
      });
      const { rows } = await member.api.query<{ content: string }>(
        'select content from public.get_messages($1, null, 1) order by seq',
        [thread],
      );
      expect(rows.map((r) => r.content)).toEqual(['two', 'three']);
      const participants = await member.api.query<{ profile_id: string }>(
        'select profile_id from public.thread_participants($1)',
        [thread],
      );
      expect(participants.rows.map((r) => r.profile_id).sort()).toEqual(
        [member.profileId, moderator.profileId, owner.profileId].sort(),
      );
    });
  });

  it('unread and mention counts per thread (for its participants), and search with the thread as filter', async () => {
    await db.rollback(async (tx) => {
      const { member, moderator, owner, thread, general } = await world(tx);
      await sendMessage(moderator, thread, `zebra crossing <@${member.profileId}>`);
      await sendMessage(moderator, general, 'zebra in the parent');
      const { rows } = await member.api.query<{ unread_count: number; mention_count: number }>(
        'select unread_count, mention_count from public.get_unread_state() where channel_id = $1',
        [thread],
      );
      expect(rows[0]).toEqual({ unread_count: 1, mention_count: 1 });
      const everywhere = await member.api.query<{ channel_id: string }>(
        `select channel_id from public.search_messages('zebra')`,
      );
      expect(everywhere.rows.map((r) => r.channel_id).sort()).toEqual([general, thread].sort());
      const inThread = await member.api.query<{ channel_id: string }>(
        `select channel_id from public.search_messages('zebra', null, $1)`,
        [thread],
      );
      expect(inThread.rows.map((r) => r.channel_id)).toEqual([thread]);
      // The owner takes no part in the thread: it adds nothing to their counts until they join.
      const owners = async () =>
        (
          await owner.api.query('select channel_id from public.get_unread_state() where channel_id = $1', [
            thread,
          ])
        ).rowCount;
      expect(await owners()).toBe(0);
      await rpc(owner.api, 'join_thread', thread);
      expect(await owners()).toBe(1);
      await member.api.query('select public.mark_channel_read($1)', [thread]);
      const after = await member.api.query<{ unread_count: number }>(
        'select unread_count from public.get_unread_state() where channel_id = $1',
        [thread],
      );
      expect(after.rows[0]?.unread_count).toBe(0);
    });
  });
});

describe('archive, unarchive, lock', () => {
  it('the creator archives and unarchives; another member cannot; MANAGE_THREADS can; a message unarchives', async () => {
    await db.rollback(async (tx) => {
      const { member, moderator, threadMod, general, thread } = await world(tx);
      expect(await failure(rpc(moderator.api, 'update_thread', thread, null, true))).toMatchObject(DENIED);
      expect(await failure(rpc(moderator.api, 'update_thread', thread, 'renamed'))).toMatchObject(DENIED);
      await rpc(member.api, 'update_thread', thread, null, true);
      expect((await threadsOf(member, general, true)).map((t) => t.id)).toEqual([thread]);
      expect(await threadsOf(member, general, false)).toEqual([]);
      await rpc(threadMod.api, 'update_thread', thread, null, false);
      expect((await threadsOf(member, general, false))[0]?.archived).toBe(false);
      await rpc(threadMod.api, 'update_thread', thread, 'Renamed', true);
      // Posting in an archived, unlocked thread brings it back.
      await sendMessage(moderator, thread, 'back again');
      expect((await threadsOf(member, general))[0]).toMatchObject({ archived: false, name: 'Renamed' });
    });
  });

  it('auto-archives after its idle time, computed on read', async () => {
    await db.rollback(async (tx) => {
      const { member, general, thread } = await world(tx);
      await tx.query(
        `update public.threads set last_activity_at = now() - interval '61 minutes' where channel_id = $1`,
        [thread],
      );
      expect((await threadsOf(member, general))[0]?.archived).toBe(true);
      await sendMessage(member, thread, 'wake up');
      expect((await threadsOf(member, general))[0]?.archived).toBe(false);
    });
  });

  it('locking needs MANAGE_THREADS; a locked thread refuses messages and changes from everyone else', async () => {
    await db.rollback(async (tx) => {
      const { member, moderator, threadMod, thread } = await world(tx);
      expect(await failure(rpc(member.api, 'update_thread', thread, null, null, true))).toMatchObject(DENIED);
      await rpc(threadMod.api, 'update_thread', thread, null, true, true);
      expect(await failure(sendMessage(moderator, thread, 'x'))).toMatchObject(DENIED);
      expect(await failure(sendMessage(member, thread, 'x'))).toMatchObject(DENIED);
      expect(await failure(rpc(member.api, 'update_thread', thread, null, false))).toMatchObject(DENIED);
      expect((await sendMessage(threadMod, thread, 'mods may')).seq).toBe(1);
    });
  });
});

describe('thread rows and realtime', () => {
  it('no direct writes to threads or participants', async () => {
    await db.rollback(async (tx) => {
      const { member, thread } = await world(tx);
      expect(
        await failure(
          member.api.query('update public.threads set locked = false where channel_id = $1', [thread]),
        ),
      ).toMatchObject(DENIED);
      expect(
        await failure(member.api.query('delete from public.thread_members where thread_id = $1', [thread])),
      ).toMatchObject(DENIED);
      expect(
        await failure(
          member.api.query(
            `insert into public.channels (server_id, type, name, parent_id)
                            select server_id, 'thread', 'x', id from public.channels where id = $1`,
            [thread],
          ),
        ),
      ).toMatchObject(DENIED);
    });
  });

  it('thread events go to the parent topic with the summary; thread rows send no channel events; the layout ignores threads', async () => {
    await db.rollback(async (tx) => {
      const { owner, moderator, general, server } = await world(tx);
      await tx.query('set constraints all immediate');
      await tx.query('delete from realtime.messages');
      const thread = await rpc<string>(owner.api, 'create_thread', general, 'Second', null, 1440);
      await sendMessage(moderator, thread, 'hello');
      await tx.query('set constraints all immediate');
      const { rows } = await tx.query<{ topic: string; event: string; payload: { record: Summary } }>(
        'select topic, event, payload from realtime.messages order by inserted_at, id',
      );
      const events = rows.map((r) => `${r.event} ${r.topic}`);
      expect(events).toContain(`thread_create channel:${general}`);
      expect(events).toContain(`message_create channel:${thread}`);
      expect(events.filter((e) => e.startsWith('channel_'))).toEqual([]);
      const update = rows.filter((r) => r.event === 'thread_update').at(-1);
      expect(update?.payload.record).toMatchObject({ id: thread, message_count: 1, name: 'Second' });
      // set_channel_layout lists channels only.
      const layout = await tx.query<{ id: string; category_id: string | null }>(
        'select id, category_id from public.channels where server_id = $1 and parent_id is null order by position',
        [server.serverId],
      );
      await rpc(owner.api, 'set_channel_layout', server.serverId, [], JSON.stringify(layout.rows));
    });
  });

  it('stored thread permissions equal the reference computation after overwrite and role changes', async () => {
    await db.rollback(async (tx) => {
      const { member, general, server, modRoleId } = await world(tx);
      await setOverwrite(
        tx,
        general,
        { role: modRoleId },
        { deny: await bits(tx, ['SEND_MESSAGES_IN_THREADS']) },
      );
      await setOverwrite(
        tx,
        general,
        { member: member.profileId },
        { allow: await bits(tx, ['MANAGE_THREADS']) },
      );
      await tx.query(
        'update public.roles set permissions = permissions & ~public.permission($2) where id = $1',
        [server.serverId, 'CREATE_PUBLIC_THREADS'],
      );
      const { rows } = await tx.query(
        `select p.profile_id, p.channel_id from private.channel_member_permissions p
           join public.channels c on c.id = p.channel_id and c.parent_id is not null
          where p.permissions <> private.channel_permissions(p.channel_id, p.profile_id)`,
      );
      expect(rows).toEqual([]);
      const count = await tx.query<{ n: number }>(
        `select count(*)::int as n from private.channel_member_permissions p
           join public.channels c on c.id = p.channel_id and c.parent_id is not null`,
      );
      // owner, moderator, member and the thread moderator; not the stranger.
      expect(count.rows[0]?.n).toBe(4);
    });
  });
});
