import { randomUUID } from 'node:crypto';
import { createTestDatabase, type Session, type TestDatabase } from '@harmony/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bit,
  createRole,
  createUser,
  makeFriends,
  receives,
  rpc,
  seedCommunity,
  sendMessage,
  setOverwrite,
} from './fixtures.js';

// Broadcast from Database (migration 20261206002000_broadcast_events): what each change writes
// into realtime.messages (topic, event, payload), and who may receive a topic's rows.

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.close());

type Row = Record<string, unknown>;

interface Payload {
  id: string;
  operation: 'INSERT' | 'UPDATE' | 'DELETE';
  table: string;
  schema: string;
  record: Row | null;
  old_record: Row | null;
}

interface Broadcast {
  topic: string;
  event: string;
  extension: string;
  private: boolean;
  payload: Payload;
}

/**
 * The broadcasts written since the last call, as "<event> <topic>" sorted, plus the rows. Fires
 * the deferred channel triggers first (a rolled-back test transaction never reaches COMMIT).
 */
async function drain(tx: Session): Promise<{ events: string[]; rows: Broadcast[] }> {
  await tx.query('set constraints all immediate');
  await tx.query('set constraints broadcast_channel_insert, broadcast_channel_update deferred');
  const { rows } = await tx.query<Broadcast>(
    'delete from realtime.messages returning topic, event, extension, private, payload',
  );
  return { events: rows.map((r) => `${r.event} ${r.topic}`).sort(), rows };
}

/** The one broadcast of this event on this topic. */
function only(rows: Broadcast[], event: string, topic: string): Payload {
  const matching = rows.filter((r) => r.event === event && r.topic === topic);
  expect(matching, `${event} on ${topic}`).toHaveLength(1);
  return (matching[0] as Broadcast).payload;
}

const keys = (row: object | null) => Object.keys(row ?? {}).sort();

describe('every broadcast', () => {
  it('is a private broadcast row with broadcast_changes’ payload shape, written for a member acting through RLS', async () => {
    await db.rollback(async (tx) => {
      const { member, owner, server } = await seedCommunity(tx);
      await drain(tx);
      await sendMessage(member, server.textChannelId, `hi <@${owner.profileId}>`);
      const { rows } = await drain(tx);
      expect(rows.length).toBe(3);
      for (const row of rows) {
        expect(row.private).toBe(true);
        expect(row.extension).toBe('broadcast');
        expect(keys(row.payload)).toEqual(['id', 'old_record', 'operation', 'record', 'schema', 'table']);
        expect(row.payload.schema).toBe('public');
      }
    });
  });
});

