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
  sendMessage,
  setOverwrite,
  snapshot,
  type TestUser,
} from './fixtures.js';

// Reports and the moderation RPCs they lead to, from the attacker's side: what a member
// without the permission, a lower moderator, a stranger or anon sends, and what they get.

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.close());

const DUPLICATE = { code: '23505' };
const HANDLED = { code: 'PT409' };

/** seedCommunity plus `peer` (a second Moderator), `bystander` (a plain member) and a message by the member. */
async function seedReports(tx: Session) {
  const c = await seedCommunity(tx);
  const peer = await createUser(tx, 'peer');
  await addMember(tx, c.server.serverId, peer, [c.modRoleId]);
  const bystander = await createUser(tx, 'bystander');
  await addMember(tx, c.server.serverId, bystander);
  const message = await sendMessage(c.member, c.server.textChannelId, 'buy cheap coins');
  return { ...c, peer, bystander, message };
}

const reportsAs = (who: TestUser) => who.api.query('select id from public.reports').then((r) => r.rowCount);

const reportMessage = (who: TestUser, messageId: string, reason = 'spam', details: string | null = null) =>
  rpc<string>(who.api, 'report_message', messageId, reason, details);

const reportRows = (tx: Session) =>
  snapshot(tx, 'select status, resolution, resolved_by from public.reports order by id');

describe('report_message and report_member', () => {
  it('any member reports a message or a member; only the reporter and reviewers read the report', async () => {
    await db.rollback(async (tx) => {
      const c = await seedReports(tx);
      const id = await reportMessage(c.bystander, c.message.id, 'spam', '  sells coins in every channel ');
      await rpc(c.bystander.api, 'report_member', c.server.serverId, c.member.profileId, 'harassment');
      expect(
        await snapshot(
          tx,
          'select reporter_id, target_id, message_id, channel_id, message_content, reason, details, status from public.reports where id = $1',
          [id],
        ),
      ).toEqual([
        {
          reporter_id: c.bystander.profileId,
          target_id: c.member.profileId,
          message_id: c.message.id,
          channel_id: c.server.textChannelId,
          message_content: 'buy cheap coins',
          reason: 'spam',
          details: 'sells coins in every channel',
          status: 'open',
        },
      ]);
      expect(await reportsAs(c.bystander)).toBe(2);
      expect(await reportsAs(c.moderator)).toBe(2);
      expect(await reportsAs(c.owner)).toBe(2);
      // The reported member, another member and a stranger see nothing.
      expect(await reportsAs(c.member)).toBe(0);
      expect(await reportsAs(c.peer)).toBe(2);
      expect(await reportsAs(c.stranger)).toBe(0);
      expect(await failure(tx.asAnon().query('select * from public.reports'))).toMatchObject(DENIED);
      // Nobody writes reports except through the RPCs.
      expect(
        await failure(
          c.bystander.api.query(
            `insert into public.reports (server_id, reporter_id, target_id, reason) values ($1, $2, $3, 'spam')`,
            [c.server.serverId, c.bystander.profileId, c.member.profileId],
          ),
        ),
      ).toMatchObject(DENIED);
      expect(
        await failure(c.moderator.api.query(`update public.reports set status = 'dismissed'`)),
      ).toMatchObject(DENIED);
      expect(await failure(c.bystander.api.query('delete from public.reports'))).toMatchObject(DENIED);
      expect(await failure(rpc(tx.asAnon(), 'report_message', c.message.id, 'spam'))).toMatchObject(DENIED);
    });
  });

  it('refuses own messages, unreadable messages, strangers, duplicates and bad input, with nothing stored', async () => {
    await db.rollback(async (tx) => {
      const c = await seedReports(tx);
      expect(await failure(reportMessage(c.member, c.message.id))).toMatchObject(INVALID);
      expect(await failure(reportMessage(c.stranger, c.message.id))).toMatchObject(NOT_FOUND);
      expect(await failure(reportMessage(c.bystander, randomUUID()))).toMatchObject(NOT_FOUND);
      expect(await failure(reportMessage(c.bystander, c.message.id, 'spam', 'x'.repeat(1001)))).toMatchObject(
        INVALID,
      );
      expect(await failure(reportMessage(c.bystander, c.message.id, 'not-a-reason'))).toMatchObject({
        code: '22P02',
      });
      const member = (who: TestUser, target: TestUser) =>
        rpc(who.api, 'report_member', c.server.serverId, target.profileId, 'other');
      expect(await failure(member(c.member, c.member))).toMatchObject(INVALID);
      expect(await failure(member(c.stranger, c.member))).toMatchObject(NOT_FOUND);
      expect(await failure(member(c.member, c.stranger))).toMatchObject(NOT_FOUND);
      expect(await snapshot(tx, 'select * from public.reports')).toEqual([]);

      await reportMessage(c.bystander, c.message.id);
      expect(await failure(reportMessage(c.bystander, c.message.id, 'hate'))).toMatchObject(DUPLICATE);
      await member(c.bystander, c.member);
      expect(await failure(member(c.bystander, c.member))).toMatchObject(DUPLICATE);

      // A channel the reporter cannot see hides its messages from reports too.
      const viewChannel = await bits(tx, ['VIEW_CHANNEL']);
      await setOverwrite(tx, c.server.textChannelId, { member: c.peer.profileId }, { deny: viewChannel });
      expect(await failure(reportMessage(c.peer, c.message.id))).toMatchObject(NOT_FOUND);
    });
  });
});

