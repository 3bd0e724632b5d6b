import { randomUUID } from 'node:crypto';
import { createTestDatabase, type Requester, type Session, type TestDatabase } from '@harmony/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, bit, createRole, createUser, pgError, seedServer, type TestUser } from './fixtures.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.close());

/** Inserts an object row the way the Storage server does for an upload by `sub` (null = anon). */
const upload = (as: Requester, bucket: string, name: string, sub: string | null) =>
  as.query(
    'insert into storage.objects (bucket_id, name, owner, owner_id, metadata) values ($1, $2, $3, $4, $5)',
    [bucket, name, sub, sub, { size: 1, mimetype: 'image/png' }],
  );

const names = async (as: Requester, bucket: string) =>
  (
    await as.query<{ name: string }>('select name from storage.objects where bucket_id = $1 order by name', [
      bucket,
    ])
  ).rows.map((r) => r.name);

const rlsError = async (statement: Promise<unknown>) =>
  expect((await pgError(statement)).message).toContain('row-level security');

/** Storage deletes with storage.allow_delete_query set for the request; so do these tests. */
const allowDeletes = (tx: Session) =>
  tx.query(`select set_config('storage.allow_delete_query', 'true', true)`);

async function community(tx: Session) {
  const owner = await createUser(tx, 'owner');
  const member = await createUser(tx, 'member');
  const noAttach = await createUser(tx, 'noattach');
  const moderator = await createUser(tx, 'mod');
  const stranger = await createUser(tx, 'stranger');
  const server = await seedServer(tx, owner);
  const modRole = await createRole(tx, server.serverId, {
    name: 'Moderator',
    permissions: (await bit(tx, 'MANAGE_MESSAGES')) | (await bit(tx, 'MANAGE_GUILD_EXPRESSIONS')),
    position: 2,
  });
  await addMember(tx, server.serverId, member);
  await addMember(tx, server.serverId, noAttach);
  await addMember(tx, server.serverId, moderator, [modRole]);
  await tx.query(
    `insert into public.channel_overwrites (channel_id, target_type, target_id, deny)
     values ($1, 'member', $2, public.permission('ATTACH_FILES'))`,
    [server.textChannelId, noAttach.profileId],
  );
  await allowDeletes(tx);
  return { owner, member, noAttach, moderator, stranger, server };
}

describe('buckets', () => {
  it('exist with their visibility, size limits and file types', async () => {
    const { rows } = await db.query(
      'select id, public, file_size_limit::int as limit, allowed_mime_types from storage.buckets order by id',
    );
    const images = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'];
    expect(rows).toEqual([
      { id: 'attachments', public: false, limit: 50 * 1024 * 1024, allowed_mime_types: null },
      { id: 'avatars', public: true, limit: 5 * 1024 * 1024, allowed_mime_types: images },
      { id: 'banners', public: true, limit: 10 * 1024 * 1024, allowed_mime_types: images },
      {
        id: 'emoji',
        public: true,
        limit: 512 * 1024,
        allowed_mime_types: ['image/png', 'image/gif', 'image/webp'],
      },
      { id: 'server-icons', public: true, limit: 5 * 1024 * 1024, allowed_mime_types: images },
    ]);
  });
});

describe('avatars and banners', () => {
  it('are written only inside the uploader’s own folder', async () => {
    await db.rollback(async (tx) => {
      const { member, stranger } = await community(tx);
      await upload(member.api, 'avatars', `${member.userId}/avatar.png`, member.userId);
      await upload(member.api, 'banners', `${member.userId}/banner.png`, member.userId);
      await rlsError(upload(member.api, 'avatars', `${stranger.userId}/avatar.png`, member.userId));
      await rlsError(upload(member.api, 'avatars', 'avatar.png', member.userId));
      await rlsError(upload(tx.asAnon(), 'avatars', `${member.userId}/x.png`, null));

      expect(await names(stranger.api, 'avatars')).toEqual([`${member.userId}/avatar.png`]);
      expect(await names(tx.asAnon(), 'avatars')).toEqual([]);
      const hijack = await stranger.api.query(
        `update storage.objects set metadata = '{}' where bucket_id = 'avatars'`,
      );
      expect(hijack.rowCount).toBe(0);
      const move = member.api.query(`update storage.objects set name = $1 where bucket_id = 'avatars'`, [
        `${stranger.userId}/avatar.png`,
      ]);
      await rlsError(move);
      expect(
        (await stranger.api.query(`delete from storage.objects where bucket_id = 'avatars'`)).rowCount,
      ).toBe(0);
      expect(
        (await member.api.query(`delete from storage.objects where bucket_id = 'avatars'`)).rowCount,
      ).toBe(1);
    });
  });
});

