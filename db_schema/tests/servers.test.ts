import { randomUUID } from 'node:crypto';
import { createTestDatabase, type Requester, type Session, type TestDatabase } from '@harmony/db/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addMember,
  bits,
  type Community,
  createRole,
  createUser,
  failure,
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

const count = async (who: Requester, sql: string, params: unknown[] = []) =>
  Number((await who.query<{ n: string }>(`select count(*) as n from (${sql}) q`, params)).rows[0]?.n);

// ---------------------------------------------------------------------------------------------
// Row-level security: what each kind of caller sees and may write, table by table.
// ---------------------------------------------------------------------------------------------

type Actor = 'anon' | 'stranger' | 'member' | 'moderator' | 'owner' | 'banned' | 'service';
const ACTORS: Actor[] = ['anon', 'stranger', 'member', 'moderator', 'owner', 'banned', 'service'];

interface World extends Community {
  banned: TestUser;
  publicServerId: string;
  privateChannelId: string;
  dmChannelId: string;
}

/**
 * seedCommunity plus: a banned user; a public server of the owner's (nobody else in it); a
 * category; a #staff channel hidden from @everyone but open to Moderator; a DM between the
 * stranger and the banned user; an invite; a custom emoji. Triggers have filled the audit log.
 */
async function seedWorld(tx: Session): Promise<World> {
  const c = await seedCommunity(tx);
  const { serverId } = c.server;
  const banned = await createUser(tx, 'banned');
  await tx.query(
    `insert into public.server_bans (server_id, profile_id, reason, banned_by) values ($1, $2, 'spam', $3)`,
    [serverId, banned.profileId, c.owner.profileId],
  );
  const publicServerId = randomUUID();
  await tx.query(
    `insert into public.servers (id, name, owner_id, is_public) values ($1, 'Lobby', $2, true)`,
    [publicServerId, c.owner.profileId],
  );
  await tx.query(
    `insert into public.roles (id, server_id, name, position, permissions) values ($1, $1, '@everyone', 0, 0)`,
    [publicServerId],
  );
  await tx.query('insert into public.server_members (server_id, profile_id) values ($1, $2)', [
    publicServerId,
    c.owner.profileId,
  ]);
  await tx.query(`insert into public.channel_categories (server_id, name) values ($1, 'Info')`, [serverId]);
  const staff = await tx.query<{ id: string }>(
    `insert into public.channels (server_id, name, position) values ($1, 'staff', 2) returning id`,
    [serverId],
  );
  const privateChannelId = staff.rows[0]?.id as string;
  const view = await bits(tx, ['VIEW_CHANNEL']);
  await tx.query(
    `insert into public.channel_overwrites (channel_id, target_type, target_id, allow, deny)
     values ($1, 'role', $2, 0, $4), ($1, 'role', $3, $4, 0)`,
    [privateChannelId, serverId, c.modRoleId, view.toString()],
  );
  const dm = await tx.query<{ id: string }>(`insert into public.channels (type) values ('dm') returning id`);
  const dmChannelId = dm.rows[0]?.id as string;
  await tx.query('insert into public.channel_recipients (channel_id, profile_id) values ($1, $2), ($1, $3)', [
    dmChannelId,
    c.stranger.profileId,
    banned.profileId,
  ]);
  await tx.query(`insert into public.invites (code, server_id, inviter_id) values ('abcdefgh', $1, $2)`, [
    serverId,
    c.owner.profileId,
  ]);
  await tx.query(
    `insert into public.custom_emojis (server_id, name, image_path, created_by) values ($1, 'wave', 'x/wave.png', $2)`,
    [serverId, c.owner.profileId],
  );
  // The owner's report about the plain member: the member it is about may not read it.
  await tx.query(
    `insert into public.reports (server_id, reporter_id, target_id, reason) values ($1, $2, $3, 'spam')`,
    [serverId, c.owner.profileId, c.member.profileId],
  );
  return { ...c, banned, publicServerId, privateChannelId, dmChannelId };
}

function requester(tx: Session, w: World, actor: Actor): Requester {
  switch (actor) {
    case 'anon':
      return tx.asAnon();
    case 'service':
      return tx.asService();
    case 'banned':
      return w.banned.api;
    default:
      return w[actor].api;
  }
}

/** Visible row counts per actor; 'all' = every row the scope selects (as the superuser sees it). */
type Visible = Record<Exclude<Actor, 'anon' | 'service'>, number | 'all'>;
interface TableCase {
  table: string;
  /** Restricts counting to the main server where the table is server-scoped. */
  scope: string;
  visible: Visible;
  /** A column the probes insert and update (to itself). */
  column: string;
  /** Authenticated users may INSERT and DELETE (their policies decide which rows). */
  writable?: boolean;
}

const TABLES: TableCase[] = [
  {
    table: 'servers',
    scope: 'true',
    column: 'name',
    visible: { stranger: 1, member: 'all', moderator: 'all', owner: 'all', banned: 1 },
  },
  {
    table: 'roles',
    scope: 'server_id = $1',
    column: 'name',
    visible: { stranger: 0, member: 'all', moderator: 'all', owner: 'all', banned: 0 },
  },
  {
    table: 'server_members',
    scope: 'server_id = $1',
    column: 'nickname',
    visible: { stranger: 0, member: 'all', moderator: 'all', owner: 'all', banned: 0 },
  },
  {
    table: 'member_roles',
    scope: 'server_id = $1',
    column: 'role_id',
    visible: { stranger: 0, member: 'all', moderator: 'all', owner: 'all', banned: 0 },
  },
  {
    table: 'server_bans',
    scope: 'server_id = $1',
    column: 'reason',
    visible: { stranger: 0, member: 0, moderator: 'all', owner: 'all', banned: 0 },
  },
  {
    table: 'channel_categories',
    scope: 'server_id = $1',
    column: 'name',
    visible: { stranger: 0, member: 'all', moderator: 'all', owner: 'all', banned: 0 },
  },
  {
    // The main server's three channels and the DM: #staff is hidden from plain members.
    table: 'channels',
    scope: 'true',
    column: 'name',
    visible: { stranger: 1, member: 2, moderator: 3, owner: 3, banned: 1 },
  },
  {
    table: 'channel_overwrites',
    scope: 'true',
    column: 'allow',
    visible: { stranger: 0, member: 0, moderator: 'all', owner: 'all', banned: 0 },
  },
  {
    // @everyone has CREATE_INSTANT_INVITE by default, so plain members see invites too.
    table: 'invites',
    scope: 'server_id = $1',
    column: 'uses',
    visible: { stranger: 0, member: 'all', moderator: 'all', owner: 'all', banned: 0 },
  },
  {
    table: 'audit_log',
    scope: 'server_id = $1',
    column: 'reason',
    visible: { stranger: 0, member: 0, moderator: 'all', owner: 'all', banned: 0 },
  },
  {
    // Reporters and reviewers (MANAGE_MESSAGES, KICK, BAN or MODERATE_MEMBERS) only.
    table: 'reports',
    scope: 'server_id = $1',
    column: 'details',
    visible: { stranger: 0, member: 0, moderator: 'all', owner: 'all', banned: 0 },
  },
  {
    table: 'custom_emojis',
    scope: 'server_id = $1',
    column: 'name',
    visible: { stranger: 0, member: 'all', moderator: 'all', owner: 'all', banned: 0 },
    writable: true,
  },
];