describe('list_reports', () => {
  it('pages the queue for reviewers and refuses everyone else with a clean 403', async () => {
    await db.rollback(async (tx) => {
      const c = await seedReports(tx);
      const ids: string[] = [];
      for (const who of [c.bystander, c.peer, c.owner])
        ids.push(String(await reportMessage(who, c.message.id)));
      const page = (who: TestUser, before: string | null, limit = 2) =>
        who.api
          .query<{ id: string }>('select id::text from public.list_reports($1, $2, $3, $4)', [
            c.server.serverId,
            'open',
            before,
            limit,
          ])
          .then((r) => r.rows.map((row) => row.id));
      const first = await page(c.moderator, null);
      expect(first).toEqual([ids[2], ids[1]]);
      expect(await page(c.moderator, first[1] as string)).toEqual([ids[0]]);

      expect(await failure(page(c.bystander, null))).toMatchObject(DENIED);
      expect(await failure(page(c.member, null))).toMatchObject(DENIED);
      expect(await failure(page(c.stranger, null))).toMatchObject(NOT_FOUND);
      expect(await failure(page(c.moderator, null, 101))).toMatchObject(INVALID);
      // A timed-out moderator keeps only view and history: no queue.
      await rpc(c.owner.api, 'timeout_member', c.server.serverId, c.moderator.profileId, 3600);
      expect(await failure(page(c.moderator, null))).toMatchObject(DENIED);
    });
  });

  it('hides reports about a channel the reviewer cannot read', async () => {
    await db.rollback(async (tx) => {
      const c = await seedReports(tx);
      await reportMessage(c.bystander, c.message.id);
      await rpc(c.bystander.api, 'report_member', c.server.serverId, c.member.profileId, 'other');
      const viewChannel = await bits(tx, ['VIEW_CHANNEL']);
      await setOverwrite(tx, c.server.textChannelId, { role: c.modRoleId }, { deny: viewChannel });
      expect(await reportsAs(c.moderator)).toBe(1);
      const listed = await c.moderator.api.query('select * from public.list_reports($1)', [
        c.server.serverId,
      ]);
      expect(listed.rows.map((r) => r.message_id)).toEqual([null]);
      const hidden = (
        await tx.query<{ id: string }>('select id::text from public.reports where message_id is not null')
      ).rows[0]?.id;
      expect(await failure(rpc(c.moderator.api, 'resolve_report', hidden, 'dismiss'))).toMatchObject(
        NOT_FOUND,
      );
    });
  });
});

const notices = (tx: Session, who: TestUser) =>
  snapshot(
    tx,
    `select type, actor_id, data ->> 'text' as text from public.notifications where recipient_id = $1`,
    [who.profileId],
  );

const audit = (tx: Session) =>
  snapshot(
    tx,
    `select action, actor_id, target_id, reason, changes ->> 'resolution' as resolution
       from public.audit_log where actor_id is not null order by id`,
  );

