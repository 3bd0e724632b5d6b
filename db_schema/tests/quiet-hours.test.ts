import { createTestDatabase, type TestDatabase } from '@harmony/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, failure, INVALID, rpc, seedCommunity, sendMessage, snapshot } from './fixtures.js';

/**
 * Quiet hours (user_settings) and "suppress @everyone and @here" (server_notification_settings),
 * from the attacker's side: another user or an anonymous caller reads nothing and changes
 * nothing; the owner's bad values get a clean 22023 (PostgREST: 400).
 */

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.close());

const QUIET =
  'select quiet_hours_enabled, quiet_hours_start::text, quiet_hours_end::text, quiet_hours_time_zone from public.user_settings where profile_id = $1';

describe('quiet hours', () => {
  it('are the owner’s own: set by them, invisible and unchangeable to others and to anon', async () => {
    await db.rollback(async (tx) => {
      const owner = await createUser(tx, 'sleeper');
      const other = await createUser(tx, 'prowler');
      await owner.api.query(
        `update public.user_settings set quiet_hours_enabled = true, quiet_hours_start = '23:30',
                quiet_hours_end = '07:00', quiet_hours_time_zone = 'Europe/Paris' where profile_id = $1`,
        [owner.profileId],
      );
      const mine = await owner.api.query(QUIET, [owner.profileId]);
      expect(mine.rows).toEqual([
        {
          quiet_hours_enabled: true,
          quiet_hours_start: '23:30:00',
          quiet_hours_end: '07:00:00',
          quiet_hours_time_zone: 'Europe/Paris',
        },
      ]);

      expect((await other.api.query(QUIET, [owner.profileId])).rowCount).toBe(0);
      const changed = await other.api.query(
        `update public.user_settings set quiet_hours_enabled = false, quiet_hours_time_zone = 'UTC' where profile_id = $1`,
        [owner.profileId],
      );
      expect(changed.rowCount).toBe(0);
      const anon = tx.asAnon();
      expect((await failure(anon.query(QUIET, [owner.profileId]))).code).toBe('42501');
      expect(
        (
          await failure(
            anon.query(`update public.user_settings set quiet_hours_enabled = false where profile_id = $1`, [
              owner.profileId,
            ]),
          )
        ).code,
      ).toBe('42501');
      expect(await snapshot(tx, QUIET, [owner.profileId])).toEqual(mine.rows);
    });
  });

  it('refuse an unknown time zone and a window of no length with 22023', async () => {
    await db.rollback(async (tx) => {
      const owner = await createUser(tx, 'owl');
      const set = (column: string, value: string) =>
        owner.api.query(`update public.user_settings set ${column} = $1 where profile_id = $2`, [
          value,
          owner.profileId,
        ]);
      expect(await failure(set('quiet_hours_time_zone', 'Mars/Olympus_Mons'))).toMatchObject({
        ...INVALID,
        message: 'unknown time zone Mars/Olympus_Mons',
      });
      expect(await failure(set('quiet_hours_time_zone', "UTC'; select 1"))).toMatchObject(INVALID);
      expect(await failure(set('quiet_hours_start', '08:00'))).toMatchObject({
        ...INVALID,
        message: 'quiet hours must start and end at different times',
      });
      await set('quiet_hours_time_zone', 'America/Argentina/Buenos_Aires');
    });
  });

  it('changing them tells the owner’s other tabs (notification_settings_update on their topic)', async () => {
    await db.rollback(async (tx) => {
      const owner = await createUser(tx, 'tabby');
      await tx.query('delete from realtime.messages');
      await owner.api.query(
        `update public.user_settings set quiet_hours_enabled = true where profile_id = $1`,
        [owner.profileId],
      );
      // Other settings do not send it.
      await owner.api.query(`update public.user_settings set theme = 'light' where profile_id = $1`, [
        owner.profileId,
      ]);
      const rows = await snapshot(tx, `select topic, event from realtime.messages`);
      expect(rows).toEqual([{ topic: `user:${owner.profileId}`, event: 'notification_settings_update' }]);
    });
  });
});

describe('suppress @everyone and @here', () => {
  it('a member who suppresses it in a server gets no @everyone notification there; @mentions still notify', async () => {
    await db.rollback(async (tx) => {
      const c = await seedCommunity(tx);
      const { serverId, textChannelId } = c.server;
      await c.member.api.query(
        `insert into public.server_notification_settings (profile_id, server_id, suppress_everyone) values ($1, $2, true)`,
        [c.member.profileId, serverId],
      );
      const everyone = await sendMessage(c.owner, textChannelId, '@everyone all hands');
      const here = await sendMessage(c.owner, textChannelId, '@here quick one');
      expect(await rpc(c.member.api, 'sync_mention_notifications')).toBe(0);
      expect(await rpc(c.moderator.api, 'sync_mention_notifications')).toBe(2);
      const direct = await sendMessage(c.owner, textChannelId, `you <@${c.member.profileId}>`);
      const mine = await snapshot(tx, 'select message_id from public.notifications where recipient_id = $1', [
        c.member.profileId,
      ]);
      expect(mine).toEqual([{ message_id: direct.id }]);
      // Nor a mention badge: only the direct mention counts for them.
      const badge = async (who: typeof c.member) =>
        (
          await who.api.query<{ mention_count: number }>(
            'select mention_count from public.get_unread_state() where channel_id = $1',
            [textChannelId],
          )
        ).rows[0]?.mention_count;
      expect(await badge(c.member)).toBe(1);
      expect(await badge(c.moderator)).toBe(2);
      // Turned off again: later @everyone notifies; the suppressed ones stay skipped.
      await c.member.api.query(
        `update public.server_notification_settings set suppress_everyone = false where profile_id = $1`,
        [c.member.profileId],
      );
      const later = await sendMessage(c.owner, textChannelId, '@everyone after');
      expect(await rpc(c.member.api, 'sync_mention_notifications')).toBe(1);
      const ids = (
        await snapshot(tx, 'select message_id from public.notifications where recipient_id = $1', [
          c.member.profileId,
        ])
      ).map((r) => (r as { message_id: string }).message_id);
      expect(ids).toContain(later.id);
      expect(ids).not.toContain(everyone.id);
      expect(ids).not.toContain(here.id);
    });
  });

  it('another member can neither read nor set it for someone else', async () => {
    await db.rollback(async (tx) => {
      const c = await seedCommunity(tx);
      const { serverId } = c.server;
      await c.member.api.query(
        `insert into public.server_notification_settings (profile_id, server_id, suppress_everyone) values ($1, $2, true)`,
        [c.member.profileId, serverId],
      );
      for (const who of [c.moderator, c.owner, c.stranger]) {
        const read = await who.api.query(
          'select suppress_everyone from public.server_notification_settings where profile_id = $1',
          [c.member.profileId],
        );
        expect(read.rowCount, `${who.username} reads it`).toBe(0);
        const write = await who.api.query(
          'update public.server_notification_settings set suppress_everyone = false where profile_id = $1',
          [c.member.profileId],
        );
        expect(write.rowCount, `${who.username} changes it`).toBe(0);
      }
      // Nor create it for them (the moderator's own row would be fine).
      expect(
        await failure(
          c.moderator.api.query(
            `insert into public.server_notification_settings (profile_id, server_id, suppress_everyone)
             values ($1, $2, true)`,
            [c.owner.profileId, serverId],
          ),
        ),
      ).toMatchObject({ code: '42501' });
      expect(
        await snapshot(tx, 'select profile_id, suppress_everyone from public.server_notification_settings'),
      ).toEqual([{ profile_id: c.member.profileId, suppress_everyone: true }]);
    });
  });
});
