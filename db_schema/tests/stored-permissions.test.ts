import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createTestDatabase, type TestDatabase } from '@harmony/db/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, bits, createRole, createUser, seedServer, type TestUser } from './fixtures.js';

// private.channel_member_permissions (migration 20261206001000) holds each member's effective
// permissions in each channel, maintained by triggers. private.channel_permissions() computes
// them and stays the reference (permissions.test.ts ties it to the shared TS≡SQL vectors):
// after every change, every stored pair must equal it, and there must be a row for exactly
// the pairs that exist.

let db: TestDatabase;
/** One superuser connection, so that a step may be a transaction of several changes. */
let client: pg.Client;

beforeAll(async () => {
  db = await createTestDatabase();
  client = new pg.Client({ connectionString: db.url() });
  await client.connect();
});
afterAll(async () => {
  await client.end();
  await db.close();
});

/**
 * Pairs (member, channel of their server) without a row, rows without a pair, and rows whose
 * permissions now differ from the computing function; then, for the given profiles (members
 * or not) and every channel (DMs too), the lookup has_channel_permission() uses.
 */
const MISMATCHES_SQL = `
  with pairs as (
    select m.profile_id, c.id as channel_id, m.server_id
      from public.server_members m join public.channels c on c.server_id = m.server_id
  )
  select coalesce(pr.profile_id, s.profile_id) as profile_id, coalesce(pr.channel_id, s.channel_id) as channel_id,
         private.channel_permissions(coalesce(pr.channel_id, s.channel_id), coalesce(pr.profile_id, s.profile_id))::text
           as computed,
         s.permissions::text as stored, 'row' as via
    from pairs pr
    full join private.channel_member_permissions_now s on s.profile_id = pr.profile_id and s.channel_id = pr.channel_id
   where pr.profile_id is null or s.profile_id is null or s.server_id <> pr.server_id
      or s.permissions <> private.channel_permissions(pr.channel_id, pr.profile_id)
  union all
  select p.id, c.id, private.channel_permissions(c.id, p.id)::text, private.stored_channel_permissions(c.id, p.id)::text,
         'lookup'
    from unnest($1::uuid[]) p (id) cross join public.channels c
   where private.stored_channel_permissions(c.id, p.id) <> private.channel_permissions(c.id, p.id)`;

async function mismatches(profileIds: string[]): Promise<unknown[]> {
  return (await client.query(MISMATCHES_SQL, [profileIds])).rows;
}

/** A small seeded PRNG (mulberry32): the same seed replays the same sequence. */
function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    chance: (p: number) => next() < p,
    int: (n: number) => Math.floor(next() * n),
    pick<T>(items: readonly T[]): T | undefined {
      return items.length === 0 ? undefined : items[Math.floor(next() * items.length)];
    },
  };
}
type Random = ReturnType<typeof random>;

/** Bits that matter to the rules (view, send-dependent, voice-dependent), plus ADMINISTRATOR. */
const BIT_POOL = [
  'VIEW_CHANNEL',
  'SEND_MESSAGES',
  'READ_MESSAGE_HISTORY',
  'ADD_REACTIONS',
  'ATTACH_FILES',
  'MENTION_EVERYONE',
  'MANAGE_MESSAGES',
  'CONNECT',
  'SPEAK',
  'STREAM',
];

interface World {
  serverId: string;
  profiles: string[];
  categories: string[];
  pool: bigint[];
  administrator: bigint;
}

/** The server as it is now, read before each step. */
interface State {
  owner: string;
  members: string[];
  roles: string[];
  channels: string[];
  overwrites: { channel: string; type: 'role' | 'member'; target: string }[];
  memberRoles: { profile: string; role: string }[];
  bans: string[];
}

