import { randomUUID } from 'node:crypto';
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
  rpc,
  seedCommunity,
  seedServer,
  snapshot,
  type TestUser,
} from './fixtures.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.close());

/** A well-formed attachment in the channel's folder (the database checks attachment metadata). */
const file = (channelId: string) => ({
  path: `${channelId}/00000000-0000-4000-8000-000000000000/a.png`,
  name: 'a.png',
  size: 1,
  content_type: 'image/png',
});

const count = async (tx: Session, sql: string, params: unknown[] = []) =>
  Number((await tx.query<{ n: string }>(`select count(*) as n from (${sql}) q`, params)).rows[0]?.n);

const auditOf = (tx: Session, action: string) =>
  snapshot(
    tx,
    'select actor_id, target_id, changes, reason from public.audit_log where action = $1 and actor_id is not null order by id',
    [action],
  );

const members = (tx: Session, serverId: string) =>
  snapshot(
    tx,
    'select profile_id, nickname, timed_out_until from public.server_members where server_id = $1 order by profile_id',
    [serverId],
  );

/** seedCommunity plus `peer`, a second Moderator, and `helper`, a member with a role below Moderator. */
async function seedModeration(tx: Session) {
  const c = await seedCommunity(tx);
  const peer = await createUser(tx, 'peer');
  await addMember(tx, c.server.serverId, peer, [c.modRoleId]);
  const helperRoleId = await createRole(tx, c.server.serverId, {
    name: 'Helper',
    permissions: 0n,
    position: 2,
  });
  const helper = await createUser(tx, 'helper');
  await addMember(tx, c.server.serverId, helper, [helperRoleId]);
  return { ...c, peer, helper, helperRoleId };
}

/** Every refusal the hierarchy and permission rules give a moderation RPC, with nothing changed. */
async function expectModerationRefusals(
  tx: Session,
  c: Awaited<ReturnType<typeof seedModeration>>,
  call: (who: TestUser, target: string) => Promise<unknown>,
) {
  const before = await members(tx, c.server.serverId);
  const bans = await snapshot(tx, 'select * from public.server_bans');
  expect(await failure(call(c.member, c.helper.profileId))).toMatchObject(DENIED);
  expect(await failure(call(c.moderator, c.owner.profileId))).toMatchObject(DENIED);
  expect(await failure(call(c.moderator, c.peer.profileId))).toMatchObject(DENIED);
  expect(await failure(call(c.helper, c.member.profileId))).toMatchObject(DENIED);
  expect(await failure(call(c.moderator, c.moderator.profileId))).toMatchObject(INVALID);
  expect(await failure(call(c.owner, c.owner.profileId))).toMatchObject(INVALID);
  expect(await failure(call(c.stranger, c.member.profileId))).toMatchObject(NOT_FOUND);
  expect(await failure(call(c.moderator, randomUUID()))).toMatchObject(NOT_FOUND);
  expect(await members(tx, c.server.serverId)).toEqual(before);
  expect(await snapshot(tx, 'select * from public.server_bans')).toEqual(bans);
  expect(await snapshot(tx, 'select * from public.audit_log where actor_id is not null')).toEqual([]);
}

