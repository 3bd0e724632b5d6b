import { createTestDatabase, type Session, type TestDatabase } from '@harmony/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addMember,
  bits,
  createUser,
  failure,
  makeFriends,
  rpc,
  seedCommunity,
  sendMessage,
  setOverwrite,
  type TestUser,
} from './fixtures.js';

// Attacks from issue 11 (items 2 and 3), as the attacker sends them: SQL as the signed-in user,
// exactly what PostgREST runs for PATCH /rest/v1/messages and POST /rest/v1/rpc/….

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.close());

const DENIED = { code: '42501' };

const edit = (user: TestUser, messageId: string, content: string) =>
  user.api.query('update public.messages set content = $2 where id = $1', [messageId, content]);

const contentOf = async (tx: Session, messageId: string) =>
  (await tx.query<{ content: string }>('select content from public.messages where id = $1', [messageId]))
    .rows[0]?.content;

/** Notifications a profile holds for one message, as (type, via) pairs. */
const notificationsFor = async (tx: Session, recipient: TestUser, messageId: string) =>
  (
    await tx.query<{ type: string }>(
      'select type::text from public.notifications where recipient_id = $1 and message_id = $2 order by type',
      [recipient.profileId, messageId],
    )
  ).rows.map((row) => row.type);

/** A community whose member joined by invite, so a member_join message of theirs exists. */
async function joinedCommunity(tx: Session) {
  const c = await seedCommunity(tx);
  const newcomer = await createUser(tx, 'newcomer');
  const code = await rpc<string>(c.owner.api, 'create_invite', c.server.serverId);
  await rpc(newcomer.api, 'join_server_by_invite', code);
  const { rows } = await tx.query<{ id: string }>(
    `select id from public.messages where author_id = $1 and type = 'member_join'`,
    [newcomer.profileId],
  );
  return { ...c, newcomer, joinMessageId: rows[0]?.id as string };
}

describe('editing a message needs the rights sending one needs', () => {
  it('refuses a member denied SEND_MESSAGES who rewrites their join message into a mention', async () => {
    await db.rollback(async (tx) => {
      const c = await joinedCommunity(tx);
      await setOverwrite(
        tx,
        c.server.textChannelId,
        { member: c.newcomer.profileId },
        { deny: await bits(tx, ['SEND_MESSAGES']) },
      );
      expect(await failure(edit(c.newcomer, c.joinMessageId, `<@${c.owner.profileId}> look`))).toMatchObject(
        DENIED,
      );
      expect(await contentOf(tx, c.joinMessageId)).toBe('');
      expect(await notificationsFor(tx, c.owner, c.joinMessageId)).toEqual([]);
    });
  });

  it('never lets members edit system messages, even with SEND_MESSAGES', async () => {
    await db.rollback(async (tx) => {
      const c = await joinedCommunity(tx);
      expect(await failure(edit(c.newcomer, c.joinMessageId, 'hello'))).toMatchObject(DENIED);
      expect(await contentOf(tx, c.joinMessageId)).toBe('');
    });
  });

  it('refuses a timed-out member editing old messages, until the timeout ends', async () => {
    await db.rollback(async (tx) => {
      const c = await seedCommunity(tx);
      const old = await sendMessage(c.member, c.server.textChannelId, 'before the timeout');
      await tx.query(
        `update public.server_members set timed_out_until = now() + interval '1 hour'
          where server_id = $1 and profile_id = $2`,
        [c.server.serverId, c.member.profileId],
      );
      expect(await failure(edit(c.member, old.id, `<@${c.owner.profileId}> during`))).toMatchObject(DENIED);
      expect(await contentOf(tx, old.id)).toBe('before the timeout');
      await tx.query(
        `update public.server_members set timed_out_until = now() - interval '1 second'
          where server_id = $1 and profile_id = $2`,
        [c.server.serverId, c.member.profileId],
      );
      expect((await edit(c.member, old.id, 'after')).rowCount).toBe(1);
    });
  });

  it('refuses edits in a DM after a block, and finds nothing to edit where the author cannot read', async () => {
    await db.rollback(async (tx) => {
      const c = await seedCommunity(tx);
      await makeFriends(tx, c.owner, c.stranger);
      const dm = await rpc<string>(c.stranger.api, 'open_dm', c.owner.profileId);
      const said = await sendMessage(c.stranger, dm, 'hi');
      await rpc(c.owner.api, 'block_user', c.stranger.profileId);
      expect(await failure(edit(c.stranger, said.id, 'now rude'))).toMatchObject(DENIED);
      expect(await contentOf(tx, said.id)).toBe('hi');

      const hidden = await sendMessage(c.member, c.server.textChannelId, 'soon hidden');
      await setOverwrite(
        tx,
        c.server.textChannelId,
        { member: c.member.profileId },
        { deny: await bits(tx, ['VIEW_CHANNEL']) },
      );
      expect((await edit(c.member, hidden.id, 'x')).rowCount).toBe(0);
      const kept = await sendMessage(c.moderator, c.server.textChannelId, 'then I leave');
      await rpc(c.moderator.api, 'leave_server', c.server.serverId);
      expect((await edit(c.moderator, kept.id, 'x')).rowCount).toBe(0);
      expect([await contentOf(tx, hidden.id), await contentOf(tx, kept.id)]).toEqual([
        'soon hidden',
        'then I leave',
      ]);
    });
  });

  it('keeps editing one’s own live messages with SEND_MESSAGES', async () => {
    await db.rollback(async (tx) => {
      const c = await seedCommunity(tx);
      const mine = await sendMessage(c.member, c.server.textChannelId, 'typo');
      expect((await edit(c.member, mine.id, 'fixed')).rowCount).toBe(1);
      expect(await contentOf(tx, mine.id)).toBe('fixed');
    });
  });
});