describe('channel topics', () => {
  it('a message in a channel every member sees: whole on the channel topic, unread_message without content on the server topic', async () => {
    await db.rollback(async (tx) => {
      const { member, server } = await seedCommunity(tx);
      await drain(tx);
      const sent = await sendMessage(member, server.textChannelId, 'hello world', { nonce: 'n-1' });
      const { events, rows } = await drain(tx);
      expect(events).toEqual([
        `message_create channel:${server.textChannelId}`,
        `unread_message server:${server.serverId}`,
      ]);

      const created = only(rows, 'message_create', `channel:${server.textChannelId}`);
      expect(created).toMatchObject({ operation: 'INSERT', table: 'messages', old_record: null });
      expect(created.record).toMatchObject({
        id: sent.id,
        channel_id: server.textChannelId,
        seq: 1,
        author_id: member.profileId,
        content: 'hello world',
        nonce: 'n-1',
        deleted_at: null,
      });
      expect(created.record).not.toHaveProperty('search_vector');

      const unread = only(rows, 'unread_message', `server:${server.serverId}`);
      expect(unread.table).toBe('messages');
      expect(keys(unread.record)).toEqual([
        'author_id',
        'channel_id',
        'created_at',
        'id',
        'mention_everyone',
        'mention_profile_ids',
        'mention_role_ids',
        'seq',
        'type',
      ]);
      expect(unread.record).toMatchObject({ id: sent.id, seq: 1, author_id: member.profileId });
    });
  });

  it('a message in a restricted channel goes to its channel topic only', async () => {
    await db.rollback(async (tx) => {
      const { owner, moderator, modRoleId, server } = await seedCommunity(tx);
      const view = await bit(tx, 'VIEW_CHANNEL');
      await setOverwrite(tx, server.textChannelId, { role: server.everyoneRoleId }, { deny: view });
      await setOverwrite(tx, server.textChannelId, { role: modRoleId }, { allow: view });
      await drain(tx);
      await sendMessage(owner, server.textChannelId, 'mods only');
      expect((await drain(tx)).events).toEqual([`message_create channel:${server.textChannelId}`]);

      // A deny for one member is enough to keep the server topic out of it.
      await tx.query('delete from public.channel_overwrites');
      await setOverwrite(tx, server.textChannelId, { member: moderator.profileId }, { deny: view });
      await drain(tx);
      await sendMessage(owner, server.textChannelId, 'not for the moderator');
      expect((await drain(tx)).events).toEqual([`message_create channel:${server.textChannelId}`]);
    });
  });

  it('a DM message goes to the DM topic; the recipient hears of it by notification and by their reopened DM', async () => {
    await db.rollback(async (tx) => {
      const ada = await createUser(tx, 'ada');
      const bob = await createUser(tx, 'bob');
      await makeFriends(tx, ada, bob);
      const dm = await rpc<string>(ada.api, 'open_dm', bob.profileId);
      await drain(tx);
      await sendMessage(ada, dm, 'hi bob');
      const { events, rows } = await drain(tx);
      expect(events).toEqual([
        `message_create channel:${dm}`,
        `notification_create user:${bob.profileId}`,
        `recipient_update user:${bob.profileId}`,
      ]);
      expect(only(rows, 'recipient_update', `user:${bob.profileId}`).record).toMatchObject({
        channel_id: dm,
        profile_id: bob.profileId,
        closed: false,
      });
    });
  });

  it('edits, pins and deletions: one event each, the message whole and its key in old_record', async () => {
    await db.rollback(async (tx) => {
      const { owner, member, server } = await seedCommunity(tx);
      const topic = `channel:${server.textChannelId}`;
      const sent = await sendMessage(member, server.textChannelId, 'first');
      const key = { id: sent.id, channel_id: server.textChannelId, seq: sent.seq };
      await drain(tx);

      await member.api.query('update public.messages set content = $2 where id = $1', [sent.id, 'edited']);
      let { events, rows } = await drain(tx);
      expect(events).toEqual([`message_update ${topic}`]);
      const edited = only(rows, 'message_update', topic);
      expect(edited).toMatchObject({ operation: 'UPDATE', old_record: key });
      expect(edited.record).toMatchObject({ content: 'edited' });
      expect(edited.record?.edited_at).not.toBeNull();

      // Pinning also posts the pinner's pin_notice line, a new message like any other.
      await rpc(owner.api, 'pin_message', sent.id);
      ({ events, rows } = await drain(tx));
      expect(events).toEqual([
        `message_create ${topic}`,
        `message_pin ${topic}`,
        `unread_message server:${server.serverId}`,
      ]);
      expect(only(rows, 'message_create', topic).record).toMatchObject({ type: 'pin_notice' });
      expect(only(rows, 'message_pin', topic).record).toMatchObject({ pinned_by: owner.profileId });
      await rpc(owner.api, 'unpin_message', sent.id);
      ({ events, rows } = await drain(tx));
      expect(events).toEqual([`message_pin ${topic}`]);
      expect(only(rows, 'message_pin', topic).record).toMatchObject({ pinned_at: null, pinned_by: null });

      // The soft delete also removes the reactions: message_delete stands for them.
      await member.api.query(`insert into public.message_reactions (message_id, emoji) values ($1, '👍')`, [
        sent.id,
      ]);
      await drain(tx);
      await rpc(member.api, 'delete_message', sent.id);
      ({ events, rows } = await drain(tx));
      expect(events).toEqual([`message_delete ${topic}`]);
      const deleted = only(rows, 'message_delete', topic);
      expect(deleted).toMatchObject({ operation: 'UPDATE', old_record: key });
      expect(deleted.record).toMatchObject({ id: sent.id, content: '', attachments: [] });
      expect(deleted.record?.deleted_at).not.toBeNull();

      // A hard delete (the service or an operator) carries ids only.
      const other = await sendMessage(member, server.textChannelId, 'second');
      await drain(tx);
      await tx.query('delete from public.messages where id = $1', [other.id]);
      ({ events, rows } = await drain(tx));
      expect(events).toEqual([`message_delete ${topic}`]);
      expect(only(rows, 'message_delete', topic)).toMatchObject({
        operation: 'DELETE',
        record: null,
        old_record: { id: other.id, channel_id: server.textChannelId, seq: other.seq },
      });

      // Clearing the author (their profile was deleted) changes nothing a client shows.
      const third = await sendMessage(member, server.textChannelId, 'third');
      await drain(tx);
      await tx.query('update public.messages set author_id = null where id = $1', [third.id]);
      expect((await drain(tx)).events).toEqual([]);
    });
  });

  it('reactions added and removed, with their channel', async () => {
    await db.rollback(async (tx) => {
      const { owner, member, server } = await seedCommunity(tx);
      const topic = `channel:${server.textChannelId}`;
      const sent = await sendMessage(owner, server.textChannelId, 'react to me');
      await drain(tx);

      await member.api.query(`insert into public.message_reactions (message_id, emoji) values ($1, '🎉')`, [
        sent.id,
      ]);
      let { events, rows } = await drain(tx);
      expect(events).toEqual([`reaction_create ${topic}`]);
      const added = only(rows, 'reaction_create', topic);
      expect(added).toMatchObject({ operation: 'INSERT', table: 'message_reactions', old_record: null });
      expect(added.record).toMatchObject({
        message_id: sent.id,
        channel_id: server.textChannelId,
        profile_id: member.profileId,
        emoji: '🎉',
      });

      await rpc(owner.api, 'remove_reaction', sent.id, '🎉', member.profileId);
      ({ events, rows } = await drain(tx));
      expect(events).toEqual([`reaction_delete ${topic}`]);
      expect(only(rows, 'reaction_delete', topic)).toMatchObject({
        operation: 'DELETE',
        record: null,
        old_record: {
          message_id: sent.id,
          channel_id: server.textChannelId,
          profile_id: member.profileId,
          emoji: '🎉',
        },
      });
    });
  });

  it('a deleted channel takes its messages, reactions and read markers along without an event each', async () => {
    await db.rollback(async (tx) => {
      const { owner, member, server } = await seedCommunity(tx);
      for (let i = 0; i < 3; i++) {
        const sent = await sendMessage(member, server.textChannelId, `message ${i}`);
        await owner.api.query(`insert into public.message_reactions (message_id, emoji) values ($1, '👍')`, [
          sent.id,
        ]);
      }
      await rpc(owner.api, 'mark_channel_read', server.textChannelId, null);
      await drain(tx);
      await rpc(owner.api, 'delete_channel', server.textChannelId);
      const { events, rows } = await drain(tx);
      expect(events).toEqual([`channel_delete server:${server.serverId}`]);
      expect(only(rows, 'channel_delete', `server:${server.serverId}`)).toMatchObject({
        operation: 'DELETE',
        record: null,
        old_record: { id: server.textChannelId, server_id: server.serverId, name: 'general' },
      });
    });
  });
});