describe('row-level security', () => {
  it.each(TABLES.map((t) => [t.table, t] as const))('%s', async (_name, t) => {
    await db.rollback(async (tx) => {
      const w = await seedWorld(tx);
      const scoped = (sql: string) => `${sql} where ${t.scope}`;
      const params = t.scope.includes('$1') ? [w.server.serverId] : [];
      const total = await count(tx, scoped(`select * from public.${t.table}`), params);
      expect(total).toBeGreaterThan(0);
      const probes = {
        insert: `insert into public.${t.table} (${t.column}) select ${t.column} from public.${t.table} where false`,
        update: `update public.${t.table} set ${t.column} = ${t.column} where false`,
        delete: `delete from public.${t.table} where false`,
      };
      const seen: Record<string, unknown> = {};
      const expected: Record<string, unknown> = {};
      for (const actor of ACTORS) {
        const who = requester(tx, w, actor);
        const visible = await count(who, scoped(`select * from public.${t.table}`), params).catch(
          (e: { code: string }) => e.code,
        );
        const writes: Record<string, string> = {};
        for (const [op, sql] of Object.entries(probes)) {
          writes[op] = await who.query(sql).then(
            () => 'ok',
            (e: { code: string }) => e.code,
          );
        }
        seen[actor] = { visible, ...writes };
        const authenticated = actor !== 'anon' && actor !== 'service';
        const want = actor === 'anon' ? '42501' : actor === 'service' ? total : t.visible[actor];
        expected[actor] = {
          visible: want === 'all' ? total : want,
          insert: actor === 'service' || (authenticated && t.writable) ? 'ok' : '42501',
          update: actor === 'service' ? 'ok' : '42501',
          delete: actor === 'service' || (authenticated && t.writable) ? 'ok' : '42501',
        };
      }
      expect(seen).toEqual(expected);
    });
  });

  it('let a member read and change only their own notification level and mute', async () => {
    await db.rollback(async (tx) => {
      const w = await seedWorld(tx);
      const serverId = w.server.serverId;
      await tx.query(
        `insert into public.server_notification_settings (profile_id, server_id, level, muted_until)
         values ($1, $2, 'nothing', 'infinity')`,
        [w.owner.profileId, serverId],
      );
      const mine = await w.member.api.query(
        `insert into public.server_notification_settings (profile_id, server_id, level) values ($1, $2, 'all')`,
        [w.member.profileId, serverId],
      );
      expect(mine.rowCount).toBe(1);
      // The owner's settings are invisible and untouchable to another member.
      expect(
        await count(w.member.api, 'select * from public.server_notification_settings where profile_id = $1', [
          w.owner.profileId,
        ]),
      ).toBe(0);
      const theirs = await w.member.api.query(
        `update public.server_notification_settings set muted_until = null where profile_id = $1`,
        [w.owner.profileId],
      );
      expect(theirs.rowCount).toBe(0);
      const gone = await w.member.api.query(
        'delete from public.server_notification_settings where profile_id = $1',
        [w.owner.profileId],
      );
      expect(gone.rowCount).toBe(0);
      expect(
        await failure(
          w.member.api.query(
            `insert into public.server_notification_settings (profile_id, server_id, level) values ($1, $2, 'all')`,
            [w.owner.profileId, serverId],
          ),
        ),
      ).toMatchObject({ code: '42501' });
      // Not for a server one is not in.
      expect(
        await failure(
          w.stranger.api.query(
            `insert into public.server_notification_settings (profile_id, server_id, level) values ($1, $2, 'all')`,
            [w.stranger.profileId, serverId],
          ),
        ),
      ).toMatchObject({ code: '42501' });
      // server_members, which every member reads, holds nobody's notification settings.
      const columns = await snapshot(
        tx,
        `select column_name from information_schema.columns
          where table_schema = 'public' and table_name = 'server_members' order by column_name`,
      );
      expect(columns).not.toContainEqual({ column_name: 'notification_level' });
      expect(columns).not.toContainEqual({ column_name: 'muted_until' });
      expect(
        await failure(
          w.member.api.query(
            `update public.server_members set timed_out_until = null, nickname = 'boss' where profile_id = $1`,
            [w.member.profileId],
          ),
        ),
      ).toMatchObject({ code: '42501' });
      const levels = await snapshot(
        tx,
        'select profile_id, level from public.server_notification_settings where server_id = $1 order by level',
        [serverId],
      );
      expect(levels).toEqual([
        { profile_id: w.member.profileId, level: 'all' },
        { profile_id: w.owner.profileId, level: 'nothing' },
      ]);
    });
  });

  it('let MANAGE_GUILD_EXPRESSIONS holders add and remove emoji, as themselves', async () => {
    await db.rollback(async (tx) => {
      const w = await seedWorld(tx);
      const add = (who: TestUser, name: string, by = who.profileId) =>
        who.api.query(
          `insert into public.custom_emojis (server_id, name, image_path, created_by) values ($1, $2, 'x/y.png', $3)`,
          [w.server.serverId, name, by],
        );
      await add(w.moderator, 'party');
      expect(await failure(add(w.member, 'nope'))).toMatchObject({ code: '42501' });
      expect(await failure(add(w.stranger, 'nope'))).toMatchObject({ code: '42501' });
      expect(await failure(add(w.moderator, 'forged', w.owner.profileId))).toMatchObject({ code: '42501' });
      expect(
        (await w.member.api.query(`delete from public.custom_emojis where name = 'party'`)).rowCount,
      ).toBe(0);
      expect(
        (await w.moderator.api.query(`delete from public.custom_emojis where name = 'party'`)).rowCount,
      ).toBe(1);
      const log = await snapshot(
        tx,
        `select action, actor_id, changes -> 'name' ->> 'after' as created, changes -> 'name' ->> 'before' as removed
           from public.audit_log where action in ('emoji_create', 'emoji_delete') and actor_id is not null order by id`,
      );
      expect(log).toEqual([
        { action: 'emoji_create', actor_id: w.moderator.profileId, created: 'party', removed: null },
        { action: 'emoji_delete', actor_id: w.moderator.profileId, created: null, removed: 'party' },
      ]);
      expect(await count(tx, `select * from public.custom_emojis where name <> 'wave'`)).toBe(0);
    });
  });

  it('show invites to MANAGE_GUILD holders even when @everyone may not invite', async () => {
    await db.rollback(async (tx) => {
      const w = await seedWorld(tx);
      const invite = await bits(tx, ['CREATE_INSTANT_INVITE']);
      await tx.query('update public.roles set permissions = permissions & ~$2::bigint where id = $1', [
        w.server.serverId,
        invite.toString(),
      ]);
      expect(await count(w.member.api, 'select * from public.invites')).toBe(0);
      expect(await count(w.moderator.api, 'select * from public.invites')).toBe(1);
    });
  });
});

// ---------------------------------------------------------------------------------------------
// Servers
// ---------------------------------------------------------------------------------------------

const NOT_FOUND = { code: 'PT404' };
const DENIED = { code: '42501' };
const INVALID = { code: '22023' };
const MISSING = { code: '22004' };

const auditOf = (tx: Session, action: string) =>
  snapshot(
    tx,
    'select actor_id, target_id, changes, reason from public.audit_log where action = $1 and actor_id is not null order by id',
    [action],
  );

describe('create_server', () => {
  it('creates the server, @everyone, the owner membership and the starter channels', async () => {
    await db.rollback(async (tx) => {
      const ada = await createUser(tx, 'ada');
      const id = await rpc<string>(
        ada.api,
        'create_server',
        '  Ada’s place ',
        'A server',
        'https://x/icon.png',
      );
      const server = await snapshot(tx, 'select name, description, owner_id, icon_url from public.servers');
      expect(server).toEqual([
        {
          name: 'Ada’s place',
          description: 'A server',
          owner_id: ada.profileId,
          icon_url: 'https://x/icon.png',
        },
      ]);
      const roles = await snapshot(
        tx,
        `select id, name, position, permissions = public.default_everyone_permissions() as defaults from public.roles`,
      );
      expect(roles).toEqual([{ id, name: '@everyone', position: 0, defaults: true }]);
      expect(await snapshot(tx, 'select profile_id from public.server_members')).toEqual([
        { profile_id: ada.profileId },
      ]);
      const layout = await snapshot(
        tx,
        `select k.name as category, c.type, c.name from public.channels c
           join public.channel_categories k on k.id = c.category_id order by k.position, c.position`,
      );
      expect(layout).toEqual([
        { category: 'Text Channels', type: 'text', name: 'general' },
        { category: 'Voice Channels', type: 'voice', name: 'General' },
      ]);
      // The owner sees all of it through RLS.
      expect(await count(ada.api, 'select * from public.channels')).toBe(2);
      expect(await count(ada.api, 'select * from public.servers')).toBe(1);
    });
  });

  it('refuses bad names and signed-out callers, creating nothing', async () => {
    await db.rollback(async (tx) => {
      const ada = await createUser(tx, 'ada');
      expect(await failure(rpc(ada.api, 'create_server', null))).toMatchObject(MISSING);
      expect(await failure(rpc(ada.api, 'create_server', '   '))).toMatchObject(INVALID);
      expect(await failure(rpc(ada.api, 'create_server', 'x'.repeat(101)))).toMatchObject(INVALID);
      expect(await failure(rpc(ada.api, 'create_server', 'ok', 'd'.repeat(1001)))).toMatchObject(INVALID);
      expect(await failure(rpc(tx.asAnon(), 'create_server', 'ok'))).toMatchObject({
        code: '42501',
        message: 'permission denied for function create_server',
      });
      // A signed-in role whose token names no account is not a user either.
      expect(await failure(rpc(tx.asUser({ sub: randomUUID() }), 'create_server', 'ok'))).toMatchObject({
        code: '42501',
        message: 'not signed in',
      });
      expect(await count(tx, 'select * from public.servers')).toBe(0);
      expect(await count(tx, 'select * from public.channels')).toBe(0);
    });
  });
});