describe('an edit notifies only as a new message would', () => {
  it('gives @everyone only with MENTION_EVERYONE and nothing to people who cannot see the channel', async () => {
    await db.rollback(async (tx) => {
      const c = await seedCommunity(tx);
      const lurker = await createUser(tx, 'lurker');
      await addMember(tx, c.server.serverId, lurker);
      await setOverwrite(
        tx,
        c.server.textChannelId,
        { member: lurker.profileId },
        { deny: await bits(tx, ['VIEW_CHANNEL']) },
      );
      const message = await sendMessage(c.member, c.server.textChannelId, 'quiet');
      await edit(c.member, message.id, `@everyone <@${lurker.profileId}>`);
      for (const user of [c.owner, c.moderator, lurker]) {
        expect(await notificationsFor(tx, user, message.id)).toEqual([]);
      }
    });
  });

  it('notifies a newly mentioned person once, however often the mention comes back or adds to a reply', async () => {
    await db.rollback(async (tx) => {
      const c = await seedCommunity(tx);
      const message = await sendMessage(c.member, c.server.textChannelId, 'plain');
      await edit(c.member, message.id, `<@${c.owner.profileId}>`);
      await edit(c.member, message.id, 'gone');
      await edit(c.member, message.id, `<@${c.owner.profileId}> again`);
      expect(await notificationsFor(tx, c.owner, message.id)).toEqual(['mention']);

      const question = await sendMessage(c.owner, c.server.textChannelId, 'question');
      const answer = await sendMessage(c.member, c.server.textChannelId, 'answer', {
        replyToId: question.id,
      });
      expect(await notificationsFor(tx, c.owner, answer.id)).toEqual(['reply']);
      await edit(c.member, answer.id, `answer <@${c.owner.profileId}>`);
      expect(await notificationsFor(tx, c.owner, answer.id)).toEqual(['reply']);
    });
  });
});

describe('who may ask what someone may do', () => {
  const permissionQueries = (c: Awaited<ReturnType<typeof seedCommunity>>, about: TestUser) => ({
    server: `select public.server_permissions('${c.server.serverId}', '${about.profileId}')::text as p`,
    channel: `select public.channel_permissions('${c.server.textChannelId}', '${about.profileId}')::text as p`,
  });

  it('refuses anon and answers nobody about others without MANAGE_ROLES', async () => {
    await db.rollback(async (tx) => {
      const c = await seedCommunity(tx);
      for (const sql of Object.values(permissionQueries(c, c.owner))) {
        expect(await failure(tx.asAnon().query(sql))).toMatchObject(DENIED);
        expect(await failure(c.stranger.api.query(sql))).toMatchObject(DENIED);
        expect(await failure(c.member.api.query(sql))).toMatchObject(DENIED);
      }
    });
  });

  it('answers anyone about themselves, and MANAGE_ROLES holders about others', async () => {
    await db.rollback(async (tx) => {
      const c = await seedCommunity(tx);
      for (const [asker, about] of [
        [c.member, c.member],
        [c.stranger, c.stranger],
        [c.moderator, c.member],
        [c.owner, c.member],
      ] as const) {
        for (const sql of Object.values(permissionQueries(c, about))) {
          const asked = await asker.api.query<{ p: string }>(sql);
          const truth = await tx.query<{ p: string }>(sql);
          expect(asked.rows).toEqual(truth.rows);
        }
      }
      const stranger = await c.stranger.api.query<{ p: string }>(permissionQueries(c, c.stranger).server);
      expect(stranger.rows).toEqual([{ p: '0' }]);
    });
  });

  it('asks for MANAGE_ROLES in the channel itself for channel questions', async () => {
    await db.rollback(async (tx) => {
      const c = await seedCommunity(tx);
      await setOverwrite(
        tx,
        c.server.textChannelId,
        { role: c.modRoleId },
        { deny: await bits(tx, ['VIEW_CHANNEL']) },
      );
      const { server, channel } = permissionQueries(c, c.member);
      expect((await c.moderator.api.query(server)).rows).toHaveLength(1);
      expect(await failure(c.moderator.api.query(channel))).toMatchObject(DENIED);
    });
  });

  it('answers device questions to the device’s owner and to readers of the channel only', async () => {
    await db.rollback(async (tx) => {
      const c = await seedCommunity(tx);
      const { rows } = await tx.query<{ id: string }>(
        `insert into public.user_devices (profile_id, device_name, identity_key, signing_key)
         values ($1, 'phone', 'identity-key-0123456789', 'signing-key-0123456789') returning id`,
        [c.member.profileId],
      );
      const device = rows[0]?.id as string;
      const ask = (who: TestUser, channelId: string) =>
        who.api.query<{ ok: boolean }>('select public.device_can_read_channel($1, $2) as ok', [
          device,
          channelId,
        ]);
      expect((await ask(c.member, c.server.textChannelId)).rows).toEqual([{ ok: true }]);
      expect((await ask(c.owner, c.server.textChannelId)).rows).toEqual([{ ok: true }]);
      expect(await failure(ask(c.stranger, c.server.textChannelId))).toMatchObject(DENIED);
    });
  });

  it('keeps answering trusted callers about anyone', async () => {
    await db.rollback(async (tx) => {
      const c = await seedCommunity(tx);
      const { server } = permissionQueries(c, c.owner);
      const viaService = await tx.asService().query<{ p: string }>(server);
      expect(viaService.rows).toEqual((await tx.query(server)).rows);
      expect(viaService.rows[0]?.p).not.toBe('0');
    });
  });
});