describe('channels on the server topic', () => {
  it('a channel every member sees: created, changed, moved and deleted, whole', async () => {
    await db.rollback(async (tx) => {
      const { owner, server } = await seedCommunity(tx);
      const topic = `server:${server.serverId}`;
      await drain(tx);

      const created = await rpc<string>(
        owner.api,
        'create_channel',
        server.serverId,
        'News',
        'text',
        null,
        null,
      );
      let { events, rows } = await drain(tx);
      expect(events).toEqual([`channel_create ${topic}`]);
      expect(only(rows, 'channel_create', topic)).toMatchObject({
        operation: 'INSERT',
        table: 'channels',
        record: { id: created, server_id: server.serverId, name: 'news', type: 'text' },
        old_record: null,
      });

      await rpc(owner.api, 'update_channel', created, 'updates', 'what is new', null, null, null, null);
      ({ events, rows } = await drain(tx));
      expect(events).toEqual([`channel_update ${topic}`]);
      expect(only(rows, 'channel_update', topic)).toMatchObject({
        operation: 'UPDATE',
        record: { id: created, name: 'updates', topic: 'what is new' },
        old_record: { id: created, server_id: server.serverId },
      });

      // Nothing changed: nothing sent (updated_at alone does not count).
      await rpc(owner.api, 'update_channel', created, null, null, null, null, null, null);
      expect((await drain(tx)).events).toEqual([]);

      // A move: one update per channel whose position changed.
      await rpc(owner.api, 'reorder_channels', server.serverId, [
        created,
        server.textChannelId,
        server.voiceChannelId,
      ]);
      ({ events } = await drain(tx));
      expect(events).toEqual([
        `channel_update ${topic}`,
        `channel_update ${topic}`,
        `channel_update ${topic}`,
      ]);

      await rpc(owner.api, 'delete_channel', created);
      ({ events, rows } = await drain(tx));
      expect(events).toEqual([`channel_delete ${topic}`]);
      expect(only(rows, 'channel_delete', topic).old_record).toMatchObject({ id: created, name: 'updates' });
    });
  });

  it('a restricted channel never shows on the server topic: its creation is an id-less access_update, its changes go to its own topic', async () => {
    await db.rollback(async (tx) => {
      const { owner, modRoleId, server } = await seedCommunity(tx);
      const view = await bit(tx, 'VIEW_CHANNEL');
      const topic = `server:${server.serverId}`;
      await drain(tx);

      // Created and restricted in one transaction: judged at commit, with its overwrites.
      const secret = randomUUID();
      await tx.query(
        `insert into public.channels (id, server_id, type, name) values ('${secret}', '${server.serverId}', 'text', 'staff-secrets');
         insert into public.channel_overwrites (channel_id, target_type, target_id, deny)
         values ('${secret}', 'role', '${server.everyoneRoleId}', ${view});
         insert into public.channel_overwrites (channel_id, target_type, target_id, allow)
         values ('${secret}', 'role', '${modRoleId}', ${view});`,
      );
      let { events, rows } = await drain(tx);
      // One for the channel, one for each overwrite statement.
      expect(events).toEqual([`access_update ${topic}`, `access_update ${topic}`, `access_update ${topic}`]);
      for (const row of rows) {
        expect(row.payload.record).toEqual({ server_id: server.serverId });
        expect(JSON.stringify(row.payload)).not.toContain(secret);
        expect(JSON.stringify(row.payload)).not.toContain('staff-secrets');
      }

      await rpc(owner.api, 'update_channel', secret, 'staff-only', null, null, null, null, null);
      ({ events, rows } = await drain(tx));
      expect(events).toEqual([`channel_update channel:${secret}`]);
      expect(only(rows, 'channel_update', `channel:${secret}`).record).toMatchObject({ name: 'staff-only' });

      await rpc(owner.api, 'delete_channel', secret);
      ({ events, rows } = await drain(tx));
      expect(events).toEqual([`access_update ${topic}`, `channel_delete channel:${secret}`]);
      expect(JSON.stringify(only(rows, 'access_update', topic))).not.toContain(secret);
    });
  });

  it('overwrite changes: one id-less access_update per server and statement', async () => {
    await db.rollback(async (tx) => {
      const { owner, member, server } = await seedCommunity(tx);
      const topic = `server:${server.serverId}`;
      const view = await bit(tx, 'VIEW_CHANNEL');
      const helpers = await createRole(tx, server.serverId, {
        name: 'Helpers',
        permissions: 0n,
        position: 2,
      });
      await tx.query('insert into public.member_roles (server_id, profile_id, role_id) values ($1, $2, $3)', [
        server.serverId,
        member.profileId,
        helpers,
      ]);
      await drain(tx);

      await rpc(
        owner.api,
        'set_channel_overwrite',
        server.textChannelId,
        'member',
        member.profileId,
        0,
        view,
      );
      let { events, rows } = await drain(tx);
      expect(events).toEqual([`access_update ${topic}`]);
      expect(only(rows, 'access_update', topic)).toMatchObject({
        table: 'channel_overwrites',
        record: { server_id: server.serverId },
      });
      await rpc(
        owner.api,
        'set_channel_overwrite',
        server.textChannelId,
        'member',
        member.profileId,
        view,
        0,
      );
      expect((await drain(tx)).events).toEqual([`access_update ${topic}`]);
      await rpc(owner.api, 'delete_channel_overwrite', server.textChannelId, 'member', member.profileId);
      expect((await drain(tx)).events).toEqual([`access_update ${topic}`]);

      // Deleting a role takes its overwrites (two channels) and its holder along: role_delete
      // and one access_update, not one event per overwrite and holder.
      await setOverwrite(tx, server.textChannelId, { role: helpers }, { allow: view });
      await setOverwrite(tx, server.voiceChannelId, { role: helpers }, { allow: view });
      await drain(tx);
      await rpc(owner.api, 'delete_role', helpers);
      ({ events } = await drain(tx));
      expect(events).toEqual([`access_update ${topic}`, `role_delete ${topic}`]);
    });
  });
});

