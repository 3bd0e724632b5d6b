import { createHash } from 'node:crypto';
import { createTestDatabase, type Requester, type Session, type TestDatabase } from '@harmony/db/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, bit, createRole, createUser, pgError, seedServer, type TestUser } from './fixtures.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.close());

const count = async (session: Requester, from: string, params?: unknown[]) =>
  (await session.query<{ n: number }>(`select count(*)::int as n from ${from}`, params)).rows[0]?.n;

describe('federation queue', () => {
  const queue = (tx: Session, kind: string, domain: string | null = 'remote.example') =>
    tx
      .asService()
      .query<{ id: string | null }>('select public.queue_federation_job($1, $2, $3) as id', [
        kind,
        { type: 'Create' },
        domain,
      ]);
  const claim = (tx: Session, worker: string, limit = 10) =>
    tx
      .asService()
      .query<{ id: string; status: string; attempts: number; locked_by: string }>(
        'select * from public.claim_federation_jobs($1, $2) order by id',
        [worker, limit],
      );
  const complete = async (tx: Session, id: string, error: string | null = null) =>
    (
      await tx
        .asService()
        .query<{ s: string }>('select public.complete_federation_job($1, $2) as s', [id, error])
    ).rows[0]?.s;

  it('queues jobs for the worker only, and none for a blocked instance', async () => {
    await db.rollback(async (tx) => {
      const id = (await queue(tx, 'deliver.note', ' Remote.Example ')).rows[0]?.id;
      expect(id).toMatch(/^\d+$/);
      const { rows } = await tx.query(
        'select kind, target_domain, status, attempts from private.federation_jobs',
      );
      expect(rows).toEqual([
        { kind: 'deliver.note', target_domain: 'remote.example', status: 'pending', attempts: 0 },
      ]);

      await tx.query(
        `insert into public.federated_instances (domain, status) values ('evil.example', 'blocked')`,
      );
      expect((await queue(tx, 'deliver.note', 'evil.example')).rows[0]?.id).toBeNull();

      const ada = await createUser(tx, 'ada');
      for (const caller of [ada.api, tx.asAnon()]) {
        const error = await pgError(caller.query(`select public.queue_federation_job('x', '{}')`));
        expect(error.message).toContain('permission denied for function queue_federation_job');
      }
      expect((await pgError(queue(tx, 'Bad Kind'))).code).toBe('22023');
      const notObject = tx.asService().query(`select public.queue_federation_job('x', '[1]'::jsonb)`);
      expect((await pgError(notObject)).code).toBe('22023');
      expect(await count(tx, 'private.federation_jobs')).toBe(1);
    });
  });

  it('retries failures with exponential backoff until max_attempts, then fails the job', async () => {
    await db.rollback(async (tx) => {
      const id = (await queue(tx, 'deliver.note')).rows[0]?.id as string;
      await tx.query('update private.federation_jobs set max_attempts = 3 where id = $1', [id]);
      const makeDue = () =>
        tx.query('update private.federation_jobs set next_attempt_at = now() where id = $1', [id]);
      const delay = async () =>
        (
          await tx.query<{ s: number }>(
            'select extract(epoch from next_attempt_at - now())::int as s from private.federation_jobs where id = $1',
            [id],
          )
        ).rows[0]?.s;

      expect((await claim(tx, 'w1')).rows).toMatchObject([
        { id, status: 'processing', attempts: 1, locked_by: 'w1' },
      ]);
      expect((await claim(tx, 'w2')).rows).toEqual([]);
      expect(await complete(tx, id, 'connection refused')).toBe('pending');
      expect(await delay()).toBe(30);
      expect((await claim(tx, 'w1')).rows).toEqual([]);

      await makeDue();
      expect((await claim(tx, 'w1')).rows).toMatchObject([{ id, attempts: 2 }]);
      expect(await complete(tx, id, 'timeout')).toBe('pending');
      expect(await delay()).toBe(60);

      await makeDue();
      await claim(tx, 'w1');
      expect(await complete(tx, id, 'gone')).toBe('failed');
      const { rows } = await tx.query('select status, last_error, locked_by from private.federation_jobs');
      expect(rows).toEqual([{ status: 'failed', last_error: 'gone', locked_by: null }]);
      expect((await pgError(complete(tx, id))).code).toBe('PT404');
    });
  });

  it('marks delivered jobs done and validates its inputs', async () => {
    await db.rollback(async (tx) => {
      const id = (await queue(tx, 'deliver.like')).rows[0]?.id as string;
      await claim(tx, 'w1');
      expect(await complete(tx, id)).toBe('done');
      expect((await pgError(claim(tx, '', 5))).code).toBe('22023');
      expect((await pgError(claim(tx, 'w1', 0))).code).toBe('22023');
      expect((await pgError(complete(tx, '999999'))).code).toBe('PT404');
      const ada = await createUser(tx, 'ada');
      const error = await pgError(ada.api.query(`select * from public.claim_federation_jobs('w', 1)`));
      expect(error.message).toContain('permission denied');
    });
  });

  it('reclaims jobs of a vanished worker and fails jobs for instances blocked since', async () => {
    await db.rollback(async (tx) => {
      const stale = (await queue(tx, 'deliver.note', 'slow.example')).rows[0]?.id as string;
      const busy = (await queue(tx, 'deliver.note', 'fine.example')).rows[0]?.id as string;
      await claim(tx, 'w1');
      await tx.query(
        `update private.federation_jobs set locked_at = now() - interval '20 minutes' where id = $1`,
        [stale],
      );
      expect((await claim(tx, 'w2')).rows).toMatchObject([{ id: stale, locked_by: 'w2', attempts: 2 }]);

      const doomed = (await queue(tx, 'deliver.note', 'later.example')).rows[0]?.id as string;
      await tx.query(
        `insert into public.federated_instances (domain, status) values ('later.example', 'blocked')`,
      );
      expect((await claim(tx, 'w3')).rows).toEqual([]);
      const { rows } = await tx.query<{ id: string; status: string }>(
        'select id, status from private.federation_jobs order by id',
      );
      expect(rows).toEqual([
        { id: stale, status: 'processing' },
        { id: busy, status: 'processing' },
        { id: doomed, status: 'failed' },
      ]);
    });
  });

  it('never hands one job to two concurrent workers (SKIP LOCKED)', async () => {
    await db.query(
      `insert into private.federation_jobs (kind, target_domain) select 'deliver.note', 'x.example' from generate_series(1, 4)`,
    );
    const first = new pg.Client({ connectionString: db.url() });
    await first.connect();
    try {
      await first.query(`begin; set local role service_role`);
      const a = await first.query<{ id: string }>(`select id from public.claim_federation_jobs('a', 2)`);
      const b = await db
        .asService()
        .query<{ id: string }>(`select id from public.claim_federation_jobs('b', 10)`);
      expect(a.rows).toHaveLength(2);
      expect(b.rows).toHaveLength(2);
      expect(a.rows.map((r) => r.id)).not.toContain(b.rows[0]?.id);
      expect(a.rows.map((r) => r.id)).not.toContain(b.rows[1]?.id);
      await first.query('rollback');
    } finally {
      await first.end();
      await db.query('delete from private.federation_jobs');
    }
  });

  it('show signed-in users the instance directory and nothing else of federation', async () => {
    await db.rollback(async (tx) => {
      await tx.query(
        `insert into public.federated_instances (domain, software) values ('mastodon.example', 'mastodon')`,
      );
      await queue(tx, 'deliver.note');
      const ada = await createUser(tx, 'ada');
      expect((await ada.api.query('select domain, status from public.federated_instances')).rows).toEqual([
        { domain: 'mastodon.example', status: 'active' },
      ]);
      // The queue, the actor cache and server federation state live in `private`: no API role
      // reads them; the worker goes through the queue's functions.
      for (const table of ['federation_jobs', 'ap_actor_cache', 'server_federation']) {
        for (const role of [ada.api, tx.asAnon(), tx.asService()]) {
          const error = await pgError(role.query(`select * from private.${table}`));
          expect(error.message).toContain('permission denied');
        }
      }
      const write = ada.api.query(`insert into public.federated_instances (domain) values ('mine.example')`);
      expect((await pgError(write)).message).toContain('permission denied');
      const anon = await pgError(tx.asAnon().query('select * from public.federated_instances'));
      expect(anon.message).toContain('permission denied');
      expect(await count(tx, 'private.federation_jobs')).toBe(1);
    });
  });
});