describe('update_server', () => {
  it('lets MANAGE_GUILD change settings, leaves nulls unchanged and audits the diff', async () => {
    await db.rollback(async (tx) => {
      const c = await seedCommunity(tx);
      const id = c.server.serverId;
      await rpc(c.moderator.api, 'update_server', id, 'Renamed', 'About us', null, null, true, 'all');
      await rpc(c.moderator.api, 'update_server', id, null, null, null, null, null, null);
      const row = await snapshot(
        tx,
        'select name, description, is_public, default_notification_level from public.servers where id = $1',
        [id],
      );
      expect(row).toEqual([
        { name: 'Renamed', description: 'About us', is_public: true, default_notification_level: 'all' },
      ]);
      await rpc(c.owner.api, 'update_server', id, null, '', null, null, null, null);
      expect((await snapshot(tx, 'select description from public.servers where id = $1', [id]))[0]).toEqual({
        description: null,
      });
      const log = await auditOf(tx, 'server_update');
      expect(log).toHaveLength(2);
      expect(log[0]).toMatchObject({
        actor_id: c.moderator.profileId,
        target_id: id,
        changes: {
          name: { before: 'Test server', after: 'Renamed' },
          description: { before: null, after: 'About us' },
          is_public: { before: false, after: true },
          default_notification_level: { before: 'mentions', after: 'all' },
        },
      });
    });
  });

  it('refuses members without MANAGE_GUILD, strangers and bad input, changing nothing', async () => {
    await db.rollback(async (tx) => {
      const c = await seedCommunity(tx);
      const id = c.server.serverId;
      const before = await snapshot(tx, 'select * from public.servers');
      const update = (who: TestUser, name: unknown, description: unknown = null) =>
        rpc(who.api, 'update_server', id, name, description, null, null, null, null);
      expect(await failure(update(c.member, 'Mine'))).toMatchObject(DENIED);
      const stranger = await failure(update(c.stranger, 'Mine'));
      expect(stranger).toMatchObject(NOT_FOUND);
      expect(await failure(rpc(c.stranger.api, 'update_server', randomUUID(), 'x'))).toEqual(stranger);
      expect(await failure(update(c.owner, ''))).toMatchObject(INVALID);
      expect(await failure(update(c.owner, null, 'd'.repeat(1001)))).toMatchObject(INVALID);
      expect(
        await failure(rpc(c.owner.api, 'update_server', id, null, null, 'u'.repeat(2049))),
      ).toMatchObject(INVALID);
      expect(await snapshot(tx, 'select * from public.servers')).toEqual(before);
      expect(await auditOf(tx, 'server_update')).toEqual([]);
    });
  });
});

describe('delete_server and transfer_server_ownership', () => {
  it('let only the owner delete the server, and everything in it goes', async () => {
    await db.rollback(async (tx) => {
      const c = await seedCommunity(tx);
      await tx.query('update public.roles set permissions = public.permission($2) where id = $1', [
        c.modRoleId,
        'ADMINISTRATOR',
      ]);
      expect(await failure(rpc(c.moderator.api, 'delete_server', c.server.serverId))).toMatchObject(DENIED);
      expect(await failure(rpc(c.stranger.api, 'delete_server', c.server.serverId))).toMatchObject(NOT_FOUND);
      expect(await count(tx, 'select * from public.servers')).toBe(1);
      await rpc(c.owner.api, 'delete_server', c.server.serverId);
      for (const table of ['servers', 'roles', 'server_members', 'channels', 'audit_log']) {
        expect([table, await count(tx, `select * from public.${table}`)]).toEqual([table, 0]);
      }
    });
  });

  it('hands the server to another member, who then owns it', async () => {
    await db.rollback(async (tx) => {
      const c = await seedCommunity(tx);
      const id = c.server.serverId;
      const before = await snapshot(tx, 'select owner_id from public.servers');
      expect(
        await failure(rpc(c.moderator.api, 'transfer_server_ownership', id, c.member.profileId)),
      ).toMatchObject(DENIED);
      expect(
        await failure(rpc(c.owner.api, 'transfer_server_ownership', id, c.stranger.profileId)),
      ).toMatchObject(NOT_FOUND);
      expect(
        await failure(rpc(c.owner.api, 'transfer_server_ownership', id, c.owner.profileId)),
      ).toMatchObject(INVALID);
      expect(
        await failure(rpc(c.stranger.api, 'transfer_server_ownership', id, c.stranger.profileId)),
      ).toMatchObject(NOT_FOUND);
      expect(await snapshot(tx, 'select owner_id from public.servers')).toEqual(before);

      await rpc(c.owner.api, 'transfer_server_ownership', id, c.member.profileId);
      expect(await snapshot(tx, 'select owner_id from public.servers')).toEqual([
        { owner_id: c.member.profileId },
      ]);
      expect((await auditOf(tx, 'server_update'))[0]).toMatchObject({
        actor_id: c.owner.profileId,
        changes: { owner_id: { before: c.owner.profileId, after: c.member.profileId } },
      });
      // The old owner is now a plain member and may leave; the new one may not.
      expect(await failure(rpc(c.member.api, 'leave_server', id))).toMatchObject(DENIED);
      await rpc(c.owner.api, 'leave_server', id);
      await rpc(c.member.api, 'delete_server', id);
      expect(await count(tx, 'select * from public.servers')).toBe(0);
    });
  });
});

describe('leave_server', () => {
  it('removes a member (not as a kick) and refuses non-members', async () => {
    await db.rollback(async (tx) => {
      const c = await seedCommunity(tx);
      await rpc(c.moderator.api, 'leave_server', c.server.serverId);
      expect(await count(tx, 'select * from public.member_roles')).toBe(0);
      expect(await failure(rpc(c.moderator.api, 'leave_server', c.server.serverId))).toMatchObject(NOT_FOUND);
      expect(await failure(rpc(c.stranger.api, 'leave_server', c.server.serverId))).toMatchObject(NOT_FOUND);
      expect(await count(tx, `select * from public.audit_log where action = 'member_kick'`)).toBe(0);
    });
  });
});

// ---------------------------------------------------------------------------------------------
// Categories and channels
// ---------------------------------------------------------------------------------------------