describe('server topics', () => {
  it('roles and categories: whole rows', async () => {
    await db.rollback(async (tx) => {
      const { owner, server } = await seedCommunity(tx);
      const topic = `server:${server.serverId}`;
      await drain(tx);

      const role = await rpc<string>(owner.api, 'create_role', server.serverId, 'Artists', 0, 0xff0000);
      let { events, rows } = await drain(tx);
      expect(events).toEqual([`role_create ${topic}`]);
      expect(only(rows, 'role_create', topic)).toMatchObject({
        operation: 'INSERT',
        table: 'roles',
        record: { id: role, server_id: server.serverId, name: 'Artists', color: 0xff0000 },
        old_record: null,
      });

      await rpc(owner.api, 'update_role', role, 'Painters', null, null, true, null);
      ({ events, rows } = await drain(tx));
      expect(events).toEqual([`role_update ${topic}`]);
      expect(only(rows, 'role_update', topic)).toMatchObject({
        record: { id: role, name: 'Painters', hoist: true },
        old_record: { id: role, name: 'Artists', hoist: false },
      });

      await rpc(owner.api, 'delete_role', role);
      ({ events, rows } = await drain(tx));
      expect(events).toEqual([`role_delete ${topic}`]);
      expect(only(rows, 'role_delete', topic)).toMatchObject({ record: null, old_record: { id: role } });

      const category = await rpc<string>(owner.api, 'create_category', server.serverId, 'Projects');
      ({ events, rows } = await drain(tx));
      expect(events).toEqual([`category_create ${topic}`]);
      expect(only(rows, 'category_create', topic).record).toMatchObject({ id: category, name: 'Projects' });
      await rpc(owner.api, 'update_category', category, null, 7);
      ({ events, rows } = await drain(tx));
      expect(events).toEqual([`category_update ${topic}`]);
      expect(only(rows, 'category_update', topic).record).toMatchObject({ id: category, position: 7 });

      // Its channels become uncategorised: each says so.
      await rpc(owner.api, 'update_channel', server.textChannelId, null, null, null, null, category, null);
      await drain(tx);
      await rpc(owner.api, 'delete_category', category);
      ({ events, rows } = await drain(tx));
      expect(events).toEqual([`category_delete ${topic}`, `channel_update ${topic}`]);
      expect(only(rows, 'channel_update', topic).record).toMatchObject({
        id: server.textChannelId,
        category_id: null,
      });
    });
  });

  it('the server changed, handed over and deleted: a deleted server sends server_delete and nothing else', async () => {
    await db.rollback(async (tx) => {
      const { owner, member, server } = await seedCommunity(tx);
      const topic = `server:${server.serverId}`;
      await sendMessage(member, server.textChannelId, 'hello');
      await drain(tx);

      await rpc(owner.api, 'update_server', server.serverId, 'Renamed', null, null, null, null, null);
      let { events, rows } = await drain(tx);
      expect(events).toEqual([`server_update ${topic}`]);
      expect(only(rows, 'server_update', topic)).toMatchObject({
        operation: 'UPDATE',
        table: 'servers',
        record: { id: server.serverId, name: 'Renamed' },
        old_record: { id: server.serverId, name: 'Test server' },
      });

      await rpc(owner.api, 'transfer_server_ownership', server.serverId, member.profileId);
      ({ events, rows } = await drain(tx));
      expect(events).toEqual([`server_update ${topic}`]);
      expect(only(rows, 'server_update', topic).record).toMatchObject({ owner_id: member.profileId });

      await rpc(member.api, 'delete_server', server.serverId);
      ({ events, rows } = await drain(tx));
      expect(events).toEqual([`server_delete ${topic}`]);
      expect(only(rows, 'server_delete', topic)).toMatchObject({
        record: null,
        old_record: { id: server.serverId },
      });
    });
  });

  it('members: the server topic sees joins, changes and departures without private settings; the member’s own topic sees their whole row', async () => {
    await db.rollback(async (tx) => {
      const { owner, moderator, member, stranger, server } = await seedCommunity(tx);
      const topic = `server:${server.serverId}`;
      const code = await rpc<string>(owner.api, 'create_invite', server.serverId, null, 86400, null);
      await drain(tx);

      await rpc(stranger.api, 'join_server_by_invite', code);
      let { events, rows } = await drain(tx);
      expect(events).toEqual([
        `member_create ${topic}`,
        `member_create user:${stranger.profileId}`,
        `message_create channel:${server.textChannelId}`,
        `unread_message ${topic}`,
      ]);
      expect(keys(only(rows, 'member_create', topic).record)).toEqual([
        'joined_at',
        'nickname',
        'profile_id',
        'server_id',
        'temporary',
        'timed_out_until',
        'voice_deafened',
        'voice_muted',
      ]);
      expect(only(rows, 'member_create', `user:${stranger.profileId}`).record).toMatchObject({
        server_id: server.serverId,
        profile_id: stranger.profileId,
        temporary: false,
      });

      await rpc(stranger.api, 'set_nickname', server.serverId, stranger.profileId, 'Newbie');
      ({ events, rows } = await drain(tx));
      expect(events).toEqual([`member_update ${topic}`, `member_update user:${stranger.profileId}`]);
      expect(only(rows, 'member_update', topic)).toMatchObject({
        record: { nickname: 'Newbie' },
        old_record: { server_id: server.serverId, profile_id: stranger.profileId },
      });

      // A private setting: the member's own devices only.
      await stranger.api.query(
        `insert into public.server_notification_settings (profile_id, server_id, level, muted_until)
         values ($1, $2, 'nothing', 'infinity')`,
        [stranger.profileId, server.serverId],
      );
      ({ events, rows } = await drain(tx));
      expect(events).toEqual([`notification_settings_update user:${stranger.profileId}`]);
      expect(only(rows, 'notification_settings_update', `user:${stranger.profileId}`).record).toMatchObject({
        level: 'nothing',
        muted_until: 'infinity',
      });

      await rpc(moderator.api, 'timeout_member', server.serverId, member.profileId, 3600, null);
      ({ events, rows } = await drain(tx));
      expect(events).toEqual([`member_update ${topic}`, `member_update user:${member.profileId}`]);
      expect(only(rows, 'member_update', topic).record?.timed_out_until).not.toBeNull();

      await rpc(stranger.api, 'leave_server', server.serverId);
      ({ events, rows } = await drain(tx));
      expect(events).toEqual([`member_delete ${topic}`, `member_delete user:${stranger.profileId}`]);
      const key = { server_id: server.serverId, profile_id: stranger.profileId };
      expect(only(rows, 'member_delete', topic)).toMatchObject({ operation: 'DELETE', record: null });
      expect(only(rows, 'member_delete', topic).old_record).toEqual(key);
      expect(only(rows, 'member_delete', `user:${stranger.profileId}`).old_record).toEqual({
        ...key,
        banned: false,
      });

      await rpc(moderator.api, 'ban_member', server.serverId, member.profileId, 'spam', 0);
      ({ events, rows } = await drain(tx));
      expect(events).toEqual([`member_delete ${topic}`, `member_delete user:${member.profileId}`]);
      expect(only(rows, 'member_delete', `user:${member.profileId}`).old_record).toMatchObject({
        banned: true,
      });
    });
  });

  it('member roles: to the server topic and the member’s own; none when the membership goes', async () => {
    await db.rollback(async (tx) => {
      const { owner, member, server } = await seedCommunity(tx);
      const role = await createRole(tx, server.serverId, { name: 'Regulars', permissions: 0n, position: 1 });
      await drain(tx);

      await rpc(owner.api, 'assign_role', server.serverId, member.profileId, role);
      let { events, rows } = await drain(tx);
      expect(events).toEqual([
        `member_role_create server:${server.serverId}`,
        `member_role_create user:${member.profileId}`,
      ]);
      const link = { server_id: server.serverId, profile_id: member.profileId, role_id: role };
      expect(only(rows, 'member_role_create', `user:${member.profileId}`)).toMatchObject({
        operation: 'INSERT',
        table: 'member_roles',
        record: link,
      });

      await rpc(owner.api, 'remove_role', server.serverId, member.profileId, role);
      ({ events, rows } = await drain(tx));
      expect(events).toEqual([
        `member_role_delete server:${server.serverId}`,
        `member_role_delete user:${member.profileId}`,
      ]);
      expect(only(rows, 'member_role_delete', `server:${server.serverId}`)).toMatchObject({
        record: null,
        old_record: link,
      });

      await rpc(owner.api, 'assign_role', server.serverId, member.profileId, role);
      await drain(tx);
      await rpc(owner.api, 'kick_member', server.serverId, member.profileId, null);
      ({ events } = await drain(tx));
      expect(events).toEqual([
        `member_delete server:${server.serverId}`,
        `member_delete user:${member.profileId}`,
      ]);
    });
  });
});

