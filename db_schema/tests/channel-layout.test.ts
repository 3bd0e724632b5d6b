import { randomUUID } from 'node:crypto';
import { createTestDatabase, type Session, type TestDatabase } from '@harmony/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bits,
  createRole,
  DENIED,
  failure,
  INVALID,
  MISSING,
  NOT_FOUND,
  rpc,
  seedCommunity,
  setOverwrite,
  snapshot,
} from './fixtures.js';

// Migration 20261206100000_channel_layout: the whole channel list order and the whole role
// hierarchy in one call each, from the attacker's side first, and collapsed categories per user.

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.close());

/** seedCommunity plus two categories (Info, Voice) and a third channel (#rules, uncategorised). */
async function seedLayout(tx: Session) {
  const c = await seedCommunity(tx);
  const id = c.server.serverId;
  const category = async (name: string, position: number) =>
    (
      await tx.query<{ id: string }>(
        'insert into public.channel_categories (server_id, name, position) values ($1, $2, $3) returning id',
        [id, name, position],
      )
    ).rows[0]?.id as string;
  const info = await category('Info', 0);
  const voiceCategory = await category('Voice', 1);
  const rules = (
    await tx.query<{ id: string }>(
      `insert into public.channels (server_id, name, position) values ($1, 'rules', 2) returning id`,
      [id],
    )
  ).rows[0]?.id as string;
  return {
    ...c,
    id,
    info,
    voiceCategory,
    rules,
    text: c.server.textChannelId,
    voice: c.server.voiceChannelId,
  };
}

const layoutOf = (tx: Session, serverId: string) =>
  snapshot(
    tx,
    `select c.name, k.name as category, c.position from public.channels c
       left join public.channel_categories k on k.id = c.category_id
      where c.server_id = $1 order by c.position`,
    [serverId],
  );
const categoriesOf = (tx: Session, serverId: string) =>
  snapshot(
    tx,
    'select name, position from public.channel_categories where server_id = $1 order by position',
    [serverId],
  );

/** The audit log, oldest first. */
const auditRows = (tx: Session) =>
  snapshot(tx, 'select actor_id, action::text, target_id, changes from public.audit_log order by id');

/** Broadcasts written since the last call ("<event> <topic>"), the deferred ones fired first. */
async function drain(tx: Session): Promise<string[]> {
  await tx.query('set constraints all immediate');
  await tx.query('set constraints broadcast_channel_insert, broadcast_channel_update deferred');
  const { rows } = await tx.query<{ event: string; topic: string }>(
    'delete from realtime.messages returning event, topic',
  );
  return rows.map((r) => `${r.event} ${r.topic}`).sort();
}

type Layout = Awaited<ReturnType<typeof seedLayout>>;

/** The moderator's reorder: Voice before Info, Lounge into Voice, #general uncategorised, #rules into Info. */
const applyNewLayout = (w: Layout) =>
  rpc(
    w.moderator.api,
    'set_channel_layout',
    w.id,
    [w.voiceCategory, w.info],
    JSON.stringify([
      { id: w.voice, category_id: w.voiceCategory },
      { id: w.text, category_id: null },
      { id: w.rules, category_id: w.info },
    ]),
  );

