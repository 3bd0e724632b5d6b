import type { TestDatabase } from '@harmony/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addMember,
  bit,
  createRole,
  createUser,
  seedServer,
  sendMessage,
  setOverwrite,
  type TestServer,
  type TestUser,
} from '../../../db_schema/tests/fixtures.js';
import type { RunningService } from '../src/service.js';
import { createServerDatabase, startTestService, VAPID, waitFor } from './helpers.js';
import { LocalPushService, type TestSubscription } from './push-server.js';

let db: TestDatabase;
let push: LocalPushService;
let service: RunningService;
let author: TestUser;
let server: TestServer;

beforeAll(async () => {
  db = await createServerDatabase();
  push = await LocalPushService.start();
  author = await createUser(db, 'author');
  server = await seedServer(db, author, 'Pushers');
  service = await startTestService(db);
});
afterAll(async () => {
  await service?.stop();
  await push?.stop();
  await db?.close();
});

async function member(name: string): Promise<TestUser> {
  const user = await createUser(db, name);
  await addMember(db, server.serverId, user);
  return user;
}

/** The client's part: a push subscription saved through the RPC, as the browser would. */
async function subscribe(user: TestUser): Promise<TestSubscription> {
  const subscription = await push.subscribe(VAPID.publicKey);
  await user.api.query('select public.register_push_subscription($1, $2, $3, $4)', [
    subscription.endpoint,
    subscription.keys.p256dh,
    subscription.keys.auth,
    'Test browser',
  ]);
  // Registering counts as activity on the device; this one was left a while ago.
  await db.query(
    `update public.push_subscriptions set last_active_at = now() - interval '1 hour' where endpoint = $1`,
    [subscription.endpoint],
  );
  return subscription;
}

const mention = (user: TestUser) => `<@${user.profileId}>`;
const jobsLeft = async () =>
  Number((await db.query<{ n: string }>('select count(*) as n from graphile_worker.jobs')).rows[0]?.n);
const settled = () => waitFor(async () => (await jobsLeft()) === 0);