describe('bots', () => {
  const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
  const createBot = async (owner: TestUser, name = 'Helper Bot', description = 'helps') =>
    (
      await owner.api.query<{ bot_id: string; token: string }>('select * from public.create_bot($1, $2)', [
        name,
        description,
      ])
    ).rows[0] as { bot_id: string; token: string };
  const verify = async (tx: Session, token: string | null) =>
    (await tx.asService().query<{ id: string | null }>('select public.verify_bot_token($1) as id', [token]))
      .rows[0]?.id;

  it('are created with a bot profile and a token that is stored only as a hash', async () => {
    await db.rollback(async (tx) => {
      const ada = await createUser(tx, 'ada');
      const { bot_id, token } = await createBot(ada);
      expect(token).toMatch(/^hbot_[0-9a-f]{64}$/);
      const profile = await tx.query(
        `select p.username, p.display_name, p.is_bot, p.user_id, p.domain, b.owner_id
           from public.bots b join public.profiles p on p.id = b.profile_id where b.id = $1`,
        [bot_id],
      );
      expect(profile.rows).toEqual([
        {
          username: 'helperbot',
          display_name: 'Helper Bot',
          is_bot: true,
          user_id: null,
          domain: null,
          owner_id: ada.profileId,
        },
      ]);
      const stored = await tx.query('select * from public.bot_tokens');
      expect(stored.rows).toMatchObject([{ token_hash: sha256(token), token_prefix: token.slice(0, 8) }]);
      expect(JSON.stringify(stored.rows)).not.toContain(token.slice(5));

      const second = await createBot(ada);
      const names = await tx.query<{ username: string }>(
        'select p.username from public.bots b join public.profiles p on p.id = b.profile_id where b.id = $1',
        [second.bot_id],
      );
      expect(names.rows[0]?.username).toMatch(/^helperbot\d{4}$/);
      // Reserved names (admin, system, …) are never given to a bot as they are.
      const admin = await createBot(ada, 'Admin');
      const adminName = await tx.query<{ username: string }>(
        'select p.username from public.bots b join public.profiles p on p.id = b.profile_id where b.id = $1',
        [admin.bot_id],
      );
      expect(adminName.rows[0]?.username).toMatch(/^admin\d{4}$/);
    });
  });

  it('refuse bad names and anonymous callers, creating nothing', async () => {
    await db.rollback(async (tx) => {
      const ada = await createUser(tx, 'ada');
      const before = await count(tx, 'public.profiles');
      expect((await pgError(ada.api.query(`select * from public.create_bot('  ', '')`))).code).toBe('22023');
      const long = ada.api.query('select * from public.create_bot($1, $2)', ['bot', 'x'.repeat(401)]);
      expect((await pgError(long)).code).toBe('22023');
      const anon = await pgError(tx.asAnon().query(`select * from public.create_bot('x', '')`));
      expect(anon.message).toContain('permission denied for function create_bot');
      expect(await count(tx, 'public.profiles')).toBe(before);
      expect(await count(tx, 'public.bots')).toBe(0);
      const direct = ada.api.query(
        `insert into public.bots (profile_id, owner_id, name) values ($1, $1, 'x')`,
        [ada.profileId],
      );
      expect((await pgError(direct)).message).toContain('permission denied');
    });
  });

  it('verify tokens for the gateway only, until revoked', async () => {
    await db.rollback(async (tx) => {
      const ada = await createUser(tx, 'ada');
      const eve = await createUser(tx, 'eve');
      const { bot_id, token } = await createBot(ada);
      expect(await verify(tx, token)).toBe(bot_id);
      expect(await verify(tx, `${token.slice(0, -1)}${token.endsWith('0') ? '1' : '0'}`)).toBeNull();
      expect(await verify(tx, 'not a token')).toBeNull();
      expect(await verify(tx, null)).toBeNull();
      const used = await tx.query('select last_used_at is not null as used from public.bot_tokens');
      expect(used.rows).toEqual([{ used: true }]);
      const asUser = await pgError(ada.api.query('select public.verify_bot_token($1)', [token]));
      expect(asUser.message).toContain('permission denied');

      const tokenId = (await ada.api.query<{ id: string }>('select id from public.bot_tokens')).rows[0]?.id;
      const byEve = await pgError(eve.api.query('select public.revoke_bot_token($1)', [tokenId]));
      expect(byEve.code).toBe('PT404');
      expect(await verify(tx, token)).toBe(bot_id);
      await ada.api.query('select public.revoke_bot_token($1)', [tokenId]);
      expect(await verify(tx, token)).toBeNull();
    });
  });

  it('issue further tokens to the owner only and never show anyone the hashes', async () => {
    await db.rollback(async (tx) => {
      const ada = await createUser(tx, 'ada');
      const eve = await createUser(tx, 'eve');
      const { bot_id, token } = await createBot(ada);
      const next = (await ada.api.query<{ t: string }>('select public.create_bot_token($1) as t', [bot_id]))
        .rows[0]?.t as string;
      expect(next).not.toBe(token);
      expect(await verify(tx, next)).toBe(bot_id);
      const byEve = await pgError(eve.api.query('select public.create_bot_token($1)', [bot_id]));
      expect(byEve).toMatchObject({ code: 'PT404', message: 'bot not found' });
      expect(await count(tx, 'public.bot_tokens')).toBe(2);

      const listed = await ada.api.query('select token_prefix from public.bot_tokens');
      expect(listed.rows).toHaveLength(2);
      expect((await pgError(ada.api.query('select token_hash from public.bot_tokens'))).message).toContain(
        'permission denied',
      );
      expect(await count(eve.api, 'public.bot_tokens')).toBe(0);
    });
  });

  it('install into a server with a role of their own, by members with Manage Server', async () => {
    await db.rollback(async (tx) => {
      const owner = await createUser(tx, 'owner');
      const member = await createUser(tx, 'member');
      const server = await seedServer(tx, owner);
      await addMember(tx, server.serverId, member);
      const { bot_id } = await createBot(owner);
      const send = await bit(tx, 'SEND_MESSAGES');
      const perms = (send | (await bit(tx, 'VIEW_CHANNEL'))).toString();

      const denied = await pgError(
        member.api.query('select public.install_bot($1, $2, $3)', [bot_id, server.serverId, perms]),
      );
      expect(denied).toMatchObject({ code: 'PT404', message: 'bot not found' });
      await tx.query('update public.bots set is_public = true where id = $1', [bot_id]);
      const stillDenied = await pgError(
        member.api.query('select public.install_bot($1, $2, $3)', [bot_id, server.serverId, perms]),
      );
      expect(stillDenied.code).toBe('42501');
      expect(await count(tx, 'public.bot_server_installs')).toBe(0);

      const roleId = (
        await owner.api.query<{ r: string }>('select public.install_bot($1, $2, $3) as r', [
          bot_id,
          server.serverId,
          perms,
        ])
      ).rows[0]?.r;
      const bot = await tx.query<{ profile_id: string }>('select profile_id from public.bots where id = $1', [
        bot_id,
      ]);
      const botProfile = bot.rows[0]?.profile_id;
      const role = await tx.query('select name, permissions::text as p from public.roles where id = $1', [
        roleId,
      ]);
      expect(role.rows).toEqual([{ name: 'Helper Bot', p: perms }]);
      const effective = await tx.query<{ p: string }>(
        'select public.channel_permissions($1, $2)::text as p',
        [server.textChannelId, botProfile],
      );
      expect(BigInt(effective.rows[0]?.p ?? '0') & send).toBe(send);
      const audit = await tx.query(
        `select action, actor_id, target_id from public.audit_log where action = 'bot_add'`,
      );
      expect(audit.rows).toEqual([{ action: 'bot_add', actor_id: owner.profileId, target_id: botProfile }]);

      const again = owner.api.query('select public.install_bot($1, $2, $3)', [
        bot_id,
        server.serverId,
        perms,
      ]);
      expect((await pgError(again)).code).toBe('23505');
      // Members of the server see what is installed in it.
      expect(await count(member.api, 'public.bot_server_installs')).toBe(1);
    });
  });

  it('refuse installs that grant more than the installer has, banned bots and bad bits', async () => {
    await db.rollback(async (tx) => {
      const owner = await createUser(tx, 'owner');
      const manager = await createUser(tx, 'manager');
      const server = await seedServer(tx, owner);
      const manageGuild = await bit(tx, 'MANAGE_GUILD');
      const roleId = await createRole(tx, server.serverId, {
        name: 'Manager',
        permissions: manageGuild,
        position: 2,
      });
      await addMember(tx, server.serverId, manager, [roleId]);
      const { bot_id } = await createBot(manager);
      const install = (perms: string) =>
        manager.api.query('select public.install_bot($1, $2, $3)', [bot_id, server.serverId, perms]);
      const before = await count(tx, 'public.roles');

      expect((await pgError(install((await bit(tx, 'ADMINISTRATOR')).toString()))).code).toBe('42501');
      expect((await pgError(install('-1'))).code).toBe('22023');
      expect((await pgError(install((1n << 60n).toString()))).code).toBe('22023');
      const botProfile = (await tx.query<{ p: string }>('select profile_id as p from public.bots')).rows[0]
        ?.p;
      await tx.query('insert into public.server_bans (server_id, profile_id) values ($1, $2)', [
        server.serverId,
        botProfile,
      ]);
      expect((await pgError(install(manageGuild.toString()))).message).toContain('banned');
      expect(await count(tx, 'public.roles')).toBe(before);
      expect(await count(tx, 'public.server_members')).toBe(2);
    });
  });

  it('are visible to their owner, when public, and in servers they joined; editable by the owner', async () => {
    await db.rollback(async (tx) => {
      const ada = await createUser(tx, 'ada');
      const eve = await createUser(tx, 'eve');
      const { bot_id } = await createBot(ada);
      expect(await count(ada.api, 'public.bots')).toBe(1);
      expect(await count(eve.api, 'public.bots')).toBe(0);
      const edit = await eve.api.query(`update public.bots set description = 'pwned' where id = $1`, [
        bot_id,
      ]);
      expect(edit.rowCount).toBe(0);
      await ada.api.query(
        `update public.bots set is_public = true, description = 'now public' where id = $1`,
        [bot_id],
      );
      expect((await eve.api.query('select description from public.bots')).rows).toEqual([
        { description: 'now public' },
      ]);
      const steal = ada.api.query(`update public.bots set owner_id = $2 where id = $1`, [
        bot_id,
        eve.profileId,
      ]);
      expect((await pgError(steal)).message).toContain('permission denied');
    });
  });
});