describe('server icons and emoji', () => {
  it('are written by members with Manage Server or Manage Expressions in that server', async () => {
    await db.rollback(async (tx) => {
      const { owner, member, moderator, stranger, server } = await community(tx);
      await upload(owner.api, 'server-icons', `${server.serverId}/icon.png`, owner.userId);
      await rlsError(upload(moderator.api, 'server-icons', `${server.serverId}/icon2.png`, moderator.userId));
      await rlsError(upload(stranger.api, 'server-icons', `${server.serverId}/icon3.png`, stranger.userId));
      // A folder that is not a server id simply matches nothing (no cast error).
      await rlsError(upload(owner.api, 'server-icons', 'not-a-uuid/icon.png', owner.userId));

      await upload(moderator.api, 'emoji', `${server.serverId}/party.gif`, moderator.userId);
      await rlsError(upload(member.api, 'emoji', `${server.serverId}/sad.png`, member.userId));
      await rlsError(upload(moderator.api, 'emoji', `${randomUUID()}/party.gif`, moderator.userId));

      expect(await names(stranger.api, 'emoji')).toEqual([`${server.serverId}/party.gif`]);
      expect((await member.api.query(`delete from storage.objects where bucket_id = 'emoji'`)).rowCount).toBe(
        0,
      );
      expect(
        (await moderator.api.query(`delete from storage.objects where bucket_id = 'server-icons'`)).rowCount,
      ).toBe(0);
      expect((await owner.api.query(`delete from storage.objects where bucket_id = 'emoji'`)).rowCount).toBe(
        1,
      );
    });
  });
});

describe('attachments', () => {
  it('are uploaded by members with ATTACH_FILES, as themselves, under <channel>/<uuid>/<file>', async () => {
    await db.rollback(async (tx) => {
      const { member, noAttach, stranger, server } = await community(tx);
      const path = (file = 'report.pdf') => `${server.textChannelId}/${randomUUID()}/${file}`;
      await upload(member.api, 'attachments', path(), member.userId);

      await rlsError(upload(tx.asAnon(), 'attachments', path(), null));
      await rlsError(upload(stranger.api, 'attachments', path(), stranger.userId));
      await rlsError(upload(noAttach.api, 'attachments', path(), noAttach.userId));
      await rlsError(upload(member.api, 'attachments', path(), noAttach.userId));
      await rlsError(upload(member.api, 'attachments', `${server.textChannelId}/report.pdf`, member.userId));
      await rlsError(
        upload(member.api, 'attachments', `${server.textChannelId}/x/report.pdf`, member.userId),
      );
      await rlsError(upload(member.api, 'attachments', `garbage/${randomUUID()}/report.pdf`, member.userId));
      expect((await tx.query(`select count(*)::int as n from storage.objects`)).rows[0]?.n).toBe(1);
    });
  });

  it('are readable by whoever can read the channel and deleted by the uploader or a moderator', async () => {
    await db.rollback(async (tx) => {
      const { owner, member, noAttach, moderator, stranger, server } = await community(tx);
      const first = `${server.textChannelId}/${randomUUID()}/a.txt`;
      const second = `${server.textChannelId}/${randomUUID()}/b.txt`;
      await upload(member.api, 'attachments', first, member.userId);
      await upload(member.api, 'attachments', second, member.userId);

      expect(await names(noAttach.api, 'attachments')).toEqual([first, second].sort());
      expect(await names(stranger.api, 'attachments')).toEqual([]);
      expect(await names(tx.asAnon(), 'attachments')).toEqual([]);
      await tx.query(
        `insert into public.channel_overwrites (channel_id, target_type, target_id, deny)
         values ($1, 'member', $2, public.permission('VIEW_CHANNEL'))
         on conflict (channel_id, target_type, target_id) do update set deny = excluded.deny`,
        [server.textChannelId, noAttach.profileId],
      );
      // Losing sight of the channel means losing its files; the owner sees everything.
      expect(await names(noAttach.api, 'attachments')).toEqual([]);
      expect(await names(owner.api, 'attachments')).toHaveLength(2);
      const edit = await member.api.query(`update storage.objects set name = name || '.bak'`);
      expect(edit.rowCount).toBe(0);

      const remove = (user: TestUser, name: string) =>
        user.api.query('delete from storage.objects where bucket_id = $1 and name = $2', [
          'attachments',
          name,
        ]);
      expect((await remove(noAttach, first)).rowCount).toBe(0);
      expect((await remove(stranger, first)).rowCount).toBe(0);
      expect((await remove(member, first)).rowCount).toBe(1);
      expect((await remove(moderator, second)).rowCount).toBe(1);
    });
  });

  it('work in DMs for their participants only', async () => {
    await db.rollback(async (tx) => {
      const { member, stranger, owner } = await community(tx);
      const dm = (
        await tx.query<{ id: string }>(`insert into public.channels (type) values ('dm') returning id`)
      ).rows[0]?.id as string;
      await tx.query(
        'insert into public.channel_recipients (channel_id, profile_id) values ($1, $2), ($1, $3)',
        [dm, member.profileId, owner.profileId],
      );
      const file = `${dm}/${randomUUID()}/photo.png`;
      await upload(member.api, 'attachments', file, member.userId);
      await rlsError(upload(stranger.api, 'attachments', `${dm}/${randomUUID()}/x.png`, stranger.userId));
      expect(await names(owner.api, 'attachments')).toEqual([file]);
      expect(await names(stranger.api, 'attachments')).toEqual([]);
    });
  });
});

describe('try_uuid', () => {
  it('parses canonical uuids and returns null for anything else', async () => {
    const id = randomUUID();
    const { rows } = await db.query(
      `select public.try_uuid($1) as ok, public.try_uuid('nope') as bad, public.try_uuid(null) as missing,
              public.try_uuid($2) as upper`,
      [id, id.toUpperCase()],
    );
    expect(rows).toEqual([{ ok: id, bad: null, missing: null, upper: id }]);
  });
});