async function readState(serverId: string): Promise<State> {
  const { rows } = await client.query<State>(
    `select (select owner_id from public.servers where id = $1) as owner,
            array(select profile_id from public.server_members where server_id = $1 order by profile_id) as members,
            array(select id from public.roles where server_id = $1 and id <> $1 order by id) as roles,
            array(select id from public.channels where server_id = $1 order by id) as channels,
            coalesce((select json_agg(json_build_object('channel', o.channel_id, 'type', o.target_type,
                                                         'target', o.target_id) order by o.channel_id, o.target_id)
                        from public.channel_overwrites o join public.channels c on c.id = o.channel_id
                       where c.server_id = $1), '[]') as overwrites,
            coalesce((select json_agg(json_build_object('profile', profile_id, 'role', role_id)
                                      order by profile_id, role_id)
                        from public.member_roles where server_id = $1), '[]') as "memberRoles",
            array(select profile_id from public.server_bans where server_id = $1 order by profile_id) as bans`,
    [serverId],
  );
  return rows[0] as State;
}

function randomMask(w: World, r: Random): bigint {
  let mask = 0n;
  for (const bit of w.pool) if (r.chance(0.45)) mask |= bit;
  return r.chance(0.05) ? mask | w.administrator : mask;
}

interface Change {
  label: string;
  sql: string;
  params: unknown[];
}

/** A random change to the server, or null when this kind has nothing to act on now. */
type ChangeKind = (w: World, s: State, r: Random) => Change | Change[] | null;

const change = (label: string, sql: string, ...params: unknown[]): Change => ({ label, sql, params });