describe('user topics', () => {
  it('notifications: new ones whole; read and dismissed ones as ids, one event per recipient and statement', async () => {
    await db.rollback(async (tx) => {
      const { owner, member, server } = await seedCommunity(tx);
      const topic = `user:${owner.profileId}`;
      await drain(tx);

      const first = await sendMessage(member, server.textChannelId, `hey <@${owner.profileId}>`);
      let { rows } = await drain(tx);
      expect(only(rows, 'notification_create', topic)).toMatchObject({
        operation: 'INSERT',
        table: 'notifications',
        record: { recipient_id: owner.profileId, type: 'mention', message_id: first.id, read_at: null },
        old_record: null,
      });
      await sendMessage(member, server.textChannelId, `again <@${owner.profileId}>`);
      await drain(tx);

      const { rows: ids } = await tx.query<{ id: string }>(
        'select id from public.notifications where recipient_id = $1 order by id',
        [owner.profileId],
      );
      expect(await rpc(owner.api, 'mark_notifications_read', null)).toBe(2);
      let events: string[];
      ({ events, rows } = await drain(tx));
      expect(events).toEqual([`notification_update ${topic}`]);
      const read = only(rows, 'notification_update', topic);
      expect(read).toMatchObject({ operation: 'UPDATE', old_record: null });
      expect(read.record?.ids).toEqual(ids.map((r) => r.id));
      expect(read.record?.read_at).not.toBeNull();

      await owner.api.query('delete from public.notifications where recipient_id = $1', [owner.profileId]);
      ({ events, rows } = await drain(tx));
      expect(events).toEqual([`notification_delete ${topic}`]);
      expect(only(rows, 'notification_delete', topic)).toMatchObject({
        operation: 'DELETE',
        record: null,
        old_record: { ids: ids.map((r) => r.id) },
      });
    });
  });

  it('a deleted message’s notifications: one notification_delete per recipient', async () => {
    await db.rollback(async (tx) => {
      const { owner, moderator, member, server } = await seedCommunity(tx);
      const sent = await sendMessage(
        member,
        server.textChannelId,
        `<@${owner.profileId}> <@${moderator.profileId}> look`,
      );
      await drain(tx);
      await rpc(member.api, 'delete_message', sent.id);
      const { events } = await drain(tx);
      expect(events).toEqual(
        [
          `message_delete channel:${server.textChannelId}`,
          `notification_delete user:${moderator.profileId}`,
          `notification_delete user:${owner.profileId}`,
        ].sort(),
      );
    });
  });

  it('read markers: read_state_update when the marker moves, nothing when it does not', async () => {
    await db.rollback(async (tx) => {
      const { owner, member, server } = await seedCommunity(tx);
      const topic = `user:${owner.profileId}`;
      await sendMessage(member, server.textChannelId, 'one');
      await sendMessage(member, server.textChannelId, 'two');
      await drain(tx);

      await rpc(owner.api, 'mark_channel_read', server.textChannelId, 1);
      let { events, rows } = await drain(tx);
      expect(events).toEqual([`read_state_update ${topic}`]);
      expect(only(rows, 'read_state_update', topic)).toMatchObject({
        operation: 'INSERT',
        table: 'read_states',
        record: { profile_id: owner.profileId, channel_id: server.textChannelId, last_read_seq: 1 },
      });
      await rpc(owner.api, 'mark_channel_read', server.textChannelId, null);
      ({ events, rows } = await drain(tx));
      expect(events).toEqual([`read_state_update ${topic}`]);
      expect(only(rows, 'read_state_update', topic)).toMatchObject({
        operation: 'UPDATE',
        record: { last_read_seq: 2 },
        old_record: { last_read_seq: 1 },
      });
      await rpc(owner.api, 'mark_channel_read', server.textChannelId, 1);
      expect((await drain(tx)).events).toEqual([]);
    });
  });

  it('DMs: recipients added and removed reach every recipient, closing one’s own DM only oneself, group DM changes each member', async () => {
    await db.rollback(async (tx) => {
      const ada = await createUser(tx, 'ada');
      const bob = await createUser(tx, 'bob');
      const cy = await createUser(tx, 'cy');
      await makeFriends(tx, ada, bob);
      await makeFriends(tx, ada, cy);
      await drain(tx);

      const dm = await rpc<string>(ada.api, 'open_dm', bob.profileId);
      let { events, rows } = await drain(tx);
      expect(events).toEqual(
        [
          `recipient_create user:${ada.profileId}`,
          `recipient_create user:${ada.profileId}`,
          `recipient_create user:${bob.profileId}`,
          `recipient_create user:${bob.profileId}`,
        ].sort(),
      );
      expect(
        rows.every((r) => r.payload.table === 'channel_recipients' && r.payload.record?.channel_id === dm),
      ).toBe(true);

      await rpc(ada.api, 'close_dm', dm);
      ({ events } = await drain(tx));
      expect(events).toEqual([`recipient_update user:${ada.profileId}`]);

      const group = await rpc<string>(ada.api, 'create_group_dm', [bob.profileId, cy.profileId], 'Trio');
      ({ events } = await drain(tx));
      expect(events).toHaveLength(9);
      for (const person of [ada, bob, cy])
        expect(events.filter((e) => e === `recipient_create user:${person.profileId}`)).toHaveLength(3);

      // The owner leaves: everyone hears of it, and the two left see the new owner.
      await rpc(ada.api, 'leave_group_dm', group);
      ({ events, rows } = await drain(tx));
      expect(events).toEqual(
        [
          `channel_update user:${bob.profileId}`,
          `channel_update user:${cy.profileId}`,
          `recipient_delete user:${ada.profileId}`,
          `recipient_delete user:${bob.profileId}`,
          `recipient_delete user:${cy.profileId}`,
        ].sort(),
      );
      expect(only(rows, 'channel_update', `user:${bob.profileId}`).record).toMatchObject({
        id: group,
        name: 'Trio',
        owner_id: expect.any(String),
      });
      expect(only(rows, 'recipient_delete', `user:${cy.profileId}`)).toMatchObject({
        record: null,
        old_record: { channel_id: group, profile_id: ada.profileId },
      });
    });
  });

  it('friend requests and friendships reach both people', async () => {
    await db.rollback(async (tx) => {
      const ada = await createUser(tx, 'ada');
      const bob = await createUser(tx, 'bob');
      await drain(tx);

      expect(await rpc(ada.api, 'send_friend_request', bob.username)).toBe('pending');
      let { events, rows } = await drain(tx);
      expect(events).toEqual(
        [
          `friend_request_create user:${ada.profileId}`,
          `friend_request_create user:${bob.profileId}`,
          `notification_create user:${bob.profileId}`,
        ].sort(),
      );
      const request = only(rows, 'friend_request_create', `user:${bob.profileId}`).record as Row;
      expect(request).toMatchObject({ sender_id: ada.profileId, recipient_id: bob.profileId });

      await rpc(bob.api, 'accept_friend_request', request.id);
      ({ events } = await drain(tx));
      expect(events).toEqual(
        [
          `friend_request_delete user:${ada.profileId}`,
          `friend_request_delete user:${bob.profileId}`,
          `friendship_create user:${ada.profileId}`,
          `friendship_create user:${bob.profileId}`,
          `notification_create user:${ada.profileId}`,
          // Bob's notification of the request is read now (20261207030000).
          `notification_update user:${bob.profileId}`,
        ].sort(),
      );
    });
  });
});