describe('kick_member', () => {
  it('removes a lower member and their roles, audited with the reason', async () => {
    await db.rollback(async (tx) => {
      const c = await seedModeration(tx);
      await rpc(c.moderator.api, 'kick_member', c.server.serverId, c.helper.profileId, 'rude');
      expect(
        await count(tx, 'select * from public.server_members where profile_id = $1', [c.helper.profileId]),
      ).toBe(0);
      expect(
        await count(tx, 'select * from public.member_roles where profile_id = $1', [c.helper.profileId]),
      ).toBe(0);
      expect(await auditOf(tx, 'member_kick')).toEqual([
        { actor_id: c.moderator.profileId, target_id: c.helper.profileId, changes: {}, reason: 'rude' },
      ]);
      // Losing roles through the kick is not logged as a role change, and the reason does not
      // leak into later actions of the same transaction.
      expect(await auditOf(tx, 'member_role_update')).toEqual([]);
      await rpc(c.owner.api, 'kick_member', c.server.serverId, c.member.profileId);
      expect((await auditOf(tx, 'member_kick'))[1]).toMatchObject({ reason: null });
      // A kicked user can come back with an invite.
      const code = await rpc<string>(c.owner.api, 'create_invite', c.server.serverId);
      await rpc(c.helper.api, 'join_server_by_invite', code);
    });
  });

  it('refuses the owner, oneself, equal or higher members, missing permission and strangers', async () => {
    await db.rollback(async (tx) => {
      const c = await seedModeration(tx);
      await expectModerationRefusals(tx, c, (who, target) =>
        rpc(who.api, 'kick_member', c.server.serverId, target),
      );
      expect(
        await failure(
          rpc(c.moderator.api, 'kick_member', c.server.serverId, c.member.profileId, 'r'.repeat(513)),
        ),
      ).toMatchObject(INVALID);
      expect(
        await failure(rpc(c.moderator.api, 'kick_member', c.server.serverId, c.stranger.profileId)),
      ).toMatchObject(NOT_FOUND);
    });
  });
});

describe('ban_member and unban_member', () => {
  it('ban a member: membership gone, recent messages in this server soft-deleted, audited once', async () => {
    await db.rollback(async (tx) => {
      const c = await seedModeration(tx);
      const other = await seedServer(tx, c.stranger, 'Elsewhere');
      await addMember(tx, other.serverId, c.helper);
      const post = async (channel: string, content: string, age = '0 seconds') =>
        (
          await tx.query<{ id: string }>(
            `insert into public.messages (channel_id, author_id, content, attachments, created_at)
             values ($1, $2, $3, $4, now() - $5::interval) returning id`,
            [channel, c.helper.profileId, content, JSON.stringify([file(channel)]), age],
          )
        ).rows[0]?.id as string;
      const recent = await post(c.server.textChannelId, 'spam');
      const old = await post(c.server.textChannelId, 'hello', '2 days');
      const elsewhere = await post(other.textChannelId, 'spam');
      await rpc(c.moderator.api, 'ban_member', c.server.serverId, c.helper.profileId, 'spam', 3600);

      expect(
        await count(tx, 'select * from public.server_members where profile_id = $1 and server_id = $2', [
          c.helper.profileId,
          c.server.serverId,
        ]),
      ).toBe(0);
      expect(await snapshot(tx, 'select profile_id, reason, banned_by from public.server_bans')).toEqual([
        { profile_id: c.helper.profileId, reason: 'spam', banned_by: c.moderator.profileId },
      ]);
      const messages = await snapshot(
        tx,
        `select id, content, attachments, deleted_at is not null as deleted from public.messages order by content, id`,
      );
      expect(messages).toEqual(
        expect.arrayContaining([
          { id: recent, content: '', attachments: [], deleted: true },
          { id: old, content: 'hello', attachments: [file(c.server.textChannelId)], deleted: false },
          { id: elsewhere, content: 'spam', attachments: [file(other.textChannelId)], deleted: false },
        ]),
      );
      expect(await auditOf(tx, 'member_ban')).toEqual([
        { actor_id: c.moderator.profileId, target_id: c.helper.profileId, changes: {}, reason: 'spam' },
      ]);
      expect(await auditOf(tx, 'member_kick')).toEqual([]);
      // Banned users cannot come back until unbanned.
      const code = await rpc<string>(c.owner.api, 'create_invite', c.server.serverId);
      expect(await failure(rpc(c.helper.api, 'join_server_by_invite', code))).toMatchObject(DENIED);
      await rpc(c.moderator.api, 'unban_member', c.server.serverId, c.helper.profileId);
      expect(await auditOf(tx, 'member_unban')).toEqual([
        { actor_id: c.moderator.profileId, target_id: c.helper.profileId, changes: {}, reason: null },
      ]);
      await rpc(c.helper.api, 'join_server_by_invite', code);
    });
  });

  it('ban someone who is not (yet) a member', async () => {
    await db.rollback(async (tx) => {
      const c = await seedModeration(tx);
      await rpc(c.moderator.api, 'ban_member', c.server.serverId, c.stranger.profileId);
      expect(await count(tx, 'select * from public.server_bans')).toBe(1);
      expect(
        await failure(rpc(c.moderator.api, 'ban_member', c.server.serverId, c.stranger.profileId)),
      ).toMatchObject({ code: '23505' });
    });
  });

  it('refuse the owner, oneself, equal or higher members, bad input, missing permission', async () => {
    await db.rollback(async (tx) => {
      const c = await seedModeration(tx);
      const id = c.server.serverId;
      await expectModerationRefusals(tx, c, (who, target) => rpc(who.api, 'ban_member', id, target));
      const before = await members(tx, id);
      expect(
        await failure(rpc(c.moderator.api, 'ban_member', id, c.member.profileId, null, -1)),
      ).toMatchObject(INVALID);
      expect(
        await failure(rpc(c.moderator.api, 'ban_member', id, c.member.profileId, null, 604801)),
      ).toMatchObject(INVALID);
      expect(
        await failure(rpc(c.moderator.api, 'ban_member', id, c.member.profileId, null, null)),
      ).toMatchObject(INVALID);
      expect(
        await failure(rpc(c.moderator.api, 'ban_member', id, c.member.profileId, 'r'.repeat(513))),
      ).toMatchObject(INVALID);
      expect(await members(tx, id)).toEqual(before);
      expect(await count(tx, 'select * from public.server_bans')).toBe(0);
      expect(await failure(rpc(c.moderator.api, 'unban_member', id, c.member.profileId))).toMatchObject(
        NOT_FOUND,
      );
      await tx.query('insert into public.server_bans (server_id, profile_id) values ($1, $2)', [
        id,
        c.stranger.profileId,
      ]);
      expect(await failure(rpc(c.member.api, 'unban_member', id, c.stranger.profileId))).toMatchObject(
        DENIED,
      );
      expect(await failure(rpc(c.stranger.api, 'unban_member', id, c.stranger.profileId))).toMatchObject(
        NOT_FOUND,
      );
      expect(await count(tx, 'select * from public.server_bans')).toBe(1);
    });
  });
});