describe('set_channel_layout', () => {
  it('refuses members without MANAGE_CHANNELS (42501), strangers (not found) and anon, changing nothing', async () => {
    await db.rollback(async (tx) => {
      const w = await seedLayout(tx);
      const before = [await layoutOf(tx, w.id), await categoriesOf(tx, w.id)];
      const layout = [[w.voiceCategory, w.info], JSON.stringify([{ id: w.text, category_id: w.info }])];
      expect(await failure(rpc(w.member.api, 'set_channel_layout', w.id, ...layout))).toMatchObject(DENIED);
      expect(await failure(rpc(w.stranger.api, 'set_channel_layout', w.id, ...layout))).toMatchObject(
        NOT_FOUND,
      );
      expect(await failure(rpc(tx.asAnon(), 'set_channel_layout', w.id, ...layout))).toMatchObject({
        code: '42501',
      });
      expect([await layoutOf(tx, w.id), await categoriesOf(tx, w.id)]).toEqual(before);
    });
  });

  it('refuses a layout that is not exactly the server’s categories and the channels the caller sees', async () => {
    await db.rollback(async (tx) => {
      const w = await seedLayout(tx);
      const before = [await layoutOf(tx, w.id), await categoriesOf(tx, w.id)];
      const set = (categories: unknown, channels: unknown) =>
        failure(rpc(w.moderator.api, 'set_channel_layout', w.id, categories, JSON.stringify(channels)));
      const all = [
        { id: w.rules, category_id: null },
        { id: w.text, category_id: w.info },
        { id: w.voice, category_id: w.voiceCategory },
      ];
      const categories = [w.info, w.voiceCategory];
      // A channel missing, one twice, one of another server, a category missing or foreign.
      expect(await set(categories, all.slice(1))).toMatchObject({
        ...INVALID,
        message: 'the layout must list each channel you can see exactly once',
      });
      expect(await set(categories, [...all, all[0]])).toMatchObject(INVALID);
      expect(await set(categories, [...all, { id: randomUUID(), category_id: null }])).toMatchObject(INVALID);
      expect(await set([w.info], all)).toMatchObject({
        ...INVALID,
        message: 'the layout must list each category of the server exactly once',
      });
      expect(await set([w.info, w.info, w.voiceCategory], all)).toMatchObject(INVALID);
      expect(await set([...categories, randomUUID()], all)).toMatchObject(INVALID);
      expect(
        await set(categories, [...all.slice(1), { id: w.rules, category_id: randomUUID() }]),
      ).toMatchObject(INVALID);
      // Malformed input answers 22xxx, never an internal error.
      expect(await set(categories, { id: w.text })).toMatchObject(INVALID);
      expect(await set(categories, ['x'])).toMatchObject(INVALID);
      expect(await set(categories, [{ id: 5 }])).toMatchObject(INVALID);
      expect(await set(categories, [{ id: 'not-a-uuid' }])).toMatchObject({ code: '22P02' });
      expect(await failure(rpc(w.moderator.api, 'set_channel_layout', w.id, null, '[]'))).toMatchObject(
        MISSING,
      );
      expect([await layoutOf(tx, w.id), await categoriesOf(tx, w.id)]).toEqual(before);
    });
  });

  it('applies the whole order in one call and sends one layout_update instead of one event per row', async () => {
    await db.rollback(async (tx) => {
      const w = await seedLayout(tx);
      await drain(tx);
      await applyNewLayout(w);
      expect(await categoriesOf(tx, w.id)).toEqual([
        { name: 'Voice', position: 0 },
        { name: 'Info', position: 1 },
      ]);
      // Uncategorised channels first, then each category's channels, as the list shows them.
      expect(await layoutOf(tx, w.id)).toEqual([
        { name: 'general', category: null, position: 0 },
        { name: 'Lounge', category: 'Voice', position: 1 },
        { name: 'rules', category: 'Info', position: 2 },
      ]);
      expect(await drain(tx)).toEqual([`layout_update server:${w.id}`]);
    });
  });

  it('audits a layout once (channel_reorder, before → after), not once per moved row', async () => {
    await db.rollback(async (tx) => {
      const w = await seedLayout(tx);
      const before = { categories: [w.info, w.voiceCategory], channels: [w.text, w.voice, w.rules] };
      // Channels without a category come first, then each category's, as the list shows them.
      await tx.query('update public.channels set category_id = $2 where id = $1', [w.voice, w.voiceCategory]);
      before.channels = [w.text, w.rules, w.voice];
      await tx.query('delete from public.audit_log');
      await applyNewLayout(w);
      expect(await auditRows(tx)).toEqual([
        {
          actor_id: w.moderator.profileId,
          action: 'channel_reorder',
          target_id: w.id,
          changes: {
            categories: { before: before.categories, after: [w.voiceCategory, w.info] },
            channels: { before: before.channels, after: [w.text, w.voice, w.rules] },
          },
        },
      ]);
      // The same order again changes nothing and logs nothing.
      await applyNewLayout(w);
      expect(await auditRows(tx)).toHaveLength(1);
    });
  });

  it('keeps the places of channels hidden from the caller, and needs MANAGE_CHANNELS in a channel to move it', async () => {
    await db.rollback(async (tx) => {
      const w = await seedLayout(tx);
      const view = await bits(tx, ['VIEW_CHANNEL']);
      // #rules is hidden from the moderator; they list only what they see.
      await setOverwrite(tx, w.rules, { member: w.moderator.profileId }, { deny: view });
      const mine = [
        { id: w.voice, category_id: w.voiceCategory },
        { id: w.text, category_id: w.voiceCategory },
      ];
      expect(
        await failure(
          rpc(
            w.moderator.api,
            'set_channel_layout',
            w.id,
            [w.info, w.voiceCategory],
            JSON.stringify([...mine, { id: w.rules, category_id: null }]),
          ),
        ),
      ).toMatchObject(INVALID);
      const manage = await bits(tx, ['MANAGE_CHANNELS']);
      await setOverwrite(tx, w.text, { role: w.modRoleId }, { deny: manage });
      expect(
        await failure(
          rpc(w.moderator.api, 'set_channel_layout', w.id, [w.info, w.voiceCategory], JSON.stringify(mine)),
        ),
      ).toMatchObject({
        ...DENIED,
        message: 'you need the MANAGE_CHANNELS permission in general to move it to another category',
      });
      await tx.query('delete from public.channel_overwrites where channel_id = $1', [w.text]);
      await rpc(w.moderator.api, 'set_channel_layout', w.id, [w.info, w.voiceCategory], JSON.stringify(mine));
      expect(await layoutOf(tx, w.id)).toEqual([
        { name: 'rules', category: null, position: 0 },
        { name: 'Lounge', category: 'Voice', position: 1 },
        { name: 'general', category: 'Voice', position: 2 },
      ]);
    });
  });
});