describe('profile changes (migration 20261207020000_profile_broadcasts)', () => {
  it('a new name or picture reaches the servers, friends, requests and DMs of the person, once each; presence sends nothing', async () => {
    await db.rollback(async (tx) => {
      const { member, owner, moderator, stranger, server } = await seedCommunity(tx);
      const friend = await createUser(tx, 'friend');
      const asker = await createUser(tx, 'asker');
      const dmPartner = await createUser(tx, 'dmpartner');
      await makeFriends(tx, member, friend);
      await makeFriends(tx, member, dmPartner);
      expect(await rpc(asker.api, 'send_friend_request', member.username)).toBe('pending');
      await rpc(member.api, 'open_dm', dmPartner.profileId);
      await drain(tx);

      await member.api.query(
        `update public.profiles set display_name = 'Memb Er', avatar_url = 'https://cdn.test/a.png'
          where id = $1`,
        [member.profileId],
      );
      const { events, rows } = await drain(tx);
      expect(events).toEqual(
        [
          `profile_update server:${server.serverId}`,
          `profile_update user:${member.profileId}`,
          `profile_update user:${friend.profileId}`,
          `profile_update user:${asker.profileId}`,
          `profile_update user:${dmPartner.profileId}`,
        ].sort(),
      );
      // Not to people who share nothing with them, nor to each co-member's own topic.
      for (const other of [stranger, owner, moderator])
        expect(events).not.toContain(`profile_update user:${other.profileId}`);
      const { record } = only(rows, 'profile_update', `server:${server.serverId}`);
      expect(record).toMatchObject({
        id: member.profileId,
        username: member.username,
        display_name: 'Memb Er',
        avatar_url: 'https://cdn.test/a.png',
      });
      expect(record).not.toHaveProperty('status');
      expect(record).not.toHaveProperty('last_seen_at');

      // Presence columns and unchanged values are not profile changes.
      await tx.query(
        `update public.profiles set status = 'online', last_seen_at = now(), display_name = 'Memb Er'
          where id = $1`,
        [member.profileId],
      );
      expect((await drain(tx)).events).toEqual([]);
    });
  });
});

