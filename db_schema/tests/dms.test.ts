import { createTestDatabase, type Session, type TestDatabase } from '@harmony/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, createUser, makeFriends, seedServer, sendMessage, type TestUser } from './fixtures.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.close());

const rpc = async <T = unknown>(user: TestUser, sql: string, params: unknown[] = []) =>
  (await user.api.query<{ r: T }>(`select ${sql} as r`, params)).rows[0]?.r as T;

const recipients = async (tx: Session, channelId: string) =>
  (
    await tx.query<{ username: string; closed: boolean }>(
      `select p.username, r.closed from public.channel_recipients r join public.profiles p on p.id = r.profile_id
        where r.channel_id = $1 order by p.username`,
      [channelId],
    )
  ).rows;

const dmCount = async (tx: Session) =>
  Number(
    (await tx.query(`select count(*)::int as n from public.channels where server_id is null`)).rows[0]?.n,
  );

/** ada and bob share a server; cy is ada's friend elsewhere; dee shares nothing with ada. */
async function world(tx: Session) {
  const ada = await createUser(tx, 'ada');
  const bob = await createUser(tx, 'bob');
  const cy = await createUser(tx, 'cy');
  const dee = await createUser(tx, 'dee');
  const server = await seedServer(tx, ada);
  await addMember(tx, server.serverId, bob);
  await makeFriends(tx, ada, cy);
  return { ada, bob, cy, dee, server };
}

describe('open_dm', () => {
  it('opens one DM per pair, hidden for the other side until a message arrives', async () => {
    await db.rollback(async (tx) => {
      const { ada, bob, cy } = await world(tx);
      const dm = await rpc<string>(ada, 'public.open_dm($1)', [bob.profileId]);
      expect(await rpc<string>(ada, 'public.open_dm($1)', [bob.profileId])).toBe(dm);
      expect(await rpc<string>(bob, 'public.open_dm($1)', [ada.profileId])).toBe(dm);
      expect(await recipients(tx, dm)).toEqual([
        { username: 'ada', closed: false },
        { username: 'bob', closed: false },
      ]);
      const withCy = await rpc<string>(ada, 'public.open_dm($1)', [cy.profileId]);
      expect(await recipients(tx, withCy)).toEqual([
        { username: 'ada', closed: false },
        { username: 'cy', closed: true },
      ]);
      const msg = await sendMessage(ada, withCy, 'hi cy');
      expect(msg.seq).toBe(1);
      expect(await recipients(tx, withCy)).toEqual([
        { username: 'ada', closed: false },
        { username: 'cy', closed: false },
      ]);
      const notes = await tx.query(
        'select recipient_id, type, channel_id, server_id from public.notifications',
      );
      expect(notes.rows).toEqual([
        { recipient_id: cy.profileId, type: 'direct_message', channel_id: withCy, server_id: null },
      ]);

      await cy.api.query('select public.close_dm($1)', [withCy]);
      expect((await recipients(tx, withCy))[1]).toEqual({ username: 'cy', closed: true });
      // Still readable when closed, and the next message reopens it.
      expect((await cy.api.query('select * from public.get_messages($1)', [withCy])).rowCount).toBe(1);
      await sendMessage(ada, withCy, 'again');
      expect((await recipients(tx, withCy))[1]).toEqual({ username: 'cy', closed: false });
      expect(await dmCount(tx)).toBe(2);
    });
  });

  it('looks the same for blocked, unreachable and missing users, and creates nothing', async () => {
    await db.rollback(async (tx) => {
      const { ada, bob, cy, dee } = await world(tx);
      const refusal = async (user: TestUser, target: string) =>
        user.api.query('select public.open_dm($1)', [target]).then(
          () => 'succeeded',
          (e: { code: string; message: string }) => `${e.code} ${e.message}`,
        );
      const notFound = 'PT404 user not found';
      expect(await refusal(ada, dee.profileId)).toBe(notFound);
      expect(await refusal(ada, '00000000-0000-0000-0000-000000000000')).toBe(notFound);
      await tx.query(
        'update public.user_settings set allow_dms_from_server_members = false where profile_id = $1',
        [bob.profileId],
      );
      expect(await refusal(ada, bob.profileId)).toBe(notFound);
      // bob may still write to ada, whose setting allows it.
      expect(await refusal(bob, ada.profileId)).toBe('succeeded');
      await cy.api.query('select public.block_user($1)', [ada.profileId]);
      expect(await refusal(ada, cy.profileId)).toBe(notFound);
      expect(await refusal(cy, ada.profileId)).toBe(notFound);
      expect(await refusal(ada, ada.profileId)).toBe('22023 you cannot open a DM with yourself');
      expect(await refusal(ada, null as unknown as string)).toBe('22004 a profile is required');
      await expect(tx.asAnon().query('select public.open_dm($1)', [ada.profileId])).rejects.toThrow(
        'permission denied for function open_dm',
      );
      expect(await dmCount(tx)).toBe(1);
    });
  });

  it('keeps DMs private to their recipients, and stops sending once either side blocks', async () => {
    await db.rollback(async (tx) => {
      const { ada, bob, cy } = await world(tx);
      const dm = await rpc<string>(ada, 'public.open_dm($1)', [bob.profileId]);
      await sendMessage(ada, dm, 'private');
      expect((await cy.api.query('select * from public.messages')).rowCount).toBe(0);
      expect((await cy.api.query('select * from public.channel_recipients')).rowCount).toBe(0);
      expect((await bob.api.query('select * from public.channel_recipients')).rowCount).toBe(2);
      await expect(sendMessage(cy, dm, 'hi')).rejects.toMatchObject({ code: '42501' });
      await expect(cy.api.query('select * from public.get_messages($1)', [dm])).rejects.toMatchObject({
        code: 'PT404',
      });
      await expect(cy.api.query('select public.close_dm($1)', [dm])).rejects.toMatchObject({ code: 'PT404' });

      // A muted DM does not notify.
      await bob.api.query(
        `insert into public.channel_notification_settings (profile_id, channel_id, muted_until)
         values ($1, $2, 'infinity')`,
        [bob.profileId, dm],
      );
      const muted = await sendMessage(ada, dm, 'shh');
      expect(
        (await tx.query('select * from public.notifications where message_id = $1', [muted.id])).rowCount,
      ).toBe(0);

      await bob.api.query('select public.block_user($1)', [ada.profileId]);
      for (const who of [ada, bob]) {
        await expect(sendMessage(who, dm, 'still there?')).rejects.toMatchObject({ code: '42501' });
      }
      expect((await bob.api.query('select * from public.get_messages($1)', [dm])).rowCount).toBe(2);
    });
  });
});