describe('categories', () => {
  it('are created, renamed, moved and deleted with MANAGE_CHANNELS; their channels stay', async () => {
    await db.rollback(async (tx) => {
      const c = await seedCommunity(tx);
      const id = c.server.serverId;
      const category = await rpc<string>(c.moderator.api, 'create_category', id, ' Games ');
      const second = await rpc<string>(c.moderator.api, 'create_category', id, 'More');
      await tx.query('update public.channels set category_id = $1 where id = $2', [
        category,
        c.server.textChannelId,
      ]);
      await rpc(c.moderator.api, 'update_category', category, 'Play', 5);
      expect(
        await snapshot(tx, 'select name, position from public.channel_categories order by position'),
      ).toEqual([
        { name: 'More', position: 1 },
        { name: 'Play', position: 5 },
      ]);
      await rpc(c.moderator.api, 'delete_category', category);
      expect(
        await snapshot(tx, 'select category_id from public.channels where id = $1', [c.server.textChannelId]),
      ).toEqual([{ category_id: null }]);
      expect(await count(tx, 'select * from public.channel_categories where id = $1', [second])).toBe(1);
    });
  });

  it('refuse members, strangers and bad names, changing nothing', async () => {
    await db.rollback(async (tx) => {
      const c = await seedCommunity(tx);
      const id = c.server.serverId;
      const category = await rpc<string>(c.owner.api, 'create_category', id, 'Games');
      const before = await snapshot(tx, 'select * from public.channel_categories');
      expect(await failure(rpc(c.member.api, 'create_category', id, 'x'))).toMatchObject(DENIED);
      expect(await failure(rpc(c.stranger.api, 'create_category', id, 'x'))).toMatchObject(NOT_FOUND);
      expect(await failure(rpc(c.owner.api, 'create_category', id, null))).toMatchObject(MISSING);
      expect(await failure(rpc(c.owner.api, 'create_category', id, 'x'.repeat(101)))).toMatchObject(INVALID);
      expect(await failure(rpc(c.member.api, 'update_category', category, 'x'))).toMatchObject(DENIED);
      expect(await failure(rpc(c.stranger.api, 'update_category', category, 'x'))).toMatchObject(NOT_FOUND);
      expect(await failure(rpc(c.owner.api, 'update_category', category, null, -1))).toMatchObject(INVALID);
      expect(await failure(rpc(c.member.api, 'delete_category', category))).toMatchObject(DENIED);
      expect(await failure(rpc(c.owner.api, 'delete_category', randomUUID()))).toMatchObject(NOT_FOUND);
      expect(await snapshot(tx, 'select * from public.channel_categories')).toEqual(before);
    });
  });
});

describe('create_channel', () => {
  it('creates text channels with slug names and voice channels as named, audited', async () => {
    await db.rollback(async (tx) => {
      const c = await seedCommunity(tx);
      const id = c.server.serverId;
      const category = await rpc<string>(c.owner.api, 'create_category', id, 'Games');
      const text = await rpc<string>(
        c.moderator.api,
        'create_channel',
        id,
        '  My Cool\tChannel ',
        'text',
        category,
        'hi',
      );
      const voice = await rpc<string>(c.moderator.api, 'create_channel', id, 'Music Room', 'voice');
      const rows = await snapshot(
        tx,
        'select id, name, type, category_id, topic, position from public.channels where id in ($1, $2) order by position',
        [text, voice],
      );
      expect(rows).toEqual([
        { id: text, name: 'my-cool-channel', type: 'text', category_id: category, topic: 'hi', position: 2 },
        { id: voice, name: 'Music Room', type: 'voice', category_id: null, topic: null, position: 3 },
      ]);
      const log = await auditOf(tx, 'channel_create');
      expect(log.map((r) => (r as { target_id: string }).target_id)).toEqual([text, voice]);
      expect(log[0]).toMatchObject({
        actor_id: c.moderator.profileId,
        changes: { name: { after: 'my-cool-channel' } },
      });
      // Members see the new channels.
      expect(await count(c.member.api, 'select * from public.channels')).toBe(4);
    });
  });

  it('refuses other types, foreign categories, bad names, members and strangers', async () => {
    await db.rollback(async (tx) => {
      const c = await seedCommunity(tx);
      const id = c.server.serverId;
      const other = await seedServer(tx, c.stranger, 'Elsewhere');
      const foreign = await rpc<string>(c.stranger.api, 'create_category', other.serverId, 'Theirs');
      const before = await snapshot(tx, 'select * from public.channels order by id');
      const create = (who: TestUser, ...args: unknown[]) => rpc(who.api, 'create_channel', id, ...args);
      expect(await failure(create(c.owner, 'dm', 'dm'))).toMatchObject(INVALID);
      expect(await failure(create(c.owner, 'group', 'group_dm'))).toMatchObject(INVALID);
      expect(await failure(create(c.owner, 'x', null))).toMatchObject(MISSING);
      expect(await failure(create(c.owner, 'x', 'forum'))).toMatchObject({ code: '22P02' });
      expect(await failure(create(c.owner, 'x', 'text', foreign))).toMatchObject(NOT_FOUND);
      expect(await failure(create(c.owner, null, 'text'))).toMatchObject(MISSING);
      expect(await failure(create(c.owner, ' ', 'voice'))).toMatchObject(INVALID);
      expect(await failure(create(c.owner, 'x'.repeat(101), 'text'))).toMatchObject(INVALID);
      expect(await failure(create(c.owner, 'x', 'text', null, 't'.repeat(1025)))).toMatchObject(INVALID);
      expect(await failure(create(c.member, 'x', 'text'))).toMatchObject(DENIED);
      expect(await failure(create(c.stranger, 'x', 'text'))).toMatchObject(NOT_FOUND);
      expect(await snapshot(tx, 'select * from public.channels order by id')).toEqual(before);
    });
  });
});

describe('update_channel, delete_channel and reorder_channels', () => {
  it('update only the given settings, audit the diff and clear a topic with an empty string', async () => {
    await db.rollback(async (tx) => {
      const c = await seedCommunity(tx);
      const { textChannelId: text, voiceChannelId: voice } = c.server;
      await rpc(c.moderator.api, 'update_channel', text, 'Rules Chat', 'Read me', 10, true);
      await rpc(c.moderator.api, 'update_channel', voice, null, null, null, null, null, 5);
      expect(
        await snapshot(
          tx,
          'select name, topic, slowmode_seconds, nsfw, user_limit from public.channels order by position',
        ),
      ).toEqual([
        { name: 'rules-chat', topic: 'Read me', slowmode_seconds: 10, nsfw: true, user_limit: 0 },
        { name: 'Lounge', topic: null, slowmode_seconds: 0, nsfw: false, user_limit: 5 },
      ]);
      await rpc(c.moderator.api, 'update_channel', text, null, '');
      expect(await snapshot(tx, 'select topic from public.channels where id = $1', [text])).toEqual([
        { topic: null },
      ]);
      const log = await auditOf(tx, 'channel_update');
      expect(log[0]).toMatchObject({
        actor_id: c.moderator.profileId,
        target_id: text,
        changes: {
          name: { before: 'general', after: 'rules-chat' },
          topic: { before: null, after: 'Read me' },
          slowmode_seconds: { before: 0, after: 10 },
          nsfw: { before: false, after: true },
        },
      });
      expect(Object.keys((log[0] as { changes: object }).changes)).toHaveLength(4);
    });
  });

  it('refuse bad values, members, strangers and a channel-level deny of MANAGE_CHANNELS', async () => {
    await db.rollback(async (tx) => {
      const c = await seedCommunity(tx);
      const { textChannelId: text, voiceChannelId: voice } = c.server;
      const before = await snapshot(tx, 'select * from public.channels order by id');
      const update = (who: TestUser, channel: string, ...args: unknown[]) =>
        rpc(who.api, 'update_channel', channel, ...args);
      expect(await failure(update(c.owner, text, null, null, 21601))).toMatchObject(INVALID);
      expect(await failure(update(c.owner, text, null, null, -1))).toMatchObject(INVALID);
      expect(await failure(update(c.owner, text, null, null, null, null, null, 5))).toMatchObject(INVALID);
      expect(await failure(update(c.owner, voice, null, null, null, null, null, 100))).toMatchObject(INVALID);
      expect(await failure(update(c.owner, text, ' '))).toMatchObject(INVALID);
      expect(await failure(update(c.owner, text, null, 't'.repeat(1025)))).toMatchObject(INVALID);
      expect(await failure(update(c.owner, text, null, null, null, null, randomUUID()))).toMatchObject(
        NOT_FOUND,
      );
      expect(await failure(update(c.member, text, 'mine'))).toMatchObject(DENIED);
      const stranger = await failure(update(c.stranger, text, 'mine'));
      expect(stranger).toMatchObject(NOT_FOUND);
      expect(await failure(update(c.stranger, randomUUID(), 'mine'))).toEqual(stranger);
      await tx.query(
        `insert into public.channel_overwrites values ($1, 'role', $2, 0, public.permission('MANAGE_CHANNELS'))`,
        [text, c.modRoleId],
      );
      expect(await failure(update(c.moderator, text, 'mine'))).toMatchObject(DENIED);
      expect(await failure(rpc(c.moderator.api, 'delete_channel', text))).toMatchObject(DENIED);
      await tx.query('delete from public.channel_overwrites');
      expect(await failure(rpc(c.member.api, 'delete_channel', text))).toMatchObject(DENIED);
      expect(await failure(rpc(c.stranger.api, 'delete_channel', text))).toMatchObject(NOT_FOUND);
      expect(await snapshot(tx, 'select * from public.channels order by id')).toEqual(before);
    });
  });

  it('delete a channel with its audit row; a hidden channel is not found', async () => {
    await db.rollback(async (tx) => {
      const c = await seedCommunity(tx);
      await tx.query(
        `insert into public.channel_overwrites values ($1, 'member', $2, 0, public.permission('VIEW_CHANNEL'))`,
        [c.server.voiceChannelId, c.moderator.profileId],
      );
      expect(await failure(rpc(c.moderator.api, 'delete_channel', c.server.voiceChannelId))).toMatchObject(
        NOT_FOUND,
      );
      await rpc(c.moderator.api, 'delete_channel', c.server.textChannelId);
      expect(await snapshot(tx, 'select name from public.channels')).toEqual([{ name: 'Lounge' }]);
      expect(await auditOf(tx, 'channel_delete')).toMatchObject([
        {
          actor_id: c.moderator.profileId,
          target_id: c.server.textChannelId,
          changes: { name: { before: 'general' } },
        },
      ]);
    });
  });

  it('reorder channels by array position, refusing duplicates and foreign channels', async () => {
    await db.rollback(async (tx) => {
      const c = await seedCommunity(tx);
      const id = c.server.serverId;
      const { textChannelId: text, voiceChannelId: voice } = c.server;
      const other = await seedServer(tx, c.stranger, 'Elsewhere');
      const before = await snapshot(tx, 'select id, position from public.channels order by id');
      expect(await failure(rpc(c.moderator.api, 'reorder_channels', id, [voice, voice]))).toMatchObject(
        INVALID,
      );
      expect(await failure(rpc(c.moderator.api, 'reorder_channels', id, [voice, null]))).toMatchObject(
        INVALID,
      );
      expect(await failure(rpc(c.moderator.api, 'reorder_channels', id, null))).toMatchObject(MISSING);
      expect(
        await failure(rpc(c.moderator.api, 'reorder_channels', id, [voice, other.textChannelId])),
      ).toMatchObject(NOT_FOUND);
      expect(await failure(rpc(c.member.api, 'reorder_channels', id, [voice, text]))).toMatchObject(DENIED);
      expect(await failure(rpc(c.stranger.api, 'reorder_channels', id, [voice, text]))).toMatchObject(
        NOT_FOUND,
      );
      expect(await snapshot(tx, 'select id, position from public.channels order by id')).toEqual(before);

      await rpc(c.moderator.api, 'reorder_channels', id, [voice, text]);
      expect(
        await snapshot(
          tx,
          'select id, position from public.channels where server_id = $1 order by position',
          [id],
        ),
      ).toEqual([
        { id: voice, position: 0 },
        { id: text, position: 1 },
      ]);
    });
  });
});