const CHANGES: Record<string, ChangeKind> = {
  createRole: (w, _s, r) =>
    change(
      'create role',
      `insert into public.roles (server_id, name, permissions, position) values ($1, 'r', $2, $3)`,
      w.serverId,
      randomMask(w, r).toString(),
      1 + r.int(20),
    ),
  deleteRole: (_w, s, r) => {
    const role = r.pick(s.roles);
    if (!role) return null;
    // delete_role() removes the role's overwrites first; a direct delete leaves them behind.
    return r.chance(0.5)
      ? [
          change(
            'delete role overwrites',
            `delete from public.channel_overwrites where target_id = $1`,
            role,
          ),
          change('delete role', 'delete from public.roles where id = $1', role),
        ]
      : change('delete role (keep overwrites)', 'delete from public.roles where id = $1', role);
  },
  rolePermissions: (w, s, r) => {
    const role = r.chance(0.3) ? w.serverId : r.pick(s.roles);
    if (!role) return null;
    return change(
      role === w.serverId ? '@everyone permissions' : 'role permissions',
      'update public.roles set permissions = $2 where id = $1',
      role,
      randomMask(w, r).toString(),
    );
  },
  rolePosition: (_w, s, r) => {
    const role = r.pick(s.roles);
    if (!role) return null;
    return change(
      'role position',
      'update public.roles set position = $2 where id = $1',
      role,
      1 + r.int(20),
    );
  },
  assignRole: (w, s, r) => {
    const [member, role] = [r.pick(s.members), r.pick(s.roles)];
    if (!member || !role) return null;
    return change(
      'assign role',
      'insert into public.member_roles values ($1, $2, $3) on conflict do nothing',
      w.serverId,
      member,
      role,
    );
  },
  assignRoleToAll: (w, s, r) => {
    const role = r.pick(s.roles);
    if (!role) return null;
    return change(
      'assign role to every member',
      `insert into public.member_roles select server_id, profile_id, $2 from public.server_members
        where server_id = $1 on conflict do nothing`,
      w.serverId,
      role,
    );
  },
  removeRole: (w, s, r) => {
    const held = r.pick(s.memberRoles);
    if (!held) return null;
    return change(
      'remove role',
      'delete from public.member_roles where server_id = $1 and profile_id = $2 and role_id = $3',
      w.serverId,
      held.profile,
      held.role,
    );
  },
  setOverwrite: (w, s, r) => {
    const channel = r.pick(s.channels);
    if (!channel) return null;
    const roll = r.int(3);
    const [type, target] =
      roll === 0
        ? ['role', w.serverId]
        : roll === 1
          ? ['role', r.pick(s.roles)]
          : ['member', r.pick(w.profiles)];
    if (!target) return null;
    const allow = randomMask(w, r);
    return change(
      `${target === w.serverId ? '@everyone' : type} overwrite`,
      `insert into public.channel_overwrites values ($1, $2, $3, $4, $5)
       on conflict (channel_id, target_type, target_id) do update set allow = excluded.allow, deny = excluded.deny`,
      channel,
      type,
      target,
      allow.toString(),
      (randomMask(w, r) & ~allow).toString(),
    );
  },
  deleteOverwrite: (_w, s, r) => {
    const overwrite = r.pick(s.overwrites);
    if (!overwrite) return null;
    return change(
      'delete overwrite',
      'delete from public.channel_overwrites where channel_id = $1 and target_type = $2 and target_id = $3',
      overwrite.channel,
      overwrite.type,
      overwrite.target,
    );
  },
  join: (w, s, r) => {
    const profile = r.pick(w.profiles.filter((p) => !s.members.includes(p) && !s.bans.includes(p)));
    if (!profile) return null;
    return change(
      'join',
      'insert into public.server_members (server_id, profile_id) values ($1, $2)',
      w.serverId,
      profile,
    );
  },
  leaveOrKick: (w, s, r) => {
    const member = r.pick(s.members.filter((m) => m !== s.owner));
    if (!member) return null;
    return change(
      'leave or kick',
      'delete from public.server_members where server_id = $1 and profile_id = $2',
      w.serverId,
      member,
    );
  },
  ban: (w, s, r) => {
    const member = r.pick(s.members.filter((m) => m !== s.owner));
    if (!member) return null;
    // What ban_member() does.
    return [
      change(
        'ban',
        'insert into public.server_bans (server_id, profile_id) values ($1, $2)',
        w.serverId,
        member,
      ),
      change(
        'ban: remove',
        'delete from public.server_members where server_id = $1 and profile_id = $2',
        w.serverId,
        member,
      ),
    ];
  },
  unban: (w, s, r) => {
    const banned = r.pick(s.bans);
    if (!banned) return null;
    return change(
      'unban',
      'delete from public.server_bans where server_id = $1 and profile_id = $2',
      w.serverId,
      banned,
    );
  },
  transferOwnership: (w, s, r) => {
    const member = r.pick(s.members.filter((m) => m !== s.owner));
    if (!member) return null;
    return change(
      'transfer ownership',
      'update public.servers set owner_id = $2 where id = $1',
      w.serverId,
      member,
    );
  },
  timeout: (w, s, r) => {
    const member = r.pick(s.members);
    if (!member) return null;
    const until = r.pick(["now() + interval '1 hour'", "now() - interval '1 hour'", 'null']);
    return change(
      `timeout ${until}`,
      `update public.server_members set timed_out_until = ${until} where server_id = $1 and profile_id = $2`,
      w.serverId,
      member,
    );
  },
  createChannel: (w, _s, r) =>
    change(
      'create channel',
      `insert into public.channels (server_id, type, name, category_id) values ($1, $2, 'c', $3)`,
      w.serverId,
      r.pick(['text', 'voice']),
      r.pick([...w.categories, null]),
    ),
  deleteChannel: (_w, s, r) => {
    const channel = r.pick(s.channels);
    if (!channel || s.channels.length < 2) return null;
    return change('delete channel', 'delete from public.channels where id = $1', channel);
  },
  moveChannel: (w, s, r) => {
    const channel = r.pick(s.channels);
    if (!channel) return null;
    return change(
      'move channel to a category',
      'update public.channels set category_id = $2 where id = $1',
      channel,
      r.pick([...w.categories, null]),
    );
  },
};
const KINDS = Object.keys(CHANGES);

/** A random change that applies to the server as it is now (read inside the step's transaction). */
async function pickChange(w: World, r: Random): Promise<Change[]> {
  const s = await readState(w.serverId);
  for (;;) {
    const made = (CHANGES[r.pick(KINDS) as string] as ChangeKind)(w, s, r);
    if (made) return Array.isArray(made) ? made : [made];
  }
}