describe('who receives a topic (realtime.messages SELECT policies, checked as Realtime does at join)', () => {
  it('channel topics: members who see the channel; not those it is hidden from, outsiders, anon, the kicked or the banned', async () => {
    await db.rollback(async (tx) => {
      const { owner, moderator, member, stranger, modRoleId, server } = await seedCommunity(tx);
      const view = await bit(tx, 'VIEW_CHANNEL');
      const open = `channel:${server.textChannelId}`;
      const restricted = `channel:${server.voiceChannelId}`;
      await setOverwrite(tx, server.voiceChannelId, { role: server.everyoneRoleId }, { deny: view });
      await setOverwrite(tx, server.voiceChannelId, { role: modRoleId }, { allow: view });

      expect(await receives(tx, member.api, open)).toBe(true);
      expect(await receives(tx, owner.api, restricted)).toBe(true);
      expect(await receives(tx, moderator.api, restricted)).toBe(true);
      expect(await receives(tx, member.api, restricted)).toBe(false);
      expect(await receives(tx, stranger.api, open)).toBe(false);
      expect(await receives(tx, tx.asAnon(), open)).toBe(false);

      await rpc(owner.api, 'kick_member', server.serverId, member.profileId, null);
      expect(await receives(tx, member.api, open)).toBe(false);
      await rpc(owner.api, 'ban_member', server.serverId, moderator.profileId, null, 0);
      expect(await receives(tx, moderator.api, restricted)).toBe(false);
      expect(await receives(tx, moderator.api, open)).toBe(false);
    });
  });

  it('DM topics: their recipients only', async () => {
    await db.rollback(async (tx) => {
      const ada = await createUser(tx, 'ada');
      const bob = await createUser(tx, 'bob');
      const eve = await createUser(tx, 'eve');
      await makeFriends(tx, ada, bob);
      const dm = await rpc<string>(ada.api, 'open_dm', bob.profileId);
      expect(await receives(tx, ada.api, `channel:${dm}`)).toBe(true);
      expect(await receives(tx, bob.api, `channel:${dm}`)).toBe(true);
      expect(await receives(tx, eve.api, `channel:${dm}`)).toBe(false);
      expect(await receives(tx, tx.asAnon(), `channel:${dm}`)).toBe(false);
    });
  });

  it('server topics: members only; not outsiders, anon, the kicked or the banned', async () => {
    await db.rollback(async (tx) => {
      const { owner, moderator, member, stranger, server } = await seedCommunity(tx);
      const topic = `server:${server.serverId}`;
      expect(await receives(tx, owner.api, topic)).toBe(true);
      expect(await receives(tx, member.api, topic)).toBe(true);
      expect(await receives(tx, stranger.api, topic)).toBe(false);
      expect(await receives(tx, tx.asAnon(), topic)).toBe(false);
      await rpc(owner.api, 'kick_member', server.serverId, member.profileId, null);
      expect(await receives(tx, member.api, topic)).toBe(false);
      await rpc(owner.api, 'ban_member', server.serverId, moderator.profileId, null, 0);
      expect(await receives(tx, moderator.api, topic)).toBe(false);
    });
  });

  it('user topics: oneself only', async () => {
    await db.rollback(async (tx) => {
      const { owner, member } = await seedCommunity(tx);
      expect(await receives(tx, member.api, `user:${member.profileId}`)).toBe(true);
      expect(await receives(tx, owner.api, `user:${member.profileId}`)).toBe(false);
      expect(await receives(tx, tx.asAnon(), `user:${member.profileId}`)).toBe(false);
    });
  });

  it('a reader authorised for one topic sees no row of another topic', async () => {
    await db.rollback(async (tx) => {
      const { owner, member, server } = await seedCommunity(tx);
      const view = await bit(tx, 'VIEW_CHANNEL');
      await setOverwrite(tx, server.textChannelId, { member: member.profileId }, { deny: view });
      await sendMessage(owner, server.textChannelId, 'not for the member');
      await sendMessage(owner, server.textChannelId, `hi <@${owner.profileId}>`);
      // The member may join their own topic, and with it set asks for every row there is.
      const results = (await member.api.query(
        `select set_config('realtime.topic', 'user:${member.profileId}', true);
         select topic from realtime.messages where topic <> 'user:${member.profileId}'`,
      )) as unknown as Array<{ rows: { topic: string }[] }>;
      expect(results[1]?.rows).toEqual([]);
    });
  });
});