// ---------------------------------------------------------------------------------------------
// Roles
// ---------------------------------------------------------------------------------------------

/** seedCommunity plus Senior (position 8, above Moderator) and Helper (position 2, below it). */
async function seedRoles(tx: Session) {
  const c = await seedCommunity(tx);
  const seniorId = await createRole(tx, c.server.serverId, { name: 'Senior', permissions: 0n, position: 8 });
  const helperId = await createRole(tx, c.server.serverId, { name: 'Helper', permissions: 0n, position: 2 });
  return { ...c, seniorId, helperId };
}

const positions = async (tx: Session, serverId: string) =>
  Object.fromEntries(
    (await snapshot(tx, 'select name, position from public.roles where server_id = $1', [serverId])).map(
      (r) => {
        const { name, position } = r as { name: string; position: number };
        return [name, position];
      },
    ),
  );

describe('create_role', () => {
  it('puts a new role just below the caller’s top role, or on top for the owner', async () => {
    await db.rollback(async (tx) => {
      const c = await seedRoles(tx);
      const kick = await bits(tx, ['KICK_MEMBERS']);
      await rpc(c.moderator.api, 'create_role', c.server.serverId, 'Trainee', kick.toString(), 0x00ff00);
      await rpc(
        c.owner.api,
        'create_role',
        c.server.serverId,
        'Admin',
        (await bits(tx, ['ADMINISTRATOR'])).toString(),
      );
      expect(await positions(tx, c.server.serverId)).toEqual({
        '@everyone': 0,
        Helper: 2,
        Trainee: 5,
        Moderator: 6,
        Senior: 9,
        Admin: 10,
      });
      expect(await auditOf(tx, 'role_create')).toMatchObject([
        {
          actor_id: c.moderator.profileId,
          changes: {
            name: { after: 'Trainee' },
            permissions: { after: Number(kick) },
            color: { after: 0x00ff00 },
          },
        },
        { actor_id: c.owner.profileId, changes: { name: { after: 'Admin' } } },
      ]);
      // Shifting positions is not an edit of the shifted roles.
      expect(await auditOf(tx, 'role_update')).toEqual([]);
    });
  });

  it('refuses permissions the caller lacks, bad input, members, strangers and callers with no role', async () => {
    await db.rollback(async (tx) => {
      const c = await seedRoles(tx);
      const id = c.server.serverId;
      const before = await snapshot(tx, 'select * from public.roles order by id');
      const admin = (await bits(tx, ['ADMINISTRATOR'])).toString();
      const create = (who: TestUser, ...args: unknown[]) => rpc(who.api, 'create_role', id, ...args);
      expect(await failure(create(c.moderator, 'Boss', admin))).toMatchObject(DENIED);
      expect(
        await failure(create(c.moderator, 'Boss', (await bits(tx, ['MANAGE_MESSAGES'])).toString())),
      ).toMatchObject(DENIED);
      expect(await failure(create(c.owner, 'Bad', '-1'))).toMatchObject(INVALID);
      expect(await failure(create(c.owner, 'Bad', (1n << 47n).toString()))).toMatchObject(INVALID);
      expect(await failure(create(c.owner, 'Bad', (1n << 53n).toString()))).toMatchObject(INVALID);
      expect(await failure(create(c.owner, 'Bad', null))).toMatchObject(MISSING);
      expect(await failure(create(c.owner, 'Bad', '0', 16777216))).toMatchObject(INVALID);
      expect(await failure(create(c.owner, 'Bad', '0', -1))).toMatchObject(INVALID);
      expect(await failure(create(c.owner, null, '0'))).toMatchObject(MISSING);
      expect(await failure(create(c.owner, '', '0'))).toMatchObject(INVALID);
      expect(await failure(create(c.owner, 'x'.repeat(101), '0'))).toMatchObject(INVALID);
      expect(await failure(create(c.member, 'Mine', '0'))).toMatchObject(DENIED);
      expect(await failure(create(c.stranger, 'Mine', '0'))).toMatchObject(NOT_FOUND);
      // MANAGE_ROLES through @everyone alone leaves no room below the caller's top role.
      await tx.query(
        'update public.roles set permissions = permissions | public.permission($2) where id = $1',
        [id, 'MANAGE_ROLES'],
      );
      expect(await failure(create(c.member, 'Mine', '0'))).toMatchObject(DENIED);
      await tx.query(
        'update public.roles set permissions = permissions & ~public.permission($2) where id = $1',
        [id, 'MANAGE_ROLES'],
      );
      expect(await snapshot(tx, 'select * from public.roles order by id')).toEqual(before);
      expect(await auditOf(tx, 'role_create')).toEqual([]);
    });
  });
});

