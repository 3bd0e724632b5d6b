import { randomUUID } from 'node:crypto';
import { createTestDatabase, type Session, type TestDatabase } from '@harmony/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addMember,
  createUser,
  DENIED,
  failure,
  makeFriends,
  rpc,
  seedServer,
  sendMessage,
  type TestUser,
} from './fixtures.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.close());

const PASSWORD = 'correct horse battery';

/** A password as GoTrue stores it (bcrypt); `b` stores it with the $2b$ prefix bcryptjs writes. */
async function setPassword(tx: Session, user: TestUser, prefix: '$2a$' | '$2b$' = '$2a$') {
  await tx.query(
    `update auth.users set encrypted_password =
       regexp_replace(extensions.crypt($2, extensions.gen_salt('bf', 4)), '^\\$2a\\$', $3)
      where id = $1`,
    [user.userId, PASSWORD, prefix],
  );
}

/** What GoTrue's /reauthenticate stores: the hex SHA-224 of the address and the mailed code. */
async function mailCode(tx: Session, user: TestUser, code: string, sentAgo = '1 minute') {
  await tx.query(
    `update auth.users set reauthentication_token = encode(extensions.digest(email || $2, 'sha224'), 'hex'),
            reauthentication_sent_at = now() - $3::interval
      where id = $1`,
    [user.userId, code, sentAgo],
  );
}

const deleteAccount = (user: TestUser, input: { password?: string; code?: string; messages?: boolean }) =>
  rpc(user.api, 'delete_my_account', input.password ?? null, input.code ?? null, input.messages ?? false);

/**
 * A refused proof answers as PostgREST lets a function answer an error and still commit (so the
 * failure it counts is kept): the error body as the result, the status in response.status.
 */
async function attempt(user: TestUser, input: { password?: string; code?: string }) {
  const { rows } = await user.api.query<{ body: unknown; status: string | null }>(
    `select public.delete_my_account($1, $2, false) as body, current_setting('response.status', true) as status`,
    [input.password ?? null, input.code ?? null],
  );
  return rows[0] ?? { body: undefined, status: null };
}

const authUserExists = async (tx: Session, user: TestUser) =>
  (await tx.query('select 1 from auth.users where id = $1', [user.userId])).rowCount === 1;

/** ada owns a server bob and cy are in; bob and cy are friends, talk in #general and in a DM. */
async function world(tx: Session) {
  const ada = await createUser(tx, 'ada');
  const bob = await createUser(tx, 'bob');
  const cy = await createUser(tx, 'cy');
  const server = await seedServer(tx, ada, 'Ada place');
  await addMember(tx, server.serverId, bob);
  await addMember(tx, server.serverId, cy);
  await makeFriends(tx, bob, cy);
  for (const u of [ada, bob, cy]) await setPassword(tx, u);
  const said = await sendMessage(bob, server.textChannelId, 'hello from bob');
  await tx.query('insert into public.message_reactions (message_id, profile_id, emoji) values ($1, $2, $3)', [
    said.id,
    cy.profileId,
    '👍',
  ]);
  const dm = await rpc<string>(bob.api, 'open_dm', cy.profileId);
  const whisper = await sendMessage(bob, dm, 'a secret for cy');
  return { ada, bob, cy, server, said, dm, whisper };
}