describe('timeout_member', () => {
  const HOUR = 3600;
  const timedOutUntil = async (tx: Session, profileId: string) =>
    (
      await tx.query<{ until: string | null; expected: string }>(
        `select timed_out_until as until, now() + make_interval(secs => $2) as expected
           from public.server_members where profile_id = $1`,
        [profileId, HOUR],
      )
    ).rows[0];

  it('leaves a member only view and history until lifted, audited with before/after', async () => {
    await db.rollback(async (tx) => {
      const c = await seedModeration(tx);
      const id = c.server.serverId;
      await rpc(c.moderator.api, 'timeout_member', id, c.member.profileId, HOUR, 'calm down');
      const perms = await snapshot(
        tx,
        `select public.channel_permissions($1, $2) = public.permission('VIEW_CHANNEL') | public.permission('READ_MESSAGE_HISTORY') as limited`,
        [c.server.textChannelId, c.member.profileId],
      );
      expect(perms).toEqual([{ limited: true }]);
      await rpc(c.moderator.api, 'timeout_member', id, c.member.profileId, 7 * 86400);
      await rpc(c.moderator.api, 'timeout_member', id, c.member.profileId, null);
      expect(
        await snapshot(tx, 'select timed_out_until from public.server_members where profile_id = $1', [
          c.member.profileId,
        ]),
      ).toEqual([{ timed_out_until: null }]);
      const log = await auditOf(tx, 'member_timeout');
      expect(log).toHaveLength(3);
      expect(log[0]).toMatchObject({
        actor_id: c.moderator.profileId,
        target_id: c.member.profileId,
        changes: { timed_out_until: { before: null } },
        reason: 'calm down',
      });
      expect(log[2]).toMatchObject({ changes: { timed_out_until: { after: null } }, reason: null });
    });
  });

  it('ends a timeout by the database clock, not the caller’s', async () => {
    await db.rollback(async (tx) => {
      const c = await seedModeration(tx);
      // The caller sends a length; whatever its clock says, the end is the database's now() + length.
      await rpc(c.moderator.api, 'timeout_member', c.server.serverId, c.member.profileId, HOUR);
      const row = await timedOutUntil(tx, c.member.profileId);
      expect(row?.until).not.toBeNull();
      expect(new Date(row?.until as string).getTime()).toBe(new Date(row?.expected as string).getTime());
    });
  });

  it('stops a timed-out moderator from moderating', async () => {
    await db.rollback(async (tx) => {
      const c = await seedModeration(tx);
      await rpc(c.owner.api, 'timeout_member', c.server.serverId, c.moderator.profileId, HOUR);
      expect(
        await failure(rpc(c.moderator.api, 'kick_member', c.server.serverId, c.member.profileId)),
      ).toMatchObject(DENIED);
    });
  });

  it('refuses lengths not offered, administrators, the owner, oneself and higher members', async () => {
    await db.rollback(async (tx) => {
      const c = await seedModeration(tx);
      const id = c.server.serverId;
      await expectModerationRefusals(tx, c, (who, target) =>
        rpc(who.api, 'timeout_member', id, target, HOUR),
      );
      const before = await members(tx, id);
      for (const seconds of [0, -60, 59, 120, 6, 28 * 86400]) {
        expect(
          await failure(rpc(c.moderator.api, 'timeout_member', id, c.member.profileId, seconds)),
        ).toMatchObject({
          ...INVALID,
          message: 'a timeout lasts 60 seconds, 5 minutes, 10 minutes, 1 hour, 1 day or 1 week',
        });
      }
      // An end time, as the old signature took, is no longer accepted.
      expect(
        await failure(
          rpc(
            c.moderator.api,
            'timeout_member',
            id,
            c.member.profileId,
            new Date(Date.now() + 6000).toISOString(),
          ),
        ),
      ).toMatchObject({ code: '22P02' });
      expect(
        await failure(rpc(c.moderator.api, 'timeout_member', id, c.member.profileId, HOUR, 'r'.repeat(513))),
      ).toMatchObject(INVALID);
      await tx.query('update public.roles set permissions = public.permission($2) where id = $1', [
        c.helperRoleId,
        'ADMINISTRATOR',
      ]);
      expect(
        await failure(rpc(c.moderator.api, 'timeout_member', id, c.helper.profileId, HOUR)),
      ).toMatchObject(DENIED);
      expect(await members(tx, id)).toEqual(before);
    });
  });
});

