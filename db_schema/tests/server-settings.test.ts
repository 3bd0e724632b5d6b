import { createTestDatabase, type TestDatabase } from '@harmony/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addMember,
  bits,
  createRole,
  createUser,
  failure,
  rpc,
  seedCommunity,
  sendMessage,
  snapshot,
} from './fixtures.js';

/**
 * Server settings, invites and every member's own settings (issue 15), from the attacker's
 * side: what a member without the right, a non-owner or another user sends, and the clean
 * refusal (42501, which PostgREST answers with 403) they get, with nothing changed.
 */

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.close());

const serverRow = (tx: Parameters<Parameters<TestDatabase['rollback']>[0]>[0], id: string) =>
  snapshot(tx, 'select name, owner_id, icon_url, system_channel_id from public.servers where id = $1', [id]);

describe('server settings', () => {
  it('refuse deletion and transfer to anyone but the owner', async () => {
    await db.rollback(async (tx) => {
      const c = await seedCommunity(tx);
      const { serverId } = c.server;
      const before = await serverRow(tx, serverId);
      // The moderator holds MANAGE_GUILD, still not the owner.
      for (const who of [c.moderator, c.member]) {
        expect(await failure(rpc(who.api, 'delete_server', serverId))).toMatchObject({ code: '42501' });
        expect(
          await failure(rpc(who.api, 'transfer_server_ownership', serverId, who.profileId)),
        ).toMatchObject({ code: '42501' });
      }
      expect(await failure(rpc(c.stranger.api, 'delete_server', serverId))).toMatchObject({
        code: expect.stringMatching(/^(42501|PT404)$/),
      });
      expect(await serverRow(tx, serverId)).toEqual(before);

      // The owner hands over to a member, who may then delete it.
      await rpc(c.owner.api, 'transfer_server_ownership', serverId, c.member.profileId);
      expect(await failure(rpc(c.owner.api, 'delete_server', serverId))).toMatchObject({ code: '42501' });
      await rpc(c.member.api, 'delete_server', serverId);
      expect(await snapshot(tx, 'select id from public.servers where id = $1', [serverId])).toEqual([]);
    });
  });

  it('refuse settings changes to members without MANAGE_GUILD', async () => {
    await db.rollback(async (tx) => {
      const c = await seedCommunity(tx);
      const { serverId, textChannelId } = c.server;
      const before = await serverRow(tx, serverId);
      const attempts = [
        rpc(c.member.api, 'update_server', serverId, 'Mine now', null, 'https://evil.test/i.png'),
        rpc(c.member.api, 'set_system_channel', serverId, textChannelId),
      ];
      for (const attempt of attempts) expect(await failure(attempt)).toMatchObject({ code: '42501' });
      expect(await failure(rpc(c.stranger.api, 'set_system_channel', serverId, null))).toMatchObject({
        code: expect.stringMatching(/^(42501|PT404)$/),
      });
      expect(await serverRow(tx, serverId)).toEqual(before);

      // With MANAGE_GUILD: a text channel of this server only.
      await rpc(c.moderator.api, 'set_system_channel', serverId, textChannelId);
      expect(
        await failure(rpc(c.moderator.api, 'set_system_channel', serverId, c.server.voiceChannelId)),
      ).toMatchObject({ code: '22023' });
      expect(await serverRow(tx, serverId)).toEqual([
        { ...(before[0] as object), system_channel_id: textChannelId },
      ]);
    });
  });

  it('post join messages in the system messages channel', async () => {
    await db.rollback(async (tx) => {
      const c = await seedCommunity(tx);
      const { serverId } = c.server;
      const { rows } = await tx.query<{ id: string }>(
        `insert into public.channels (server_id, type, name, position) values ($1, 'text', 'welcome', 5) returning id`,
        [serverId],
      );
      const welcome = rows[0]?.id as string;
      await rpc(c.owner.api, 'set_system_channel', serverId, welcome);
      const code = await rpc<string>(c.owner.api, 'create_invite', serverId, null, 3600, null, false);
      await rpc(c.stranger.api, 'join_server_by_invite', code);
      expect(
        await snapshot(
          tx,
          `select channel_id from public.messages where type = 'member_join' and author_id = $1`,
          [c.stranger.profileId],
        ),
      ).toEqual([{ channel_id: welcome }]);
    });
  });
});