describe('resolve_report', () => {
  it('kicks through a report: audited, closed, and the reporter is told', async () => {
    await db.rollback(async (tx) => {
      const c = await seedReports(tx);
      const id = await reportMessage(c.bystander, c.message.id);
      await rpc(c.moderator.api, 'resolve_report', id, 'kick', 'spamming');
      expect(
        await snapshot(tx, 'select 1 from public.server_members where profile_id = $1', [c.member.profileId]),
      ).toEqual([]);
      expect(await reportRows(tx)).toEqual([
        { status: 'resolved', resolution: 'kick', resolved_by: c.moderator.profileId },
      ]);
      expect(await audit(tx)).toEqual([
        {
          action: 'member_kick',
          actor_id: c.moderator.profileId,
          target_id: c.member.profileId,
          reason: 'spamming',
          resolution: null,
        },
        {
          action: 'report_resolve',
          actor_id: c.moderator.profileId,
          target_id: c.member.profileId,
          reason: 'spamming',
          resolution: 'kick',
        },
      ]);
      expect(await notices(tx, c.bystander)).toEqual([
        {
          type: 'system',
          actor_id: null,
          text: 'The moderators of Test server reviewed your report and took action. Thank you.',
        },
      ]);
      expect(await failure(rpc(c.moderator.api, 'resolve_report', id, 'dismiss'))).toMatchObject(HANDLED);
    });
  });

  it('times out through a report: the member cannot post until it ends', async () => {
    await db.rollback(async (tx) => {
      const c = await seedReports(tx);
      const id = await reportMessage(c.bystander, c.message.id);
      await rpc(c.moderator.api, 'resolve_report', id, 'timeout', null, 600);
      expect(await failure(sendMessage(c.member, c.server.textChannelId, 'still here'))).toMatchObject(
        DENIED,
      );
      await rpc(c.moderator.api, 'timeout_member', c.server.serverId, c.member.profileId, null);
      await sendMessage(c.member, c.server.textChannelId, 'back again');
    });
  });

  it('deletes the reported message, dismisses another, each with its notice', async () => {
    await db.rollback(async (tx) => {
      const c = await seedReports(tx);
      const first = await reportMessage(c.bystander, c.message.id);
      const second = await rpc<string>(
        c.owner.api,
        'report_member',
        c.server.serverId,
        c.member.profileId,
        'other',
      );
      // The Moderator role lacks MANAGE_MESSAGES: deleting takes the owner.
      expect(await failure(rpc(c.moderator.api, 'resolve_report', first, 'delete_message'))).toMatchObject(
        DENIED,
      );
      await rpc(c.owner.api, 'resolve_report', first, 'delete_message');
      expect(
        await snapshot(tx, 'select deleted_at is not null as deleted from public.messages where id = $1', [
          c.message.id,
        ]),
      ).toEqual([{ deleted: true }]);
      // The report keeps the evidence.
      expect(await snapshot(tx, 'select message_content from public.reports where id = $1', [first])).toEqual(
        [{ message_content: 'buy cheap coins' }],
      );
      expect(await failure(rpc(c.moderator.api, 'resolve_report', second, 'delete_message'))).toMatchObject(
        INVALID,
      );
      await rpc(c.moderator.api, 'resolve_report', second, 'dismiss', 'not a problem');
      expect(await notices(tx, c.owner)).toEqual([
        {
          type: 'system',
          actor_id: null,
          text: 'The moderators of Test server reviewed your report and took no action.',
        },
      ]);
      expect((await audit(tx)).map((row) => (row as { action: string }).action)).toEqual([
        'message_delete',
        'report_resolve',
        'report_resolve',
      ]);
    });
  });

  it('refuses members without the permission, lower moderators, the owner as target and strangers', async () => {
    await db.rollback(async (tx) => {
      const c = await seedReports(tx);
      const aboutMember = await reportMessage(c.bystander, c.message.id);
      const aboutOwner = await rpc<string>(
        c.bystander.api,
        'report_member',
        c.server.serverId,
        c.owner.profileId,
        'other',
      );
      const aboutPeer = await rpc<string>(
        c.bystander.api,
        'report_member',
        c.server.serverId,
        c.peer.profileId,
        'other',
      );
      const janitor = await createUser(tx, 'janitor');
      const janitorRole = await createRole(tx, c.server.serverId, {
        name: 'Janitor',
        permissions: await bits(tx, ['MANAGE_MESSAGES']),
        position: 4,
      });
      await addMember(tx, c.server.serverId, janitor, [janitorRole]);
      const before = await snapshot(tx, 'select * from public.server_members order by profile_id');
      const resolve = (who: TestUser, report: string, action: string) =>
        failure(rpc(who.api, 'resolve_report', report, action, null, 600, 0));
      for (const action of ['dismiss', 'delete_message', 'timeout', 'kick', 'ban']) {
        expect(await resolve(c.bystander, aboutMember, action)).toMatchObject(DENIED);
        expect(await resolve(c.member, aboutMember, action)).toMatchObject(DENIED);
        expect(await resolve(c.stranger, aboutMember, action)).toMatchObject(NOT_FOUND);
      }
      for (const action of ['timeout', 'kick', 'ban']) {
        expect(await resolve(c.moderator, aboutOwner, action)).toMatchObject(DENIED);
        expect(await resolve(c.moderator, aboutPeer, action)).toMatchObject(DENIED);
      }
      expect(await resolve(c.moderator, aboutMember, 'explode')).toMatchObject(INVALID);
      expect(
        await failure(rpc(c.moderator.api, 'resolve_report', aboutMember, 'timeout', null, 30)),
      ).toMatchObject(INVALID);
      expect(await failure(rpc(c.moderator.api, 'resolve_report', '999999', 'dismiss'))).toMatchObject(
        NOT_FOUND,
      );
      expect(await failure(rpc(tx.asAnon(), 'resolve_report', aboutMember, 'dismiss'))).toMatchObject(DENIED);
      // A moderator with only MANAGE_MESSAGES reviews reports but may not kick.
      expect(await resolve(janitor, aboutMember, 'kick')).toMatchObject(DENIED);

      expect(await snapshot(tx, 'select * from public.server_members order by profile_id')).toEqual(before);
      expect(await reportRows(tx)).toEqual([
        { status: 'open', resolution: null, resolved_by: null },
        { status: 'open', resolution: null, resolved_by: null },
        { status: 'open', resolution: null, resolved_by: null },
      ]);
      expect(await snapshot(tx, 'select * from public.audit_log where actor_id is not null')).toEqual([]);
      expect(await snapshot(tx, `select * from public.notifications where type = 'system'`)).toEqual([]);
    });
  });
});