describe('encryption keys', () => {
  const key = (seed: string) => Buffer.from(seed.padEnd(32, '*')).toString('base64');
  const addDevice = async (user: TestUser, name = 'laptop') =>
    (
      await user.api.query<{ id: string }>(
        `insert into public.user_devices (profile_id, device_name, identity_key, signing_key)
         values ($1, $2, $3, $4) returning id`,
        [user.profileId, name, key(`${user.username}-${name}-id`), key(`${user.username}-${name}-sig`)],
      )
    ).rows[0]?.id as string;

  async function setup(tx: Session) {
    const ada = await createUser(tx, 'ada');
    const bob = await createUser(tx, 'bob');
    const eve = await createUser(tx, 'eve');
    const server = await seedServer(tx, ada);
    await addMember(tx, server.serverId, bob);
    return { ada, bob, eve, server };
  }

  it('show devices to their owner and people sharing a server or DM, and let only the owner manage them', async () => {
    await db.rollback(async (tx) => {
      const { ada, bob, eve } = await setup(tx);
      const device = await addDevice(ada);
      expect(await count(ada.api, 'public.user_devices')).toBe(1);
      expect(await count(bob.api, 'public.user_devices')).toBe(1);
      expect(await count(eve.api, 'public.user_devices')).toBe(0);

      const dm = await tx.query<{ id: string }>(
        `insert into public.channels (type) values ('dm') returning id`,
      );
      await tx.query(
        'insert into public.channel_recipients (channel_id, profile_id) values ($1, $2), ($1, $3)',
        [dm.rows[0]?.id, ada.profileId, eve.profileId],
      );
      expect(await count(eve.api, 'public.user_devices')).toBe(1);

      const forged = eve.api.query(
        `insert into public.user_devices (profile_id, device_name, identity_key, signing_key) values ($1, 'x', $2, $2)`,
        [ada.profileId, key('forged')],
      );
      expect((await pgError(forged)).message).toContain('row-level security');
      expect((await bob.api.query(`update public.user_devices set revoked_at = now()`)).rowCount).toBe(0);
      expect((await bob.api.query('delete from public.user_devices')).rowCount).toBe(0);
      const swapKey = ada.api.query(`update public.user_devices set identity_key = 'x' where id = $1`, [
        device,
      ]);
      expect((await pgError(swapKey)).message).toContain('permission denied');
      await ada.api.query(`update public.user_devices set device_name = 'work laptop' where id = $1`, [
        device,
      ]);
      expect(await count(tx, 'public.user_devices')).toBe(1);
    });
  });

  it('hand out each one-time key once, to people who share a space with the owner', async () => {
    await db.rollback(async (tx) => {
      const { ada, bob, eve } = await setup(tx);
      const device = await addDevice(ada);
      await ada.api.query(
        `insert into public.device_one_time_keys (device_id, key_id, public_key)
         values ($1, 'k1', $2), ($1, 'k2', $3)`,
        [device, key('one'), key('two')],
      );
      const claim = (user: TestUser) =>
        user.api.query<{ key_id: string }>('select * from public.claim_one_time_key($1)', [device]);

      expect((await pgError(claim(eve))).code).toBe('PT404');
      expect(await count(tx, 'public.device_one_time_keys where claimed_at is null')).toBe(2);
      const first = (await claim(bob)).rows[0]?.key_id;
      const second = (await claim(bob)).rows[0]?.key_id;
      expect([first, second].sort()).toEqual(['k1', 'k2']);
      expect((await claim(bob)).rows).toEqual([]);
      const claimed = await ada.api.query('select claimed_by from public.device_one_time_keys');
      expect(claimed.rows).toEqual([{ claimed_by: bob.profileId }, { claimed_by: bob.profileId }]);
      expect(await count(bob.api, 'public.device_one_time_keys')).toBe(0);

      const foreignUpload = bob.api.query(
        `insert into public.device_one_time_keys (device_id, key_id, public_key) values ($1, 'k3', $2)`,
        [device, key('three')],
      );
      expect((await pgError(foreignUpload)).message).toContain('row-level security');
      await tx.query('update public.user_devices set revoked_at = now() where id = $1', [device]);
      expect((await pgError(claim(bob))).code).toBe('PT404');
    });
  });

  it('deliver session keys only to the recipient device, from a sender who can read the channel', async () => {
    await db.rollback(async (tx) => {
      const { ada, bob, eve, server } = await setup(tx);
      const adaDevice = await addDevice(ada);
      const bobDevice = await addDevice(bob);
      const eveDevice = await addDevice(eve);
      const share = (user: TestUser, channel: string, sender: string, recipient: string) =>
        user.api.query(
          `insert into public.megolm_session_shares
             (channel_id, session_id, sender_device_id, recipient_device_id, encrypted_session_key)
           values ($1, 'session-1', $2, $3, 'ciphertext')`,
          [channel, sender, recipient],
        );

      await share(ada, server.textChannelId, adaDevice, bobDevice);
      expect(await count(bob.api, 'public.megolm_session_shares')).toBe(1);
      expect(await count(ada.api, 'public.megolm_session_shares')).toBe(0);
      expect(await count(eve.api, 'public.megolm_session_shares')).toBe(0);

      // To someone outside the channel, from someone else's device, or into an unreadable channel.
      for (const attempt of [
        () => share(ada, server.textChannelId, adaDevice, eveDevice),
        () => share(bob, server.textChannelId, adaDevice, bobDevice),
        () => share(eve, server.textChannelId, eveDevice, adaDevice),
      ]) {
        expect((await pgError(attempt())).message).toContain('row-level security');
      }
      await tx.query(
        `insert into public.channel_overwrites (channel_id, target_type, target_id, deny)
         values ($1, 'member', $2, public.permission('VIEW_CHANNEL'))`,
        [server.textChannelId, bob.profileId],
      );
      const hidden = share(ada, server.textChannelId, adaDevice, bobDevice);
      expect((await pgError(hidden)).message).toContain('row-level security');
      expect(await count(tx, 'public.megolm_session_shares')).toBe(1);
    });
  });
});