describe('group DMs', () => {
  it('are created with 1 to 9 friends, named after their members by default', async () => {
    await db.rollback(async (tx) => {
      const { ada, bob, cy, dee } = await world(tx);
      await makeFriends(tx, ada, dee);
      const group = await rpc<string>(ada, 'public.create_group_dm($1)', [
        [cy.profileId, dee.profileId, cy.profileId],
      ]);
      const row = await tx.query('select type, name, owner_id from public.channels where id = $1', [group]);
      expect(row.rows[0]).toEqual({ type: 'group_dm', name: 'ada, cy, dee', owner_id: ada.profileId });
      expect((await recipients(tx, group)).map((r) => r.username)).toEqual(['ada', 'cy', 'dee']);
      const named = await rpc<string>(ada, `public.create_group_dm($1, '  Trip  ')`, [[cy.profileId]]);
      expect((await tx.query('select name from public.channels where id = $1', [named])).rows[0]?.name).toBe(
        'Trip',
      );

      const msg = await sendMessage(cy, group, 'hello all');
      const notes = await tx.query<{ recipient_id: string }>(
        'select recipient_id from public.notifications where message_id = $1 order by recipient_id',
        [msg.id],
      );
      expect(notes.rows.map((r) => r.recipient_id)).toEqual([ada.profileId, dee.profileId].sort());

      const before = await dmCount(tx);
      const refused = async (args: string, params: unknown[]) =>
        ada.api.query(`select public.create_group_dm(${args})`, params).then(
          () => 'succeeded',
          (e: { code: string }) => e.code,
        );
      expect(await refused('$1', [[bob.profileId, cy.profileId]])).toBe('PT404');
      expect(await refused('$1', [[ada.profileId]])).toBe('22023');
      expect(await refused('$1', [[]])).toBe('22023');
      expect(await refused('null', [])).toBe('22004');
      expect(await refused('$1', [[cy.profileId, null]])).toBe('22004');
      expect(await refused('$1, $2', [[cy.profileId], 'x'.repeat(101)])).toBe('22023');
      const many = await Promise.all(Array.from({ length: 10 }, (_, i) => createUser(tx, `friend${i}`)));
      for (const friend of many) await makeFriends(tx, ada, friend);
      expect(await refused('$1', [many.map((f) => f.profileId)])).toBe('22023');
      expect(await dmCount(tx)).toBe(before);
      await expect(tx.asAnon().query('select public.create_group_dm($1)', [[cy.profileId]])).rejects.toThrow(
        'permission denied',
      );
    });
  });

  it('let the owner add friends up to 10 members', async () => {
    await db.rollback(async (tx) => {
      const { ada, bob, cy, dee } = await world(tx);
      const group = await rpc<string>(ada, 'public.create_group_dm($1)', [[cy.profileId]]);
      const add = (user: TestUser, target: string | null) =>
        user.api.query('select public.add_group_dm_recipient($1, $2)', [group, target]).then(
          () => 'ok',
          (e: { code: string }) => e.code,
        );
      expect(await add(ada, bob.profileId)).toBe('PT404');
      await makeFriends(tx, ada, bob);
      await makeFriends(tx, cy, dee);
      expect(await add(cy, dee.profileId)).toBe('42501');
      expect(await add(dee, dee.profileId)).toBe('PT404');
      expect(await add(ada, null)).toBe('22004');
      expect(await add(ada, bob.profileId)).toBe('ok');
      expect(await add(ada, bob.profileId)).toBe('23505');
      const more = await Promise.all(Array.from({ length: 8 }, (_, i) => createUser(tx, `pal${i}`)));
      for (const pal of more) await makeFriends(tx, ada, pal);
      for (const pal of more.slice(0, 7)) expect(await add(ada, pal.profileId)).toBe('ok');
      expect(await add(ada, (more[7] as TestUser).profileId)).toBe('23514');
      expect((await recipients(tx, group)).length).toBe(10);
      const server = await seedServer(tx, ada, 'Not a DM');
      await expect(
        ada.api.query('select public.add_group_dm_recipient($1, $2)', [server.textChannelId, bob.profileId]),
      ).rejects.toMatchObject({ code: 'PT404', message: 'channel not found' });
    });
  });

  it('hand ownership on when the owner leaves, and disappear with the last member', async () => {
    await db.rollback(async (tx) => {
      const { ada, cy, dee } = await world(tx);
      await makeFriends(tx, ada, dee);
      const group = await rpc<string>(ada, 'public.create_group_dm($1)', [[cy.profileId, dee.profileId]]);
      await tx.query(
        `update public.channel_recipients set added_at = now() - interval '1 day' where profile_id = $1`,
        [dee.profileId],
      );
      await sendMessage(ada, group, 'bye');
      await ada.api.query('select public.mark_channel_read($1)', [group]);
      await ada.api.query('select public.leave_group_dm($1)', [group]);
      expect(
        (await tx.query('select owner_id from public.channels where id = $1', [group])).rows[0]?.owner_id,
      ).toBe(dee.profileId);
      expect((await recipients(tx, group)).map((r) => r.username)).toEqual(['cy', 'dee']);
      expect((await ada.api.query('select * from public.messages')).rowCount).toBe(0);
      expect((await tx.query('select * from public.read_states')).rowCount).toBe(0);
      await expect(ada.api.query('select public.leave_group_dm($1)', [group])).rejects.toMatchObject({
        code: 'PT404',
      });
      await cy.api.query('select public.leave_group_dm($1)', [group]);
      expect(
        (await tx.query('select owner_id from public.channels where id = $1', [group])).rows[0]?.owner_id,
      ).toBe(dee.profileId);
      await dee.api.query('select public.leave_group_dm($1)', [group]);
      expect((await tx.query('select * from public.channels where id = $1', [group])).rowCount).toBe(0);
      expect((await tx.query('select * from public.messages')).rowCount).toBe(0);
    });
  });

  it('refuse leave_group_dm and close_dm on server channels', async () => {
    await db.rollback(async (tx) => {
      const { ada, server } = await world(tx);
      for (const fn of ['leave_group_dm', 'close_dm']) {
        await expect(ada.api.query(`select public.${fn}($1)`, [server.textChannelId])).rejects.toMatchObject({
          code: 'PT404',
          message: 'channel not found',
        });
      }
    });
  });
});