describe('invites', () => {
  it('need CREATE_INSTANT_INVITE to create, and the inviter or MANAGE_GUILD to revoke', async () => {
    await db.rollback(async (tx) => {
      const c = await seedCommunity(tx);
      const { serverId } = c.server;
      const code = await rpc<string>(c.owner.api, 'create_invite', serverId, 5, 3600, null, false);
      // @everyone loses the bit: a plain member may not create invites any more.
      await tx.query(
        `update public.roles set permissions = permissions & ~public.permission('CREATE_INSTANT_INVITE') where id = $1`,
        [serverId],
      );
      expect(await failure(rpc(c.member.api, 'create_invite', serverId, null, 0, null, true))).toMatchObject({
        code: '42501',
      });
      expect(
        await failure(rpc(c.stranger.api, 'create_invite', serverId, null, 0, null, false)),
      ).toMatchObject({
        code: expect.stringMatching(/^(42501|PT404)$/),
      });
      expect(await failure(rpc(c.member.api, 'revoke_invite', code))).toMatchObject({ code: '42501' });
      expect(
        await snapshot(tx, 'select code, revoked_at from public.invites where server_id = $1', [serverId]),
      ).toEqual([{ code, revoked_at: null }]);
      // MANAGE_GUILD revokes anyone's.
      await rpc(c.moderator.api, 'revoke_invite', code);
      expect(await failure(rpc(c.stranger.api, 'join_server_by_invite', code))).toMatchObject({
        code: 'PT404',
      });
    });
  });

  it('admit temporary members, who leave when their session ends unless given a role', async () => {
    await db.rollback(async (tx) => {
      const c = await seedCommunity(tx);
      const { serverId } = c.server;
      const guest = await createUser(tx, 'guest');
      const kept = await createUser(tx, 'kept');
      const code = await rpc<string>(c.owner.api, 'create_invite', serverId, 10, 3600, null, true);
      expect(await snapshot(tx, 'select temporary from public.invites where code = $1', [code])).toEqual([
        { temporary: true },
      ]);
      await rpc(guest.api, 'join_server_by_invite', code);
      await rpc(kept.api, 'join_server_by_invite', code);
      await rpc(
        c.stranger.api,
        'join_server_by_invite',
        await rpc<string>(c.owner.api, 'create_invite', serverId),
      );
      const roleId = await createRole(tx, serverId, { name: 'Regular', permissions: 0n, position: 1 });
      await rpc(c.owner.api, 'assign_role', serverId, kept.profileId, roleId);
      const temporary = () =>
        snapshot(
          tx,
          'select p.username, m.temporary from public.server_members m join public.profiles p on p.id = m.profile_id where m.server_id = $1 and p.username in ($2, $3, $4) order by 1',
          [serverId, guest.username, kept.username, c.stranger.username],
        );
      expect(await temporary()).toEqual([
        { username: guest.username, temporary: true },
        { username: kept.username, temporary: false },
        { username: c.stranger.username, temporary: false },
      ]);
      // It acts on the caller only: a permanent member calling it removes nobody.
      const members = () =>
        snapshot(tx, 'select count(*)::int as n from public.server_members where server_id = $1', [serverId]);
      expect(await members()).toEqual([{ n: 6 }]);
      await rpc(c.member.api, 'end_temporary_memberships');
      expect(await members()).toEqual([{ n: 6 }]);
      for (const who of [guest, kept, c.stranger]) await rpc(who.api, 'end_temporary_memberships');
      expect(await members()).toEqual([{ n: 5 }]);
      expect(await temporary()).toEqual([
        { username: kept.username, temporary: false },
        { username: c.stranger.username, temporary: false },
      ]);
    });
  });
});