/** One step: a single change, or (one step in six) a transaction of two to four. */
async function step(w: World, r: Random): Promise<string> {
  const count = r.chance(1 / 6) ? 2 + r.int(3) : 1;
  const labels: string[] = [];
  await client.query('begin');
  try {
    for (let i = 0; i < count; i++) {
      for (const c of await pickChange(w, r)) {
        await client.query(c.sql, c.params);
        labels.push(c.label);
      }
    }
    await client.query('commit');
  } catch (error) {
    await client.query('rollback');
    throw error;
  }
  return labels.join(' + ');
}

async function seedWorld(seed: number): Promise<World> {
  const users: TestUser[] = [];
  for (let i = 0; i < 8; i++) users.push(await createUser(db, `s${seed}u${i}`));
  const [owner, ...others] = users as [TestUser, ...TestUser[]];
  const server = await seedServer(db, owner);
  const categories: string[] = [];
  for (const name of ['Text', 'Voice']) {
    const { rows } = await db.query<{ id: string }>(
      'insert into public.channel_categories (server_id, name) values ($1, $2) returning id',
      [server.serverId, name],
    );
    categories.push(rows[0]?.id as string);
  }
  const role = await createRole(db, server.serverId, { name: 'Mod', permissions: 0n, position: 1 });
  for (const user of others.slice(0, 4)) await addMember(db, server.serverId, user, [role]);
  const pool: bigint[] = [];
  for (const name of BIT_POOL) pool.push(await bits(db, [name]));
  return {
    serverId: server.serverId,
    profiles: users.map((u) => u.profileId),
    categories,
    pool,
    administrator: await bits(db, ['ADMINISTRATOR']),
  };
}

describe('stored channel permissions equal the computed ones', () => {
  const SEEDS = [1, 2, 3, 4, 5, 6];
  const STEPS = 100;

  it.each(SEEDS)(
    `after each of ${STEPS} random changes (seed %i)`,
    async (seed) => {
      const r = random(seed);
      const world = await seedWorld(seed);
      // A DM between two of them: the lookup computes DMs instead of storing them.
      const { rows } = await db.query<{ id: string }>(
        `insert into public.channels (type) values ('dm') returning id`,
      );
      const dm = rows[0]?.id as string;
      await db.query(
        'insert into public.channel_recipients (channel_id, profile_id) select $1, unnest($2::uuid[])',
        [dm, world.profiles.slice(0, 2)],
      );
      try {
        expect(await mismatches(world.profiles)).toEqual([]);
        const log: string[] = [];
        for (let i = 0; i < STEPS; i++) {
          log.push(await step(world, r));
          const found = await mismatches(world.profiles);
          if (found.length > 0) {
            throw new Error(
              `seed ${seed}, step ${i}: ${JSON.stringify(found)}\nlast steps:\n  ${log.slice(-6).join('\n  ')}`,
            );
          }
        }
      } finally {
        await client.query('delete from public.servers where id = $1', [world.serverId]);
        await client.query('delete from public.channels where id = $1', [dm]);
      }
      expect(await mismatches(world.profiles)).toEqual([]);
      const left = await client.query(
        'select 1 from private.channel_member_permissions where server_id = $1',
        [world.serverId],
      );
      expect(left.rows).toEqual([]);
    },
    20_000,
  );
});

/** A member of a fresh server (besides its owner) and the server's text channel. */
async function memberOfNewServer(name: string) {
  const owner = await createUser(db, `${name}owner`);
  const member = await createUser(db, `${name}member`);
  const server = await seedServer(db, owner);
  await addMember(db, server.serverId, member);
  return { member, server };
}

/** The member's stored permissions now, what the computing function says, and the row's version. */
async function storedRow(profileId: string, channelId: string) {
  const { rows } = await client.query<{ stored: string; computed: string; version: string }>(
    `select n.permissions::text as stored, private.channel_permissions(n.channel_id, n.profile_id)::text as computed,
            t.xmin::text as version
       from private.channel_member_permissions_now n
       join private.channel_member_permissions t using (profile_id, channel_id)
      where n.profile_id = $1 and n.channel_id = $2`,
    [profileId, channelId],
  );
  return rows[0] as { stored: string; computed: string; version: string };
}

