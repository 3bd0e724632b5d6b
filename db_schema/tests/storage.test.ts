import { randomUUID } from 'node:crypto';
import { createTestDatabase, type Requester, type Session, type TestDatabase } from '@harmony/db/testing';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, bit, createRole, createUser, pgError, seedServer, type TestUser } from './fixtures.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.close());

/**
 * A requester as the Storage API runs it: logged in as supabase_storage_admin, switched to the
 * caller's role, so the caller's policies decide. Only such sessions may write storage.objects
 * as anon or authenticated (platform/35_storage_object_writes.sql).
 */
const viaStorageApi = (tx: Session, as: Requester): Requester => ({
  async query<R extends pg.QueryResultRow>(sql: string, params?: unknown[]) {
    await tx.query('set local session authorization supabase_storage_admin');
    try {
      return await as.query<R>(sql, params);
    } finally {
      await tx.query('reset session authorization');
    }
  },
});

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

/** Users whose requests go through the Storage API, and anon likewise. */
async function community(tx: Session) {
  const storageSide = async (username: string): Promise<TestUser> => {
    const user = await createUser(tx, username);
    return { ...user, api: viaStorageApi(tx, user.api) };
  };
  const owner = await storageSide('owner');
  const member = await storageSide('member');
  const noAttach = await storageSide('noattach');
  const moderator = await storageSide('mod');
  const stranger = await storageSide('stranger');
  const anon = viaStorageApi(tx, tx.asAnon());
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
  return { owner, member, noAttach, moderator, stranger, anon, server };
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
      const { member, stranger, anon } = await community(tx);
      await upload(member.api, 'avatars', `${member.userId}/avatar.png`, member.userId);
      await upload(member.api, 'banners', `${member.userId}/banner.png`, member.userId);
      await rlsError(upload(member.api, 'avatars', `${stranger.userId}/avatar.png`, member.userId));
      await rlsError(upload(member.api, 'avatars', 'avatar.png', member.userId));
      await rlsError(upload(anon, 'avatars', `${member.userId}/x.png`, null));

      // Public URLs serve the file; only the folder's owner lists it (advisor lint 0025).
      expect(await names(member.api, 'avatars')).toEqual([`${member.userId}/avatar.png`]);
      expect(await names(stranger.api, 'avatars')).toEqual([]);
      expect(await names(anon, 'avatars')).toEqual([]);
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

      // Only those who manage a server's emoji list them; everyone else uses public URLs.
      expect(await names(moderator.api, 'emoji')).toEqual([`${server.serverId}/party.gif`]);
      expect(await names(member.api, 'emoji')).toEqual([]);
      expect(await names(stranger.api, 'emoji')).toEqual([]);
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
      const { member, noAttach, stranger, anon, server } = await community(tx);
      const path = (file = 'report.pdf') => `${server.textChannelId}/${randomUUID()}/${file}`;
      await upload(member.api, 'attachments', path(), member.userId);

      await rlsError(upload(anon, 'attachments', path(), null));
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

describe('storage tables outside the Storage API', () => {
  /** A signed-in member with their own avatar, uploaded through the Storage API. */
  async function withAvatar(tx: Session) {
    const { member, stranger } = await community(tx);
    const name = `${member.userId}/avatar.png`;
    await upload(member.api, 'avatars', name, member.userId);
    // The same users as PostgREST (or any SQL session other than the Storage API's) runs them.
    const direct = (user: TestUser) => tx.asUser({ sub: user.userId });
    const row = async () =>
      (
        await tx.query(
          `select owner::text, owner_id, metadata->>'mimetype' as mimetype from storage.objects
           where bucket_id = 'avatars' and name = $1`,
          [name],
        )
      ).rows[0];
    return { member, stranger, name, direct, row };
  }

  const refused = async (statement: Promise<unknown>, operation: string, table = 'storage.objects') => {
    const error = await pgError(statement);
    expect(error).toMatchObject({
      code: '42501',
      message: `${operation} on ${table} is only allowed through the Storage API`,
    });
  };

  it('refuses a member rewriting the owner and content type of their own object', async () => {
    await db.rollback(async (tx) => {
      const { member, stranger, name, direct, row } = await withAvatar(tx);
      await refused(
        direct(member).query(
          `update storage.objects set metadata = '{"mimetype": "text/html"}', owner = $2::uuid, owner_id = $2::text
           where bucket_id = 'avatars' and name = $1`,
          [name, stranger.userId],
        ),
        'UPDATE',
      );
      expect(await row()).toEqual({ owner: member.userId, owner_id: member.userId, mimetype: 'image/png' });
    });
  });

  it('refuses forged inserts, deletes (even with storage.allow_delete_query) and TRUNCATE', async () => {
    await db.rollback(async (tx) => {
      const { member, stranger, name, direct, row } = await withAvatar(tx);
      await refused(
        upload(direct(member), 'avatars', `${member.userId}/page.png`, stranger.userId),
        'INSERT',
      );
      await refused(upload(tx.asAnon(), 'avatars', 'page.png', null), 'INSERT');
      // community() set storage.allow_delete_query for the whole transaction.
      await refused(
        direct(member).query(`delete from storage.objects where bucket_id = 'avatars' and name = $1`, [name]),
        'DELETE',
      );
      expect((await pgError(direct(member).query('truncate storage.objects'))).code).toBe('42501');
      expect(await row()).toEqual({ owner: member.userId, owner_id: member.userId, mimetype: 'image/png' });
    });
  });

  it('refuses the same through a SECURITY INVOKER function the member may call', async () => {
    await db.rollback(async (tx) => {
      const { member, stranger, name, direct, row } = await withAvatar(tx);
      await tx.query(`
        create function public.zz_retag(p_name text, p_owner uuid) returns void
        language sql security invoker set search_path = '' as $$
          update storage.objects set metadata = '{"mimetype": "image/svg+xml"}', owner = p_owner
          where bucket_id = 'avatars' and name = p_name
        $$;
        grant execute on function public.zz_retag(text, uuid) to authenticated`);
      await refused(
        direct(member).query('select public.zz_retag($1, $2)', [name, stranger.userId]),
        'UPDATE',
      );
      expect(await row()).toEqual({ owner: member.userId, owner_id: member.userId, mimetype: 'image/png' });
    });
  });

  it('refuses bucket changes, which would decide which content types are served inline', async () => {
    await db.rollback(async (tx) => {
      const { member, direct } = await withAvatar(tx);
      await refused(
        direct(member).query(
          `update storage.buckets set allowed_mime_types = '{text/html}' where id = 'avatars'`,
        ),
        'UPDATE',
        'storage.buckets',
      );
    });
  });

  it('leaves service_role and the database owner free to maintain the tables', async () => {
    await db.rollback(async (tx) => {
      const { member, name } = await withAvatar(tx);
      const service = await tx
        .asService()
        .query(`update storage.objects set metadata = '{"mimetype": "image/webp"}' where name = $1`, [name]);
      expect(service.rowCount).toBe(1);
      const owner = await tx.query(`update storage.objects set owner_id = $2 where name = $1`, [
        name,
        member.userId,
      ]);
      expect(owner.rowCount).toBe(1);
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