describe('own notification settings', () => {
  it('cannot be read or changed by another user, for a channel either', async () => {
    await db.rollback(async (tx) => {
      const c = await seedCommunity(tx);
      const { serverId, textChannelId } = c.server;
      await tx.query(
        `insert into public.channel_notification_settings (profile_id, channel_id, level, muted_until)
         values ($1, $2, 'nothing', 'infinity')`,
        [c.owner.profileId, textChannelId],
      );
      await tx.query(
        `insert into public.server_notification_settings (profile_id, server_id, level) values ($1, $2, 'all')`,
        [c.owner.profileId, serverId],
      );
      for (const who of [c.member, c.moderator, c.stranger]) {
        for (const table of ['channel_notification_settings', 'server_notification_settings']) {
          const read = await who.api.query(`select * from public.${table} where profile_id = $1`, [
            c.owner.profileId,
          ]);
          expect(read.rowCount, `${who.username} reads ${table}`).toBe(0);
          const write = await who.api.query(
            `update public.${table} set muted_until = null, level = null where profile_id = $1`,
            [c.owner.profileId],
          );
          expect(write.rowCount, `${who.username} changes ${table}`).toBe(0);
        }
        expect(
          await failure(
            who.api.query(
              `insert into public.channel_notification_settings (profile_id, channel_id, level) values ($1, $2, 'all')`,
              [c.owner.profileId, textChannelId],
            ),
          ),
        ).toMatchObject({ code: '42501' });
      }
      expect(
        await snapshot(
          tx,
          `select (select level::text from public.channel_notification_settings where profile_id = $1) as channel,
                  (select level::text from public.server_notification_settings where profile_id = $1) as server`,
          [c.owner.profileId],
        ),
      ).toEqual([{ channel: 'nothing', server: 'all' }]);
    });
  });

  it('a muted server gets no notifications until the mute ends', async () => {
    await db.rollback(async (tx) => {
      const c = await seedCommunity(tx);
      const { serverId, textChannelId } = c.server;
      const notified = async (messageId: string) =>
        (
          await snapshot(tx, 'select recipient_id from public.notifications where message_id = $1', [
            messageId,
          ])
        ).map((r) => (r as { recipient_id: string }).recipient_id);
      await c.member.api.query(
        `insert into public.server_notification_settings (profile_id, server_id, muted_until)
         values ($1, $2, now() + interval '1 hour')`,
        [c.member.profileId, serverId],
      );
      const muted = await sendMessage(c.owner, textChannelId, `hey <@${c.member.profileId}>`);
      expect(await notified(muted.id)).toEqual([]);
      await c.member.api.query(
        `update public.server_notification_settings set muted_until = null where profile_id = $1`,
        [c.member.profileId],
      );
      const heard = await sendMessage(c.owner, textChannelId, `again <@${c.member.profileId}>`);
      expect(await notified(heard.id)).toEqual([c.member.profileId]);
      // Until turned off.
      await c.member.api.query(
        `update public.server_notification_settings set muted_until = 'infinity' where profile_id = $1`,
        [c.member.profileId],
      );
      const forever = await sendMessage(c.owner, textChannelId, `still <@${c.member.profileId}>`);
      expect(await notified(forever.id)).toEqual([]);
    });
  });

  it('need CHANGE_NICKNAME for one’s own nickname', async () => {
    await db.rollback(async (tx) => {
      const c = await seedCommunity(tx);
      const { serverId } = c.server;
      await rpc(c.member.api, 'set_nickname', serverId, c.member.profileId, 'Memb');
      await tx.query(
        `update public.roles set permissions = permissions & ~public.permission('CHANGE_NICKNAME') where id = $1`,
        [serverId],
      );
      const quiet = await createUser(tx, 'quiet');
      await addMember(tx, serverId, quiet);
      expect(await failure(rpc(quiet.api, 'set_nickname', serverId, quiet.profileId, 'Loud'))).toMatchObject({
        code: '42501',
      });
      expect(await bits(tx, ['CHANGE_NICKNAME'])).toBeGreaterThan(0n);
    });
  });
});