describe('timeouts', () => {
  it('a timeout ends on time, with no write to the stored row', async () => {
    const { member, server } = await memberOfNewServer('timeout');
    const channel = server.textChannelId;
    const send = await bits(db, ['SEND_MESSAGES']);
    const canSend = async () =>
      (
        await member.api.query<{ ok: boolean }>('select public.has_channel_permission($1, $2) as ok', [
          channel,
          send.toString(),
        ])
      ).rows[0]?.ok;
    await client.query(
      `update public.server_members set timed_out_until = clock_timestamp() + interval '1 second'
        where server_id = $1 and profile_id = $2`,
      [server.serverId, member.profileId],
    );
    const during = await storedRow(member.profileId, channel);
    expect(during.stored).toBe(during.computed);
    expect(BigInt(during.stored)).toBe(await bits(db, ['VIEW_CHANNEL', 'READ_MESSAGE_HISTORY']));
    expect(await canSend()).toBe(false);

    await sleep(1100);
    const after = await storedRow(member.profileId, channel);
    expect(after.stored).toBe(after.computed);
    expect(BigInt(after.stored) & send).toBe(send);
    expect(after.version).toBe(during.version);
    expect(await canSend()).toBe(true);
  });
});

describe('concurrent changes to one server', () => {
  // One transaction gives a role VIEW_CHANNEL while another gives the role to a member. Each
  // refresh alone would compute from a snapshot without the other's change; the second waits
  // for the first to commit and then sees it, whichever starts first.
  it.each([
    ['the role change', 'the role assignment'],
    ['the role assignment', 'the role change'],
  ])('%s first, %s second: the member gets the role’s permissions', async (first) => {
    const { member, server } = await memberOfNewServer(first === 'the role change' ? 'racea' : 'raceb');
    const role = await createRole(db, server.serverId, { name: 'Readers', permissions: 0n, position: 1 });
    await client.query('update public.roles set permissions = 0 where id = $1', [server.everyoneRoleId]);
    const read = await bits(db, ['VIEW_CHANNEL', 'READ_MESSAGE_HISTORY']);
    const changeRole = (tx: pg.Client) =>
      tx.query('update public.roles set permissions = $2 where id = $1', [role, read.toString()]);
    const assignRole = (tx: pg.Client) =>
      tx.query('insert into public.member_roles values ($1, $2, $3)', [
        server.serverId,
        member.profileId,
        role,
      ]);
    const [a, b] = [
      new pg.Client({ connectionString: db.url() }),
      new pg.Client({ connectionString: db.url() }),
    ];
    await Promise.all([a.connect(), b.connect()]);
    try {
      await Promise.all([a.query('begin'), b.query('begin')]);
      await (first === 'the role change' ? changeRole(a) : assignRole(a));
      const second = first === 'the role change' ? assignRole(b) : changeRole(b);
      await sleep(200);
      await a.query('commit');
      await second;
      await b.query('commit');
    } finally {
      await Promise.all([a.end(), b.end()]);
    }
    const row = await storedRow(member.profileId, server.textChannelId);
    expect(row.stored).toBe(row.computed);
    expect(BigInt(row.stored)).toBe(read);
  });
});

describe('the migration', () => {
  it('fills the table for the servers that exist, and repairs it when run again', async () => {
    const { member, server } = await memberOfNewServer('backfill');
    // As before the migration, plus a row of no pair and a wrong row of a real one.
    await client.query('delete from private.channel_member_permissions');
    await client.query(
      `insert into private.channel_member_permissions (profile_id, channel_id, server_id, permissions)
       values (gen_random_uuid(), $1, $2, 5), ($3, $1, $2, 5)`,
      [server.textChannelId, server.serverId, member.profileId],
    );
    const migration = readFileSync(
      join(import.meta.dirname, '..', 'migrations', '20261206001000_stored_channel_permissions.sql'),
      'utf8',
    );
    // As the migration runner applies it (as postgres), twice.
    await client.query(`set role postgres; ${migration}; ${migration}; reset role`);
    expect(await mismatches([member.profileId])).toEqual([]);
    const { rows } = await client.query(
      'select 1 from private.channel_member_permissions where profile_id = $1',
      [member.profileId],
    );
    expect(rows).toHaveLength(2);
  });
});