describe('the trigger functions', () => {
  it('are SECURITY DEFINER with an empty search_path, and no API role may execute them', async () => {
    const { rows } = await db.query<{
      fn: string;
      trigger: boolean;
      definer: boolean;
      config: string[];
      callers: string[];
    }>(
      `select p.oid::regprocedure::text as fn, p.prorettype = 'trigger'::regtype as trigger,
              p.prosecdef as definer, p.proconfig as config,
              array(select r from unnest(array['public', 'anon', 'authenticated', 'service_role']) r
                     where case when r = 'public'
                                then exists (select 1 from aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a
                                              where a.grantee = 0 and a.privilege_type = 'EXECUTE')
                                else has_function_privilege(r, p.oid, 'EXECUTE') end) as callers
         from pg_proc p
        where p.pronamespace = 'private'::regnamespace and p.proname like 'broadcast%'
        order by 1`,
    );
    // 16 + broadcast_thread and broadcast_thread_rename (20261206185000_threads.sql)
    // + broadcast_profile_update (20261207020000_profile_broadcasts.sql).
    expect(rows.filter((r) => r.trigger).length).toBe(19);
    for (const row of rows) {
      expect(row.config, row.fn).toEqual(['search_path=""']);
      expect(row.callers, row.fn).toEqual([]);
      if (row.trigger) expect(row.definer, row.fn).toBe(true);
    }
  });
});