describe('audit log coverage', () => {
  it('records nickname changes and category changes with before and after', async () => {
    await db.rollback(async (tx) => {
      const c = await seedReports(tx);
      const id = c.server.serverId;
      await rpc(c.moderator.api, 'set_nickname', id, c.member.profileId, 'Coins');
      await rpc(c.member.api, 'set_nickname', id, c.member.profileId, null);
      const category = await rpc<string>(c.moderator.api, 'create_category', id, 'Info');
      await rpc(c.moderator.api, 'update_category', category, 'Information', null);
      await rpc(c.moderator.api, 'delete_category', category);
      const rows = await snapshot(
        tx,
        `select action, actor_id, target_id, changes from public.audit_log where actor_id is not null order by id`,
      );
      expect(rows).toEqual([
        {
          action: 'member_update',
          actor_id: c.moderator.profileId,
          target_id: c.member.profileId,
          changes: { nickname: { before: null, after: 'Coins' } },
        },
        {
          action: 'member_update',
          actor_id: c.member.profileId,
          target_id: c.member.profileId,
          changes: { nickname: { before: 'Coins', after: null } },
        },
        {
          action: 'category_create',
          actor_id: c.moderator.profileId,
          target_id: category,
          changes: expect.objectContaining({ name: { before: null, after: 'Info' } }),
        },
        {
          action: 'category_update',
          actor_id: c.moderator.profileId,
          target_id: category,
          changes: { name: { before: 'Info', after: 'Information' } },
        },
        {
          action: 'category_delete',
          actor_id: c.moderator.profileId,
          target_id: category,
          changes: expect.objectContaining({ name: { before: 'Information', after: null } }),
        },
      ]);
    });
  });
});

describe('live report queues', () => {
  it('tell each reviewer who may read the report, and nobody else, when it arrives and when it is handled', async () => {
    await db.rollback(async (tx) => {
      const c = await seedReports(tx);
      await tx.query('delete from realtime.messages');
      const id = await reportMessage(c.bystander, c.message.id);
      const sent = () =>
        snapshot(
          tx,
          `delete from realtime.messages where event like 'report_%'
           returning topic, event, payload -> 'record' as record`,
        ).then((rows) =>
          (rows as { topic: string; event: string; record: unknown }[]).sort((a, b) =>
            a.topic.localeCompare(b.topic),
          ),
        );
      const topics = (users: TestUser[]) => users.map((u) => `user:${u.profileId}`).sort();
      const created = await sent();
      expect(created.map((r) => r.topic)).toEqual(topics([c.owner, c.moderator, c.peer]));
      expect(created[0]).toMatchObject({
        event: 'report_create',
        record: { id: Number(id), server_id: c.server.serverId, status: 'open' },
      });

      // A reviewer who cannot see the channel is not told about a report from it.
      const viewChannel = await bits(tx, ['VIEW_CHANNEL']);
      await setOverwrite(tx, c.server.textChannelId, { member: c.peer.profileId }, { deny: viewChannel });
      await rpc(c.moderator.api, 'resolve_report', id, 'dismiss');
      const handled = await sent();
      expect(handled.map((r) => r.topic)).toEqual(topics([c.owner, c.moderator]));
      expect(handled[0]).toMatchObject({ event: 'report_update', record: { status: 'dismissed' } });
    });
  });
});