describe('update_role and delete_role', () => {
  it('change roles below the caller, auditing the diff', async () => {
    await db.rollback(async (tx) => {
      const c = await seedRoles(tx);
      const kick = await bits(tx, ['KICK_MEMBERS']);
      await rpc(c.moderator.api, 'update_role', c.helperId, 'Helpers', kick.toString(), 255, true, true);
      await rpc(c.moderator.api, 'update_role', c.helperId, null, null, null, null, null);
      const helper = await snapshot(
        tx,
        'select name, permissions, color, hoist, mentionable from public.roles where id = $1',
        [c.helperId],
      );
      expect(helper).toEqual([
        { name: 'Helpers', permissions: kick.toString(), color: 255, hoist: true, mentionable: true },
      ]);
      // Everyone's permissions may be edited (but not its name) by anyone above it.
      await rpc(c.moderator.api, 'update_role', c.server.serverId, null, '0');
      expect(await auditOf(tx, 'role_update')).toMatchObject([
        {
          actor_id: c.moderator.profileId,
          target_id: c.helperId,
          changes: {
            name: { before: 'Helper', after: 'Helpers' },
            permissions: { before: 0, after: Number(kick) },
            color: { before: 0, after: 255 },
            hoist: { before: false, after: true },
            mentionable: { before: false, after: true },
          },
        },
        { target_id: c.server.serverId },
      ]);
      await rpc(c.moderator.api, 'delete_role', c.helperId);
      expect(await count(tx, 'select * from public.roles where id = $1', [c.helperId])).toBe(0);
      expect(await auditOf(tx, 'role_delete')).toMatchObject([
        { actor_id: c.moderator.profileId, target_id: c.helperId, changes: { name: { before: 'Helpers' } } },
      ]);
    });
  });

  it('refuse roles at or above the caller, @everyone renames/deletes, escalation and bad input', async () => {
    await db.rollback(async (tx) => {
      const c = await seedRoles(tx);
      const before = await snapshot(tx, 'select * from public.roles order by id');
      const update = (who: TestUser, role: string, ...args: unknown[]) =>
        rpc(who.api, 'update_role', role, ...args);
      expect(await failure(update(c.moderator, c.seniorId, 'Mine'))).toMatchObject(DENIED);
      expect(await failure(update(c.moderator, c.modRoleId, 'Mine'))).toMatchObject(DENIED);
      expect(
        await failure(update(c.moderator, c.helperId, null, (await bits(tx, ['ADMINISTRATOR'])).toString())),
      ).toMatchObject(DENIED);
      expect(await failure(update(c.owner, c.server.serverId, 'everybody'))).toMatchObject(INVALID);
      expect(await failure(update(c.owner, c.helperId, ''))).toMatchObject(INVALID);
      expect(await failure(update(c.owner, c.helperId, null, '-5'))).toMatchObject(INVALID);
      expect(await failure(update(c.owner, c.helperId, null, null, 1 << 24))).toMatchObject(INVALID);
      expect(await failure(update(c.member, c.helperId, 'Mine'))).toMatchObject(DENIED);
      const stranger = await failure(update(c.stranger, c.helperId, 'Mine'));
      expect(stranger).toMatchObject(NOT_FOUND);
      expect(await failure(update(c.stranger, randomUUID(), 'Mine'))).toEqual(stranger);
      expect(await failure(rpc(c.owner.api, 'delete_role', c.server.serverId))).toMatchObject(INVALID);
      expect(await failure(rpc(c.moderator.api, 'delete_role', c.seniorId))).toMatchObject(DENIED);
      expect(await failure(rpc(c.moderator.api, 'delete_role', c.modRoleId))).toMatchObject(DENIED);
      expect(await failure(rpc(c.member.api, 'delete_role', c.helperId))).toMatchObject(DENIED);
      expect(await failure(rpc(c.stranger.api, 'delete_role', c.helperId))).toMatchObject(NOT_FOUND);
      expect(await snapshot(tx, 'select * from public.roles order by id')).toEqual(before);
    });
  });

  it('delete a role’s channel overwrites with it', async () => {
    await db.rollback(async (tx) => {
      const c = await seedRoles(tx);
      await tx.query(`insert into public.channel_overwrites values ($1, 'role', $2, 0, 1024)`, [
        c.server.textChannelId,
        c.helperId,
      ]);
      await rpc(c.owner.api, 'delete_role', c.helperId);
      expect(await count(tx, 'select * from public.channel_overwrites')).toBe(0);
    });
  });
});

describe('assign_role and remove_role', () => {
  it('give and take lower roles to lower members, audited', async () => {
    await db.rollback(async (tx) => {
      const c = await seedRoles(tx);
      const id = c.server.serverId;
      await rpc(c.moderator.api, 'assign_role', id, c.member.profileId, c.helperId);
      await rpc(c.moderator.api, 'assign_role', id, c.member.profileId, c.helperId);
      expect(
        await count(tx, 'select * from public.member_roles where profile_id = $1', [c.member.profileId]),
      ).toBe(1);
      await rpc(c.moderator.api, 'remove_role', id, c.member.profileId, c.helperId);
      expect(
        await count(tx, 'select * from public.member_roles where profile_id = $1', [c.member.profileId]),
      ).toBe(0);
      expect(await auditOf(tx, 'member_role_update')).toEqual([
        {
          actor_id: c.moderator.profileId,
          target_id: c.member.profileId,
          changes: { role_id: { before: null, after: c.helperId } },
          reason: null,
        },
        {
          actor_id: c.moderator.profileId,
          target_id: c.member.profileId,
          changes: { role_id: { before: c.helperId, after: null } },
          reason: null,
        },
      ]);
      // The owner may give anyone anything, including roles above their own.
      await rpc(c.owner.api, 'assign_role', id, c.owner.profileId, c.seniorId);
    });
  });

  it('refuse higher roles, equal or higher members, @everyone, foreign roles and non-members', async () => {
    await db.rollback(async (tx) => {
      const c = await seedRoles(tx);
      const id = c.server.serverId;
      const peer = await createUser(tx, 'peer');
      await addMember(tx, id, peer, [c.modRoleId]);
      const other = await seedServer(tx, c.stranger, 'Elsewhere');
      const foreignRole = await createRole(tx, other.serverId, {
        name: 'Theirs',
        permissions: 0n,
        position: 1,
      });
      const before = await snapshot(tx, 'select * from public.member_roles order by profile_id, role_id');
      const assign = (who: TestUser, target: TestUser, role: string) =>
        rpc(who.api, 'assign_role', id, target.profileId, role);
      expect(await failure(assign(c.moderator, c.member, c.seniorId))).toMatchObject(DENIED);
      expect(await failure(assign(c.moderator, c.member, c.modRoleId))).toMatchObject(DENIED);
      expect(await failure(assign(c.moderator, peer, c.helperId))).toMatchObject(DENIED);
      expect(await failure(assign(c.moderator, c.owner, c.helperId))).toMatchObject(DENIED);
      expect(await failure(assign(c.moderator, c.moderator, c.helperId))).toMatchObject(DENIED);
      expect(await failure(assign(c.owner, c.member, id))).toMatchObject(INVALID);
      expect(await failure(assign(c.owner, c.member, foreignRole))).toMatchObject(NOT_FOUND);
      expect(await failure(assign(c.owner, c.member, randomUUID()))).toMatchObject(NOT_FOUND);
      expect(await failure(assign(c.owner, c.stranger, c.helperId))).toMatchObject(NOT_FOUND);
      expect(await failure(assign(c.member, c.member, c.helperId))).toMatchObject(DENIED);
      expect(await failure(assign(c.stranger, c.member, c.helperId))).toMatchObject(NOT_FOUND);
      expect(
        await failure(rpc(c.moderator.api, 'remove_role', id, peer.profileId, c.modRoleId)),
      ).toMatchObject(DENIED);
      expect(await snapshot(tx, 'select * from public.member_roles order by profile_id, role_id')).toEqual(
        before,
      );
    });
  });
});

// ---------------------------------------------------------------------------------------------
// Channel overwrites
// ---------------------------------------------------------------------------------------------