describe('reorder_roles', () => {
  /** seedCommunity plus Senior (8, above Moderator at 5) and Helper (2, below it). */
  async function seedRoles(tx: Session) {
    const c = await seedCommunity(tx);
    const id = c.server.serverId;
    const senior = await createRole(tx, id, { name: 'Senior', permissions: 0n, position: 8 });
    const helper = await createRole(tx, id, { name: 'Helper', permissions: 0n, position: 2 });
    const junior = await createRole(tx, id, { name: 'Junior', permissions: 0n, position: 1 });
    return { ...c, id, senior, helper, junior };
  }
  const hierarchy = async (tx: Session, serverId: string) =>
    (
      await snapshot(
        tx,
        'select name from public.roles where server_id = $1 and id <> $1 order by position desc',
        [serverId],
      )
    ).map((r) => (r as { name: string }).name);

  it('refuses members without MANAGE_ROLES (42501) and strangers, changing nothing', async () => {
    await db.rollback(async (tx) => {
      const w = await seedRoles(tx);
      const order = [w.senior, w.modRoleId, w.junior, w.helper];
      expect(await failure(rpc(w.member.api, 'reorder_roles', w.id, order))).toMatchObject(DENIED);
      expect(await failure(rpc(w.stranger.api, 'reorder_roles', w.id, order))).toMatchObject(NOT_FOUND);
      expect(await hierarchy(tx, w.id)).toEqual(['Senior', 'Moderator', 'Helper', 'Junior']);
    });
  });

  it('refuses moving a role above the caller’s highest role, or moving the roles at or above it', async () => {
    await db.rollback(async (tx) => {
      const w = await seedRoles(tx);
      const reorder = (order: string[]) => failure(rpc(w.moderator.api, 'reorder_roles', w.id, order));
      const refused = { ...DENIED, message: 'you can only move roles below your highest role' };
      // Helper above Moderator (the moderator's own role), or above Senior.
      expect(await reorder([w.senior, w.helper, w.modRoleId, w.junior])).toMatchObject(refused);
      expect(await reorder([w.helper, w.senior, w.modRoleId, w.junior])).toMatchObject(refused);
      // Their own role below another, or Senior below theirs.
      expect(await reorder([w.senior, w.junior, w.helper, w.modRoleId])).toMatchObject(refused);
      expect(await reorder([w.modRoleId, w.senior, w.helper, w.junior])).toMatchObject(refused);
      // Not the whole list, @everyone in it, a role twice.
      expect(await reorder([w.senior, w.modRoleId, w.junior])).toMatchObject(INVALID);
      expect(await reorder([w.senior, w.modRoleId, w.junior, w.helper, w.id])).toMatchObject(INVALID);
      expect(await reorder([w.senior, w.modRoleId, w.junior, w.junior])).toMatchObject(INVALID);
      expect(await failure(rpc(w.moderator.api, 'reorder_roles', w.id, null))).toMatchObject(MISSING);
      expect(await hierarchy(tx, w.id)).toEqual(['Senior', 'Moderator', 'Helper', 'Junior']);
    });
  });

  it('audits a reorder once (role_reorder, before → after)', async () => {
    await db.rollback(async (tx) => {
      const w = await seedRoles(tx);
      await tx.query('delete from public.audit_log');
      await rpc(w.moderator.api, 'reorder_roles', w.id, [w.senior, w.modRoleId, w.junior, w.helper]);
      expect(await auditRows(tx)).toEqual([
        {
          actor_id: w.moderator.profileId,
          action: 'role_reorder',
          target_id: w.id,
          changes: {
            roles: {
              before: [w.senior, w.modRoleId, w.helper, w.junior],
              after: [w.senior, w.modRoleId, w.junior, w.helper],
            },
          },
        },
      ]);
    });
  });

  it('moves roles below the caller’s, lets the owner move any, and sends one role_order_update', async () => {
    await db.rollback(async (tx) => {
      const w = await seedRoles(tx);
      await drain(tx);
      await rpc(w.moderator.api, 'reorder_roles', w.id, [w.senior, w.modRoleId, w.junior, w.helper]);
      expect(await hierarchy(tx, w.id)).toEqual(['Senior', 'Moderator', 'Junior', 'Helper']);
      expect(await drain(tx)).toEqual([`role_order_update server:${w.id}`]);
      await tx.query(`select set_config('harmony.reordering_server', '', true)`);
      await rpc(w.owner.api, 'reorder_roles', w.id, [w.helper, w.senior, w.junior, w.modRoleId]);
      expect(await hierarchy(tx, w.id)).toEqual(['Helper', 'Senior', 'Junior', 'Moderator']);
      // The moderator now ranks lowest: they can move nothing.
      expect(
        await failure(
          rpc(w.moderator.api, 'reorder_roles', w.id, [w.helper, w.senior, w.modRoleId, w.junior]),
        ),
      ).toMatchObject(DENIED);
    });
  });
});