describe('set_nickname', () => {
  it('lets members rename themselves and MANAGE_NICKNAMES rename lower members', async () => {
    await db.rollback(async (tx) => {
      const c = await seedModeration(tx);
      const id = c.server.serverId;
      await rpc(c.member.api, 'set_nickname', id, c.member.profileId, '  Mem ');
      await rpc(c.moderator.api, 'set_nickname', id, c.helper.profileId, 'Helpy');
      await rpc(c.owner.api, 'set_nickname', id, c.moderator.profileId, 'Boss');
      await rpc(c.owner.api, 'set_nickname', id, c.owner.profileId, 'Owner');
      const nick = (u: TestUser) =>
        snapshot(tx, 'select nickname from public.server_members where server_id = $1 and profile_id = $2', [
          id,
          u.profileId,
        ]).then((r) => (r[0] as { nickname: string | null }).nickname);
      expect([
        await nick(c.member),
        await nick(c.helper),
        await nick(c.moderator),
        await nick(c.owner),
      ]).toEqual(['Mem', 'Helpy', 'Boss', 'Owner']);
      await rpc(c.member.api, 'set_nickname', id, c.member.profileId, '');
      await rpc(c.moderator.api, 'set_nickname', id, c.helper.profileId, null);
      expect([await nick(c.member), await nick(c.helper)]).toEqual([null, null]);
    });
  });

  it('refuses others’ nicknames without MANAGE_NICKNAMES or rank, too-long names, and CHANGE_NICKNAME-less members', async () => {
    await db.rollback(async (tx) => {
      const c = await seedModeration(tx);
      const id = c.server.serverId;
      const before = await members(tx, id);
      const rename = (who: TestUser, target: TestUser, nickname: string | null = 'x') =>
        rpc(who.api, 'set_nickname', id, target.profileId, nickname);
      expect(await failure(rename(c.member, c.helper))).toMatchObject(DENIED);
      expect(await failure(rename(c.moderator, c.owner))).toMatchObject(DENIED);
      expect(await failure(rename(c.moderator, c.peer))).toMatchObject(DENIED);
      expect(await failure(rename(c.moderator, c.stranger))).toMatchObject(NOT_FOUND);
      expect(await failure(rename(c.stranger, c.stranger))).toMatchObject(NOT_FOUND);
      expect(await failure(rename(c.member, c.member, 'n'.repeat(33)))).toMatchObject(INVALID);
      const change = await bits(tx, ['CHANGE_NICKNAME']);
      await tx.query('update public.roles set permissions = permissions & ~$2::bigint where id = $1', [
        id,
        change.toString(),
      ]);
      expect(await failure(rename(c.member, c.member))).toMatchObject(DENIED);
      expect(await members(tx, id)).toEqual(before);
    });
  });
});