describe('delete_my_account', () => {
  it('keeps the messages as "Deleted user", frees the username and deletes the auth user', async () => {
    await db.rollback(async (tx) => {
      const { bob, cy, server, said, dm, whisper } = await world(tx);
      await tx.query(`update public.profiles set avatar_url = 'https://x.test/a.png' where id = $1`, [
        bob.profileId,
      ]);
      await deleteAccount(bob, { password: PASSWORD });

      expect(await authUserExists(tx, bob)).toBe(false);
      // What cy reads: the message, the DM and its author, now "Deleted user".
      const seen = await cy.api.query<{ content: string; display_name: string; username: string }>(
        `select m.content, p.display_name, p.username, p.avatar_url from public.messages m
           join public.profiles p on p.id = m.author_id where m.id = any($1) order by m.content desc`,
        [[said.id, whisper.id]],
      );
      expect(seen.rows).toEqual([
        expect.objectContaining({
          content: 'hello from bob',
          display_name: 'Deleted user',
          avatar_url: null,
        }),
        expect.objectContaining({ content: 'a secret for cy', display_name: 'Deleted user' }),
      ]);
      expect(seen.rows[0]?.username).toMatch(/^deleted_[0-9a-f]{12}$/);
      const dmRecipients = await tx.query(
        'select profile_id from public.channel_recipients where channel_id = $1',
        [dm],
      );
      expect(dmRecipients.rowCount).toBe(2);
      // Memberships and friendships end; the name is free for someone else.
      const left = await tx.query(
        `select (select count(*) from public.server_members where profile_id = $1 and server_id = $2)::int as members,
                (select count(*) from public.friendships where $1 in (profile_a, profile_b))::int as friends,
                (select count(*) from public.user_settings where profile_id = $1)::int as settings`,
        [bob.profileId, server.serverId],
      );
      expect(left.rows[0]).toEqual({ members: 0, friends: 0, settings: 0 });
      await createUser(tx, 'bob');
    });
  });

  it('deletes what the messages said too when asked', async () => {
    await db.rollback(async (tx) => {
      const { bob, cy, said, whisper } = await world(tx);
      await deleteAccount(bob, { password: PASSWORD, messages: true });
      const seen = await cy.api.query<{ content: string; deleted: boolean; reactions: number }>(
        `select m.content, m.deleted_at is not null as deleted,
                (select count(*) from public.message_reactions r where r.message_id = m.id)::int as reactions
           from public.messages m where m.id = any($1)`,
        [[said.id, whisper.id]],
      );
      expect(seen.rows).toEqual([
        { content: '', deleted: true, reactions: 0 },
        { content: '', deleted: true, reactions: 0 },
      ]);
    });
  });

  it('takes a reauthentication code instead of the password (bcrypt $2b$ hashes too)', async () => {
    await db.rollback(async (tx) => {
      const { bob, cy } = await world(tx);
      await setPassword(tx, cy, '$2b$');
      await mailCode(tx, bob, '123456', '2 hours');
      expect(await attempt(bob, { code: '123456' })).toMatchObject({
        status: '403',
        body: { ...DENIED, message: 'the code is not valid or has expired' },
      });
      await mailCode(tx, bob, '123456');
      expect((await attempt(bob, { code: '654321' })).body).toMatchObject(DENIED);
      await deleteAccount(bob, { code: '123456' });
      expect(await authUserExists(tx, bob)).toBe(false);
      await deleteAccount(cy, { password: PASSWORD });
      expect(await authUserExists(tx, cy)).toBe(false);
    });
  });

  it('refuses a wrong or missing password, changing nothing', async () => {
    await db.rollback(async (tx) => {
      const { bob } = await world(tx);
      expect(await attempt(bob, { password: 'guess' })).toEqual({
        status: '403',
        body: { ...DENIED, message: 'the password is not correct', details: null, hint: null },
      });
      expect(await failure(deleteAccount(bob, {}))).toMatchObject({ code: '22023' });
      expect(await authUserExists(tx, bob)).toBe(true);
    });
  });

  it('stops password guessing: 5 wrong attempts in 15 minutes, then 429 even for the right one', async () => {
    await db.rollback(async (tx) => {
      const { bob, cy } = await world(tx);
      await mailCode(tx, bob, '123456');
      // A stolen session guesses; each guess is its own request (a savepoint here, rolled back on error).
      for (const guess of ['123456789', 'password', 'qwerty', 'letmein'])
        expect((await attempt(bob, { password: guess })).status).toBe('403');
      expect((await attempt(bob, { code: '000000' })).body).toMatchObject({
        ...DENIED,
        message: 'the code is not valid or has expired',
      });
      const refused = {
        status: '429',
        body: {
          code: 'PT429',
          message: 'too many wrong attempts: try again in 15 minutes',
          details: null,
          hint: 'retry after 900 seconds',
        },
      };
      expect(await attempt(bob, { password: PASSWORD })).toEqual(refused);
      expect(await attempt(bob, { code: '123456' })).toEqual(refused);
      const headers = await bob.api.query<{ h: string }>(
        `select current_setting('response.headers', true) as h`,
      );
      expect(JSON.parse(headers.rows[0]?.h ?? 'null')).toEqual([{ 'Retry-After': '900' }]);
      expect(await authUserExists(tx, bob)).toBe(true);

      // The count is per user, and the attacker can neither read nor clear it.
      expect(await deleteAccount(cy, { password: PASSWORD })).toBeNull();
      expect(await authUserExists(tx, cy)).toBe(false);
      for (const sql of [
        'select * from private.reauthentication_failures',
        'delete from private.reauthentication_failures',
      ])
        expect(await failure(bob.api.query(sql))).toMatchObject(DENIED);

      // Once the oldest failure is 15 minutes old, the right password works again.
      await tx.query(
        `update private.reauthentication_failures set failed_at = now() - interval '15 minutes' where user_id = $1`,
        [bob.userId],
      );
      expect(await attempt(bob, { password: PASSWORD })).toMatchObject({ body: null });
      expect(await authUserExists(tx, bob)).toBe(false);
      const left = await tx.query('select 1 from private.reauthentication_failures where user_id = $1', [
        bob.userId,
      ]);
      expect(left.rowCount).toBe(0);
    });
  });

  it('refuses while the user owns servers, naming them', async () => {
    await db.rollback(async (tx) => {
      const { ada } = await world(tx);
      await seedServer(tx, ada, 'Second home');
      expect(await failure(deleteAccount(ada, { password: PASSWORD }))).toEqual({
        code: 'PT409',
        message: 'transfer or delete the servers you own first: Ada place, Second home',
      });
      expect(await authUserExists(tx, ada)).toBe(true);
    });
  });

  it('lets nobody delete someone else: anon, another user with the victim password, direct SQL', async () => {
    await db.rollback(async (tx) => {
      const { bob, cy } = await world(tx);
      const mallory = await createUser(tx, 'mallory');
      await setPassword(tx, mallory);
      await tx.query(
        `update auth.users set encrypted_password = extensions.crypt('bob only', extensions.gen_salt('bf', 4))
                       where id = $1`,
        [bob.userId],
      );
      expect(await failure(rpc(tx.asAnon(), 'delete_my_account', PASSWORD, null, false))).toMatchObject(
        DENIED,
      );
      // The password checked is always the caller's own.
      expect((await attempt(mallory, { password: 'bob only' })).body).toMatchObject(DENIED);
      expect(
        await failure(
          mallory.api.query(`select private.reauthentication_refusal($1, 'x', null)`, [bob.userId]),
        ),
      ).toMatchObject(DENIED);
      expect(
        await failure(mallory.api.query('delete from auth.users where id = $1', [bob.userId])),
      ).toMatchObject(DENIED);
      const renamed = await mallory.api.query(
        `update public.profiles set display_name = 'Deleted user' where id = $1 returning id`,
        [cy.profileId],
      );
      expect(renamed.rowCount).toBe(0);
      expect(await authUserExists(tx, bob)).toBe(true);
      expect(await authUserExists(tx, mallory)).toBe(true);
    });
  });
});