describe('collapsed_categories', () => {
  it('lets each user keep and see only their own, for categories of their servers', async () => {
    await db.rollback(async (tx) => {
      const w = await seedLayout(tx);
      // The profile is the caller's own by default.
      await w.member.api.query('insert into public.collapsed_categories (category_id) values ($1)', [w.info]);
      const mine = (who: typeof w.member) =>
        who.api.query('select category_id from public.collapsed_categories').then((r) => r.rows);
      expect(await mine(w.member)).toEqual([{ category_id: w.info }]);
      expect(await mine(w.owner)).toEqual([]);
      // Someone else's row, a stranger to the server, anon: refused by RLS.
      const insert = (who: typeof w.member, profileId: string) =>
        failure(
          who.api.query('insert into public.collapsed_categories (profile_id, category_id) values ($1, $2)', [
            profileId,
            w.voiceCategory,
          ]),
        );
      expect(await insert(w.owner, w.member.profileId)).toMatchObject(DENIED);
      expect(await insert(w.stranger, w.stranger.profileId)).toMatchObject(DENIED);
      expect(await failure(tx.asAnon().query('select * from public.collapsed_categories'))).toMatchObject(
        DENIED,
      );
      await w.owner.api.query('delete from public.collapsed_categories');
      expect(await mine(w.member)).toHaveLength(1);
      // Deleting the category drops it; its channels stay, uncategorised.
      await rpc(w.owner.api, 'delete_category', w.info);
      expect(await mine(w.member)).toEqual([]);
      expect(
        await snapshot(tx, 'select count(*)::int as n from public.channels where server_id = $1', [w.id]),
      ).toEqual([{ n: 3 }]);
    });
  });
});

describe('moving a role hierarchy keeps create_role and hierarchy checks consistent', () => {
  it('a role moved below the moderator becomes manageable by them', async () => {
    await db.rollback(async (tx) => {
      const c = await seedCommunity(tx);
      const id = c.server.serverId;
      const top = await createRole(tx, id, { name: 'Top', permissions: 0n, position: 9 });
      expect(await failure(rpc(c.moderator.api, 'update_role', top, 'Renamed'))).toMatchObject(DENIED);
      await rpc(c.owner.api, 'reorder_roles', id, [c.modRoleId, top]);
      await rpc(c.moderator.api, 'update_role', top, 'Renamed');
      expect(await snapshot(tx, 'select name from public.roles where id = $1', [top])).toEqual([
        { name: 'Renamed' },
      ]);
    });
  });
});