describe('set_channel_overwrite and delete_channel_overwrite', () => {
  it('change what a role or member may do in one channel, audited', async () => {
    await db.rollback(async (tx) => {
      const c = await seedCommunity(tx);
      const channel = c.server.textChannelId;
      const send = await bits(tx, ['SEND_MESSAGES']);
      const perms = async () =>
        BigInt(
          (
            await snapshot(tx, 'select public.channel_permissions($1, $2)::text as p', [
              channel,
              c.member.profileId,
            ])
          )
            .map((r) => (r as { p: string }).p)
            .at(0) ?? '0',
        );
      expect((await perms()) & send).toBe(send);
      await rpc(
        c.moderator.api,
        'set_channel_overwrite',
        channel,
        'role',
        c.server.serverId,
        '0',
        send.toString(),
      );
      expect((await perms()) & send).toBe(0n);
      // The moderator lost SEND_MESSAGES here too, so only the owner can give it back.
      expect(
        await failure(
          rpc(
            c.moderator.api,
            'set_channel_overwrite',
            channel,
            'member',
            c.member.profileId,
            send.toString(),
            '0',
          ),
        ),
      ).toMatchObject(DENIED);
      await rpc(
        c.owner.api,
        'set_channel_overwrite',
        channel,
        'member',
        c.member.profileId,
        send.toString(),
        '0',
      );
      expect((await perms()) & send).toBe(send);
      // Setting the same values again changes (and logs) nothing.
      await rpc(
        c.owner.api,
        'set_channel_overwrite',
        channel,
        'member',
        c.member.profileId,
        send.toString(),
        '0',
      );
      await rpc(c.owner.api, 'delete_channel_overwrite', channel, 'member', c.member.profileId);
      expect((await perms()) & send).toBe(0n);
      expect(await auditOf(tx, 'overwrite_update')).toMatchObject([
        {
          actor_id: c.moderator.profileId,
          target_id: channel,
          changes: {
            target_type: 'role',
            target_id: c.server.serverId,
            deny: { before: null, after: Number(send) },
          },
        },
        {
          actor_id: c.owner.profileId,
          changes: { target_type: 'member', allow: { before: null, after: Number(send) } },
        },
        {
          actor_id: c.owner.profileId,
          changes: { target_type: 'member', allow: { before: Number(send), after: null } },
        },
      ]);
      expect(await count(c.member.api, 'select * from public.channel_overwrites')).toBe(1);
    });
  });

  it('refuse overlapping masks, bits the caller lacks, foreign targets, members and strangers', async () => {
    await db.rollback(async (tx) => {
      const c = await seedCommunity(tx);
      const channel = c.server.textChannelId;
      const other = await seedServer(tx, c.stranger, 'Elsewhere');
      const send = (await bits(tx, ['SEND_MESSAGES'])).toString();
      const manageMessages = (await bits(tx, ['MANAGE_MESSAGES'])).toString();
      await rpc(
        c.owner.api,
        'set_channel_overwrite',
        channel,
        'member',
        c.member.profileId,
        manageMessages,
        '0',
      );
      const before = await snapshot(tx, 'select * from public.channel_overwrites');
      const set = (who: TestUser, ...args: unknown[]) =>
        rpc(who.api, 'set_channel_overwrite', channel, ...args);
      expect(await failure(set(c.owner, 'role', c.modRoleId, send, send))).toMatchObject(INVALID);
      expect(await failure(set(c.owner, 'role', c.modRoleId, '-1', '0'))).toMatchObject(INVALID);
      expect(await failure(set(c.owner, 'role', c.modRoleId, null, '0'))).toMatchObject(MISSING);
      expect(await failure(set(c.owner, null, c.modRoleId, '0', '0'))).toMatchObject(MISSING);
      expect(await failure(set(c.moderator, 'role', c.modRoleId, manageMessages, '0'))).toMatchObject(DENIED);
      expect(await failure(set(c.moderator, 'role', c.server.serverId, '0', manageMessages))).toMatchObject(
        DENIED,
      );
      // Clearing or removing an overwrite that holds bits the caller lacks would change those bits.
      expect(await failure(set(c.moderator, 'member', c.member.profileId, '0', '0'))).toMatchObject(DENIED);
      expect(
        await failure(
          rpc(c.moderator.api, 'delete_channel_overwrite', channel, 'member', c.member.profileId),
        ),
      ).toMatchObject(DENIED);
      expect(await failure(set(c.owner, 'role', other.serverId, '0', send))).toMatchObject(NOT_FOUND);
      expect(await failure(set(c.owner, 'member', c.stranger.profileId, '0', send))).toMatchObject(NOT_FOUND);
      expect(await failure(set(c.member, 'role', c.server.serverId, '0', send))).toMatchObject(DENIED);
      expect(await failure(set(c.stranger, 'role', c.server.serverId, '0', send))).toMatchObject(NOT_FOUND);
      expect(
        await failure(rpc(c.owner.api, 'delete_channel_overwrite', channel, 'role', c.modRoleId)),
      ).toMatchObject(NOT_FOUND);
      expect(await snapshot(tx, 'select * from public.channel_overwrites')).toEqual(before);
      // Editing only the bits the caller holds is fine, whatever else the overwrite contains.
      await rpc(
        c.moderator.api,
        'set_channel_overwrite',
        channel,
        'member',
        c.member.profileId,
        manageMessages,
        send,
      );
    });
  });
});

// ---------------------------------------------------------------------------------------------
// Invites and joining
// ---------------------------------------------------------------------------------------------

const preview = (who: Requester, code: string) =>
  who.query('select * from public.get_invite_preview($1)', [code]).then((r) => r.rows);

describe('create_invite and revoke_invite', () => {
  it('create 8-character codes with limits, audited; inviters and MANAGE_GUILD revoke', async () => {
    await db.rollback(async (tx) => {
      const c = await seedCommunity(tx);
      const id = c.server.serverId;
      const code = await rpc<string>(c.member.api, 'create_invite', id);
      expect(code).toMatch(/^[A-Za-z0-9]{8}$/);
      const limited = await rpc<string>(c.member.api, 'create_invite', id, 3, 0, c.server.textChannelId);
      const rows = await snapshot(
        tx,
        `select code, inviter_id, max_uses, channel_id, expires_at is null as forever,
                expires_at between now() + interval '86399 seconds' and now() + interval '86401 seconds' as in_a_day
           from public.invites order by created_at, code`,
      );
      expect(rows).toEqual(
        expect.arrayContaining([
          {
            code,
            inviter_id: c.member.profileId,
            max_uses: null,
            channel_id: null,
            forever: false,
            in_a_day: true,
          },
          {
            code: limited,
            inviter_id: c.member.profileId,
            max_uses: 3,
            channel_id: c.server.textChannelId,
            forever: true,
            in_a_day: null,
          },
        ]),
      );
      const codes = new Set<string>();
      for (let i = 0; i < 20; i++) codes.add(await rpc<string>(c.owner.api, 'create_invite', id));
      expect(codes.size).toBe(20);

      await rpc(c.member.api, 'revoke_invite', code);
      await rpc(c.moderator.api, 'revoke_invite', limited);
      await rpc(c.moderator.api, 'revoke_invite', limited);
      expect(await count(tx, 'select * from public.invites where revoked_at is not null')).toBe(2);
      expect((await auditOf(tx, 'invite_create'))[0]).toMatchObject({
        actor_id: c.member.profileId,
        target_id: null,
        changes: { code: { after: code } },
      });
      expect(await auditOf(tx, 'invite_revoke')).toMatchObject([
        { actor_id: c.member.profileId, changes: { code } },
        { actor_id: c.moderator.profileId, changes: { code: limited } },
      ]);
    });
  });

  it('refuse callers without CREATE_INSTANT_INVITE, bad limits, foreign channels and others’ revokes', async () => {
    await db.rollback(async (tx) => {
      const c = await seedCommunity(tx);
      const id = c.server.serverId;
      const other = await seedServer(tx, c.stranger, 'Elsewhere');
      const ownerCode = await rpc<string>(c.owner.api, 'create_invite', id);
      const before = await snapshot(tx, 'select * from public.invites');
      const create = (who: TestUser, ...args: unknown[]) => rpc(who.api, 'create_invite', id, ...args);
      expect(await failure(create(c.owner, 0))).toMatchObject(INVALID);
      expect(await failure(create(c.owner, 1001))).toMatchObject(INVALID);
      expect(await failure(create(c.owner, null, -1))).toMatchObject(INVALID);
      expect(await failure(create(c.owner, null, 604801))).toMatchObject(INVALID);
      expect(await failure(create(c.owner, null, 60, other.textChannelId))).toMatchObject(NOT_FOUND);
      expect(await failure(create(c.stranger))).toMatchObject(NOT_FOUND);
      expect(await failure(rpc(c.member.api, 'revoke_invite', ownerCode))).toMatchObject(DENIED);
      expect(await failure(rpc(c.stranger.api, 'revoke_invite', ownerCode))).toMatchObject(NOT_FOUND);
      expect(await failure(rpc(c.member.api, 'revoke_invite', 'nosuchcode'))).toMatchObject(NOT_FOUND);
      await tx.query(
        'update public.roles set permissions = permissions & ~public.permission($2) where id = $1',
        [id, 'CREATE_INSTANT_INVITE'],
      );
      expect(await failure(create(c.member))).toMatchObject(DENIED);
      await tx.query(
        'update public.roles set permissions = public.default_everyone_permissions() where id = $1',
        [id],
      );
      expect(await snapshot(tx, 'select * from public.invites')).toEqual(before);
    });
  });
});