describe('export_my_data', () => {
  it('returns what the caller owns and nobody else private data', async () => {
    await db.rollback(async (tx) => {
      const { ada, bob, cy, server, dm } = await world(tx);
      await sendMessage(cy, dm, 'cy private reply');
      await sendMessage(bob, server.textChannelId, 'with a file', {
        attachments: [
          {
            path: `${server.textChannelId}/${randomUUID()}/report.pdf`,
            name: 'report.pdf',
            size: 3,
            content_type: 'application/pdf',
          },
        ],
      });
      const data = await rpc<Record<string, unknown>>(bob.api, 'export_my_data');
      expect(data).toMatchObject({
        format: 'harmony-export-1',
        profile: { username: 'bob' },
        memberships: [expect.objectContaining({ server: 'Ada place', owner: false })],
        friends: [expect.objectContaining({ username: 'cy' })],
        direct_messages: [expect.objectContaining({ channel_id: dm, recipients: ['cy'] })],
      });
      const messages = (data.messages as { content: string; channel: string | null }[]).map((m) => m.content);
      expect(messages).toContain('hello from bob');
      expect(messages).toContain('a secret for cy');
      const text = JSON.stringify(data);
      // Others' words and addresses stay out.
      expect(text).not.toContain('cy private reply');
      const emails = await tx.query<{ email: string }>('select email from auth.users where id = any($1)', [
        [ada.userId, cy.userId],
      ]);
      for (const { email } of emails.rows) expect(text).not.toContain(email);
      expect(await failure(rpc(tx.asAnon(), 'export_my_data'))).toMatchObject(DENIED);
    });
  });
});