describe('audit log', () => {
  it('is readable only with VIEW_AUDIT_LOG', async () => {
    await db.rollback(async (tx) => {
      const c = await seedModeration(tx);
      await rpc(c.moderator.api, 'kick_member', c.server.serverId, c.helper.profileId, 'bye');
      const kicks = `select * from public.audit_log where action = 'member_kick'`;
      expect((await c.moderator.api.query(kicks)).rowCount).toBe(1);
      expect((await c.owner.api.query(kicks)).rowCount).toBe(1);
      expect((await c.member.api.query(kicks)).rowCount).toBe(0);
      expect((await c.stranger.api.query(kicks)).rowCount).toBe(0);
      expect(await failure(tx.asAnon().query(kicks))).toMatchObject(DENIED);
      expect(await failure(c.owner.api.query(`delete from public.audit_log`))).toMatchObject(DENIED);
    });
  });

  it('records every kind of server change with its actor', async () => {
    await db.rollback(async (tx) => {
      const c = await seedModeration(tx);
      const id = c.server.serverId;
      const mod = c.moderator.api;
      await rpc(mod, 'update_server', id, 'Renamed');
      const channel = await rpc<string>(mod, 'create_channel', id, 'news', 'text');
      await rpc(mod, 'update_channel', channel, 'updates');
      const role = await rpc<string>(mod, 'create_role', id, 'Fresh', '0');
      await rpc(mod, 'update_role', role, 'Fresher');
      await rpc(mod, 'assign_role', id, c.member.profileId, role);
      await rpc(mod, 'set_channel_overwrite', channel, 'role', role, '0', '1024');
      await rpc(mod, 'delete_role', role);
      await rpc(mod, 'delete_channel', channel);
      const code = await rpc<string>(mod, 'create_invite', id);
      await rpc(mod, 'revoke_invite', code);
      await rpc(mod, 'timeout_member', id, c.member.profileId, 60);
      await rpc(mod, 'kick_member', id, c.member.profileId);
      await rpc(mod, 'ban_member', id, c.helper.profileId);
      await rpc(mod, 'unban_member', id, c.helper.profileId);
      const actions = await snapshot(
        tx,
        'select action, count(*)::int as n from public.audit_log where actor_id = $1 group by action order by action',
        [c.moderator.profileId],
      );
      expect(
        Object.fromEntries(actions.map((r) => [(r as { action: string }).action, (r as { n: number }).n])),
      ).toEqual({
        server_update: 1,
        channel_create: 1,
        channel_update: 1,
        channel_delete: 1,
        role_create: 1,
        role_update: 1,
        role_delete: 1,
        member_role_update: 1,
        overwrite_update: 2,
        invite_create: 1,
        invite_revoke: 1,
        member_timeout: 1,
        member_kick: 1,
        member_ban: 1,
        member_unban: 1,
      });
    });
  });
});