describe('get_invite_preview', () => {
  it('shows signed-in visitors the server, and answers bad and revoked codes alike; anon gets nothing', async () => {
    await db.rollback(async (tx) => {
      const c = await seedCommunity(tx);
      const code = await rpc<string>(c.owner.api, 'create_invite', c.server.serverId);
      // Signed out, the web app calls no RPC, so anon may not execute it (advisor lint 0028).
      expect((await failure(preview(tx.asAnon(), code))).code).toBe('42501');
      expect(await preview(c.stranger.api, code)).toMatchObject([
        {
          server_id: c.server.serverId,
          name: 'Test server',
          icon_url: null,
          member_count: 3,
          expired: false,
        },
      ]);
      const missing = await failure(preview(c.stranger.api, 'nosuchcode'));
      expect(missing).toMatchObject(NOT_FOUND);
      await rpc(c.owner.api, 'revoke_invite', code);
      expect(await failure(preview(c.stranger.api, code))).toEqual(missing);
      const used = await rpc<string>(c.owner.api, 'create_invite', c.server.serverId, 1);
      await tx.query('update public.invites set uses = 1 where code = $1', [used]);
      expect(await preview(c.stranger.api, used)).toMatchObject([{ expired: true }]);
      const old = await rpc<string>(c.owner.api, 'create_invite', c.server.serverId);
      await tx.query(`update public.invites set expires_at = now() - interval '1 second' where code = $1`, [
        old,
      ]);
      expect(await preview(c.stranger.api, old)).toMatchObject([{ expired: true }]);
    });
  });
});

/** Waits until `n` backends of this database are blocked on a lock (the API pool holds 4 connections). */
async function waitForLockWaiters(n: number) {
  for (let attempt = 0; attempt < 500; attempt++) {
    const { rows } = await db.query<{ n: number }>(
      `select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`,
    );
    if ((rows[0]?.n ?? 0) >= n) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`fewer than ${n} sessions ever waited for the invite`);
}

describe('join_server_by_invite', () => {
  it('joins, counts the use and announces the arrival; a member re-joining uses nothing', async () => {
    await db.rollback(async (tx) => {
      const c = await seedCommunity(tx);
      const code = await rpc<string>(c.member.api, 'create_invite', c.server.serverId, 5);
      expect(await rpc(c.stranger.api, 'join_server_by_invite', code)).toBe(c.server.serverId);
      expect(await rpc(c.stranger.api, 'join_server_by_invite', code)).toBe(c.server.serverId);
      expect(await rpc(c.member.api, 'join_server_by_invite', code)).toBe(c.server.serverId);
      expect(await snapshot(tx, 'select uses from public.invites')).toEqual([{ uses: 1 }]);
      expect(await count(c.stranger.api, 'select * from public.channels')).toBe(2);
      expect(
        await snapshot(
          tx,
          `select channel_id, author_id, type from public.messages where type = 'member_join'`,
        ),
      ).toEqual([
        { channel_id: c.server.textChannelId, author_id: c.stranger.profileId, type: 'member_join' },
      ]);
    });
  });

  it('refuses bad, revoked, expired and used-up invites and banned users, changing nothing', async () => {
    await db.rollback(async (tx) => {
      const c = await seedCommunity(tx);
      const id = c.server.serverId;
      const invite = (maxUses: number | null = null) =>
        rpc<string>(c.owner.api, 'create_invite', id, maxUses);
      const revoked = await invite();
      await rpc(c.owner.api, 'revoke_invite', revoked);
      const expired = await invite();
      await tx.query(`update public.invites set expires_at = now() - interval '1 second' where code = $1`, [
        expired,
      ]);
      const usedUp = await invite(1);
      await tx.query('update public.invites set uses = 1 where code = $1', [usedUp]);
      const good = await invite();
      await tx.query('insert into public.server_bans (server_id, profile_id) values ($1, $2)', [
        id,
        c.stranger.profileId,
      ]);
      const joiner = await createUser(tx, 'joiner');
      const before = await snapshot(tx, 'select code, uses from public.invites order by code');
      const missing = await failure(rpc(joiner.api, 'join_server_by_invite', 'nosuchcode'));
      expect(missing).toMatchObject({ code: 'PT404', message: 'invite not found' });
      expect(await failure(rpc(joiner.api, 'join_server_by_invite', revoked))).toEqual(missing);
      expect(await failure(rpc(joiner.api, 'join_server_by_invite', null))).toEqual(missing);
      expect(await failure(rpc(joiner.api, 'join_server_by_invite', expired))).toMatchObject({
        code: '22023',
        message: 'this invite has expired',
      });
      expect(await failure(rpc(joiner.api, 'join_server_by_invite', usedUp))).toMatchObject({
        code: '22023',
        message: 'this invite has been used up',
      });
      expect(await failure(rpc(c.stranger.api, 'join_server_by_invite', good))).toEqual({
        code: '42501',
        message: 'you are banned from this server',
      });
      expect(await failure(rpc(tx.asAnon(), 'join_server_by_invite', good))).toMatchObject(DENIED);
      expect(await snapshot(tx, 'select code, uses from public.invites order by code')).toEqual(before);
      expect(await count(tx, 'select * from public.server_members where server_id = $1', [id])).toBe(3);
      expect(await count(tx, 'select * from public.messages')).toBe(0);
    });
  });

  it('never lets concurrent joins exceed max_uses', async () => {
    const tag = randomUUID().slice(0, 6);
    const owner = await createUser(db, `host_${tag}`);
    const joiners = await Promise.all([1, 2, 3, 4, 5, 6].map((i) => createUser(db, `joiner${i}_${tag}`)));
    try {
      const serverId = await rpc<string>(owner.api, 'create_server', 'Busy');
      const code = await rpc<string>(owner.api, 'create_invite', serverId, 3);
      // Hold the invite row so the joins pile up on it and are released together.
      const holder = new pg.Client({ connectionString: db.url() });
      await holder.connect();
      let results: PromiseSettledResult<unknown>[];
      try {
        await holder.query('begin');
        await holder.query('select 1 from public.invites where code = $1 for update', [code]);
        const joins = Promise.allSettled(joiners.map((j) => rpc(j.api, 'join_server_by_invite', code)));
        await waitForLockWaiters(4);
        await holder.query('commit');
        results = await joins;
      } finally {
        await holder.end();
      }
      const joined = results.filter((r) => r.status === 'fulfilled');
      const refused = results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as Error).message] : []));
      expect(joined).toHaveLength(3);
      expect(refused).toEqual(Array(3).fill('this invite has been used up'));
      expect(await snapshot(db, 'select uses from public.invites where code = $1', [code])).toEqual([
        { uses: 3 },
      ]);
      expect(await count(db, 'select * from public.server_members where server_id = $1', [serverId])).toBe(4);
    } finally {
      await db.query('delete from public.servers where owner_id = $1', [owner.profileId]);
      await db.query('delete from auth.users where id = any($1)', [[owner, ...joiners].map((u) => u.userId)]);
    }
  });
});

describe('internal helpers', () => {
  it('are not callable through the API', async () => {
    await db.rollback(async (tx) => {
      const c = await seedCommunity(tx);
      const id = c.server.serverId;
      const calls: [string, unknown[]][] = [
        ['outranks', [id, c.member.profileId, c.owner.profileId]],
        ['require_server_permission', [id, 'KICK_MEMBERS']],
        ['set_audit_reason', ['x']],
        ['random_invite_code', []],
        ['audit_changes', ['{}', '{}', '{}']],
      ];
      for (const [fn, args] of calls) {
        expect(await failure(rpc(c.member.api, fn, ...args))).toMatchObject({
          code: '42501',
          message: `permission denied for function ${fn}`,
        });
      }
    });
  });
});