describe('send-push', () => {
  it('a mention reaches each device of the mentioned member, encrypted to it, with what to show and open', async () => {
    const reader = await member('reader');
    const phone = await subscribe(reader);
    const laptop = await subscribe(reader);
    const message = await sendMessage(author, server.textChannelId, `hey ${mention(reader)} look at this`);

    const [onPhone] = await waitFor(async () => {
      const got = await push.messages(phone);
      return got.length > 0 && got;
    });
    expect(onPhone).toMatchObject({
      type: 'mention',
      title: 'author mentioned you in #general (Pushers)',
      body: 'hey @reader look at this',
      url: `/#/channels/${server.serverId}/${server.textChannelId}`,
      tag: server.textChannelId,
      serverId: server.serverId,
      channelId: server.textChannelId,
      messageId: message.id,
    });
    await waitFor(async () => (await push.messages(laptop)).length === 1);
    await settled();
    const { rows } = await db.query('select subscription_id from private.push_deliveries');
    expect(rows).toHaveLength(2);
  });

  it('no push for a muted channel, a server set to nothing, do-not-disturb, or a device in use', async () => {
    const muted = await member('muted');
    const quiet = await member('quiet');
    const busy = await member('busy');
    const active = await member('active');
    const devices = {
      muted: await subscribe(muted),
      quiet: await subscribe(quiet),
      busy: await subscribe(busy),
      active: await subscribe(active),
    };
    // Settings change after the notification row is written but before its push: the job rechecks.
    await db.query(`alter table public.notifications disable trigger notifications_enqueue_push`);
    await sendMessage(author, server.textChannelId, [muted, quiet, busy, active].map(mention).join(' '));
    await db.query(`alter table public.notifications enable trigger notifications_enqueue_push`);
    await muted.api.query(
      `insert into public.channel_notification_settings (profile_id, channel_id, muted_until) values ($1, $2, 'infinity')`,
      [muted.profileId, server.textChannelId],
    );
    await quiet.api.query(
      `insert into public.server_notification_settings (profile_id, server_id, level) values ($1, $2, 'nothing')`,
      [quiet.profileId, server.serverId],
    );
    await busy.api.query(`select public.set_presence('dnd')`);
    await active.api.query('select public.touch_presence($1)', [devices.active.endpoint]);
    await db.query(
      `select private.enqueue_job('send-push', jsonb_build_object('notificationId', id), null)
                      from public.notifications where recipient_id = any($1)`,
      [[muted, quiet, busy, active].map((u) => u.profileId)],
    );
    await settled();
    for (const device of Object.values(devices)) expect(await push.messages(device)).toEqual([]);
    expect(Object.values(devices).map((d) => push.received.get(d.clientHash) ?? 0)).toEqual([0, 0, 0, 0]);
  });

  it('@everyone reaches members with a device (their notification made for the push), not others', async () => {
    const pushed = await member('pushed');
    const silent = await member('silent');
    const muted = await member('everyone_muted');
    const device = await subscribe(pushed);
    const mutedDevice = await subscribe(muted);
    await muted.api.query(
      `insert into public.server_notification_settings (profile_id, server_id, level) values ($1, $2, 'nothing')`,
      [muted.profileId, server.serverId],
    );
    const message = await sendMessage(author, server.textChannelId, '@everyone standup in 5');
    const [got] = await waitFor(async () => {
      const messages = await push.messages(device);
      return messages.length > 0 && messages;
    });
    expect(got).toMatchObject({ type: 'mention', messageId: message.id, body: '@everyone standup in 5' });
    await settled();
    const { rows } = await db.query<{ recipient_id: string }>(
      'select recipient_id from public.notifications where message_id = $1',
      [message.id],
    );
    const notified = rows.map((r) => r.recipient_id);
    expect(notified).toContain(pushed.profileId);
    expect(notified).not.toContain(silent.profileId);
    expect(notified).not.toContain(muted.profileId);
    expect(await push.messages(mutedDevice)).toEqual([]);
    // The member's own sync later finds it there: no second notification.
    const synced = await pushed.api.query<{ n: number }>('select public.sync_mention_notifications() as n');
    expect(synced.rows[0]?.n).toBe(0);
  });

  it('the body names mentioned people, roles and channels as the recipient sees them, never ids', async () => {
    const reader = await member('namer');
    const device = await subscribe(reader);
    const friend = await member('friend');
    await db.query('update public.server_members set nickname = $1 where profile_id = $2', [
      'Buddy',
      friend.profileId,
    ]);
    const roleId = await createRole(db, server.serverId, {
      name: 'Night Owls',
      permissions: 0n,
      position: 2,
    });
    const hidden = await db.query<{ id: string }>(
      `insert into public.channels (server_id, name, type) values ($1, 'secret-plans', 'text') returning id`,
      [server.serverId],
    );
    const secretId = hidden.rows[0]?.id as string;
    await setOverwrite(db, secretId, { role: server.serverId }, { deny: await bit(db, 'VIEW_CHANNEL') });
    const stranger = '99999999-9999-4999-8999-999999999999';
    await sendMessage(
      author,
      server.textChannelId,
      `${mention(reader)} ask <@${friend.profileId}> and <@&${roleId}> in <#${server.textChannelId}>, not <#${secretId}> or <@${stranger}>`,
    );
    const [got] = await waitFor(async () => {
      const messages = await push.messages(device);
      return messages.length > 0 && messages;
    });
    expect(got).toMatchObject({
      body: '@namer ask @Buddy and @Night Owls in #general, not #unknown-channel or @unknown-user',
    });
    await settled();
  });

  it('no push during the recipient’s quiet hours (in their time zone); the notification is still made', async () => {
    const sleeper = await member('sleeper');
    const device = await subscribe(sleeper);
    // A window around now, written in a zone far from UTC.
    await sleeper.api.query(
      `update public.user_settings
          set quiet_hours_enabled = true, quiet_hours_time_zone = 'Asia/Kathmandu',
              quiet_hours_start = ((now() at time zone 'Asia/Kathmandu') - interval '1 hour')::time,
              quiet_hours_end = ((now() at time zone 'Asia/Kathmandu') + interval '1 hour')::time
        where profile_id = $1`,
      [sleeper.profileId],
    );
    const asleep = await sendMessage(author, server.textChannelId, `shh ${mention(sleeper)}`);
    await settled();
    expect(await push.messages(device)).toEqual([]);
    const made = await db.query('select 1 from public.notifications where message_id = $1', [asleep.id]);
    expect(made.rowCount).toBe(1);
    // The window over (moved to later today), pushes come again.
    await sleeper.api.query(
      `update public.user_settings
          set quiet_hours_start = ((now() at time zone 'Asia/Kathmandu') + interval '1 hour')::time,
              quiet_hours_end = ((now() at time zone 'Asia/Kathmandu') + interval '2 hours')::time
        where profile_id = $1`,
      [sleeper.profileId],
    );
    await sendMessage(author, server.textChannelId, `awake ${mention(sleeper)}`);
    await waitFor(async () => (await push.messages(device)).length === 1);
    await settled();
  });

  it('@everyone and @here make no notification or push for a member who suppresses them in the server', async () => {
    const focused = await member('focused');
    const device = await subscribe(focused);
    await focused.api.query(
      `insert into public.server_notification_settings (profile_id, server_id, suppress_everyone) values ($1, $2, true)`,
      [focused.profileId, server.serverId],
    );
    const here = await sendMessage(author, server.textChannelId, '@here lunch?');
    await settled();
    const made = await db.query(
      'select 1 from public.notifications where message_id = $1 and recipient_id = $2',
      [here.id, focused.profileId],
    );
    expect(made.rowCount).toBe(0);
    // Suppressed after the notification was made, before its push: the job rechecks.
    await focused.api.query(
      'update public.server_notification_settings set suppress_everyone = false where profile_id = $1',
      [focused.profileId],
    );
    await db.query(`alter table public.notifications disable trigger notifications_enqueue_push`);
    await db.query(`alter table public.messages disable trigger messages_enqueue_everyone_push`);
    const everyone = await sendMessage(author, server.textChannelId, '@everyone release');
    await focused.api.query('select public.sync_mention_notifications()');
    await db.query(`alter table public.notifications enable trigger notifications_enqueue_push`);
    await db.query(`alter table public.messages enable trigger messages_enqueue_everyone_push`);
    await focused.api.query(
      'update public.server_notification_settings set suppress_everyone = true where profile_id = $1',
      [focused.profileId],
    );
    await db.query(
      `select private.enqueue_job('send-push', jsonb_build_object('notificationId', id), null)
         from public.notifications where message_id = $1 and recipient_id = $2`,
      [everyone.id, focused.profileId],
    );
    await settled();
    expect(await push.messages(device)).toEqual([]);
    expect(push.received.get(device.clientHash) ?? 0).toBe(0);
  });

  it('a subscription the push service reports gone (404 or 410) is removed; others stay', async () => {
    const user = await member('wanderer');
    const expired = await subscribe(user);
    const unknown = await subscribe(user);
    const kept = await subscribe(user);
    push.behave(expired, { status: 410 });
    push.behave(unknown, { status: 404 });
    await sendMessage(author, server.textChannelId, `ping ${mention(user)}`);
    await settled();
    const { rows } = await user.api.query<{ endpoint: string }>(
      'select endpoint from public.push_subscriptions',
    );
    expect(rows.map((r) => r.endpoint)).toEqual([kept.endpoint]);
    expect(await push.messages(kept)).toHaveLength(1);
  });

  it('a push service error retries the job later for the failed device only', async () => {
    const user = await member('retrier');
    const flaky = await subscribe(user);
    const fine = await subscribe(user);
    push.behave(flaky, { status: 503 });
    await sendMessage(author, server.textChannelId, `retry ${mention(user)}`);
    const job = await waitFor(async () => {
      const { rows } = await db.query<{ attempts: number; last_error: string }>(
        `select attempts, last_error from graphile_worker.jobs where task_identifier = 'send-push' and last_error is not null`,
      );
      return rows[0];
    });
    expect(job.last_error).toMatch(/push failed for 1 of 2 devices/);
    push.behave(flaky, 'deliver');
    await db.query('update graphile_worker._private_jobs set run_at = now()');
    await settled();
    expect(await push.messages(flaky)).toHaveLength(1);
    expect(await push.messages(fine)).toHaveLength(1);
    expect(push.received.get(fine.clientHash)).toBe(1);
  });
});
