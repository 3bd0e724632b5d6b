import { randomUUID } from 'node:crypto';
import type { Requester, Session } from '@harmony/db/testing';

/** A registered account: its auth user, its profile, and a requester acting as it. */
export interface TestUser {
  userId: string;
  profileId: string;
  username: string;
  api: Requester;
}

export interface TestServer {
  serverId: string;
  /** The @everyone role has the server's id. */
  everyoneRoleId: string;
  textChannelId: string;
  voiceChannelId: string;
}

/** Registers a user the way GoTrue does (a row in auth.users); the signup trigger makes the profile. */
export async function createUser(db: Session, username: string, email = `${userId8()}@example.test`) {
  const userId = randomUUID();
  await db.query(
    `insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
                             raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
     values ('00000000-0000-0000-0000-000000000000', $1, 'authenticated', 'authenticated', $2, '',
             now(), '{"provider":"email","providers":["email"]}', $3, now(), now())`,
    [userId, email, JSON.stringify({ username })],
  );
  const { rows } = await db.query<{ id: string }>('select id from public.profiles where user_id = $1', [
    userId,
  ]);
  const profileId = rows[0]?.id;
  if (!profileId) throw new Error(`no profile was created for ${username}`);
  const user: TestUser = { userId, profileId, username, api: db.asUser({ sub: userId, email }) };
  return user;
}

const userId8 = () => randomUUID().slice(0, 8);

/**
 * A server owned by `owner` with @everyone, one text and one voice channel, inserted
 * directly (as the superuser) so tests of one domain do not depend on another's RPCs.
 */
export async function seedServer(db: Session, owner: TestUser, name = 'Test server'): Promise<TestServer> {
  const serverId = randomUUID();
  await db.query('insert into public.servers (id, name, owner_id) values ($1, $2, $3)', [
    serverId,
    name,
    owner.profileId,
  ]);
  await db.query(
    `insert into public.roles (id, server_id, name, position, permissions)
     values ($1, $1, '@everyone', 0, public.default_everyone_permissions())`,
    [serverId],
  );
  await db.query('insert into public.server_members (server_id, profile_id) values ($1, $2)', [
    serverId,
    owner.profileId,
  ]);
  const channel = async (type: 'text' | 'voice', channelName: string, position: number) => {
    const { rows } = await db.query<{ id: string }>(
      `insert into public.channels (server_id, type, name, position) values ($1, $2, $3, $4) returning id`,
      [serverId, type, channelName, position],
    );
    return rows[0]?.id as string;
  };
  return {
    serverId,
    everyoneRoleId: serverId,
    textChannelId: await channel('text', 'general', 0),
    voiceChannelId: await channel('voice', 'Lounge', 1),
  };
}

export async function addMember(db: Session, serverId: string, user: TestUser, roleIds: string[] = []) {
  await db.query('insert into public.server_members (server_id, profile_id) values ($1, $2)', [
    serverId,
    user.profileId,
  ]);
  for (const roleId of roleIds) {
    await db.query('insert into public.member_roles (server_id, profile_id, role_id) values ($1, $2, $3)', [
      serverId,
      user.profileId,
      roleId,
    ]);
  }
}

export async function createRole(
  db: Session,
  serverId: string,
  role: { name: string; permissions: bigint; position: number },
): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    `insert into public.roles (server_id, name, permissions, position) values ($1, $2, $3, $4) returning id`,
    [serverId, role.name, role.permissions.toString(), role.position],
  );
  return rows[0]?.id as string;
}

/** A permission bit by name, from the database's own table of names. */
export async function bit(db: Session, name: string): Promise<bigint> {
  const { rows } = await db.query<{ v: string }>('select public.permission($1)::text as v', [name]);
  return BigInt(rows[0]?.v ?? '0');
}

/** Awaits a statement that must fail and returns its PostgreSQL error (SQLSTATE `code`, message). */
export async function pgError(statement: Promise<unknown>): Promise<{ code?: string; message: string }> {
  try {
    await statement;
  } catch (error) {
    return error as { code?: string; message: string };
  }
  throw new Error('expected the statement to fail, but it succeeded');
}

/** A mask of the named permissions, computed by the database. */
export async function bits(db: Session, names: string[]): Promise<bigint> {
  const { rows } = await db.query<{ v: string }>(
    'select coalesce(bit_or(public.permission(n)), 0)::text as v from unnest($1::text[]) n',
    [names],
  );
  return BigInt(rows[0]?.v ?? '0');
}

/** The SQLSTATE and message a query failed with; throws if it succeeded. */
export async function failure(query: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await query;
  } catch (error) {
    const { code, message } = error as { code?: string; message: string };
    return { code: code ?? '', message };
  }
  throw new Error('expected the query to fail, but it succeeded');
}

export const MODERATOR_PERMISSIONS = [
  'KICK_MEMBERS',
  'BAN_MEMBERS',
  'MODERATE_MEMBERS',
  'MANAGE_NICKNAMES',
  'MANAGE_ROLES',
  'MANAGE_CHANNELS',
  'MANAGE_GUILD',
  'VIEW_AUDIT_LOG',
  'MANAGE_GUILD_EXPRESSIONS',
];

export interface Community {
  owner: TestUser;
  /** Holds the Moderator role (MODERATOR_PERMISSIONS, position 5). */
  moderator: TestUser;
  /** No roles besides @everyone. */
  member: TestUser;
  /** Not in the server. */
  stranger: TestUser;
  server: TestServer;
  modRoleId: string;
}

/** seedServer plus a moderator, a plain member and a stranger. */
export async function seedCommunity(db: Session): Promise<Community> {
  const owner = await createUser(db, 'owner');
  const moderator = await createUser(db, 'mod');
  const member = await createUser(db, 'member');
  const stranger = await createUser(db, 'stranger');
  const server = await seedServer(db, owner);
  const modRoleId = await createRole(db, server.serverId, {
    name: 'Moderator',
    permissions: await bits(db, MODERATOR_PERMISSIONS),
    position: 5,
  });
  await addMember(db, server.serverId, moderator, [modRoleId]);
  await addMember(db, server.serverId, member);
  return { owner, moderator, member, stranger, server, modRoleId };
}

/** A stored message as the tests look at it (seq as a number). */
export interface MessageRow {
  id: string;
  seq: number;
  type: string;
  content: string;
  mention_profile_ids: string[];
  mention_role_ids: string[];
  mention_everyone: boolean;
}

const MESSAGE_COLUMNS =
  'id, seq::int as seq, type, content, mention_profile_ids, mention_role_ids, mention_everyone';

/** Sends a message the way supabase-js does (a plain INSERT … RETURNING as the user). */
export async function sendMessage(
  user: TestUser,
  channelId: string,
  content: string,
  extra: { replyToId?: string; attachments?: unknown[]; nonce?: string } = {},
): Promise<MessageRow> {
  const { rows } = await user.api.query<MessageRow>(
    `insert into public.messages (channel_id, content, reply_to_id, attachments, nonce)
     values ($1, $2, $3, $4, $5) returning ${MESSAGE_COLUMNS}`,
    [
      channelId,
      content,
      extra.replyToId ?? null,
      JSON.stringify(extra.attachments ?? []),
      extra.nonce ?? null,
    ],
  );
  return rows[0] as MessageRow;
}

export async function makeFriends(db: Session, a: TestUser, b: TestUser) {
  const [low, high] = [a.profileId, b.profileId].sort();
  await db.query('insert into public.friendships (profile_a, profile_b) values ($1, $2)', [low, high]);
}

/** Sets a channel overwrite for a role or a member (as the superuser). */
export async function setOverwrite(
  db: Session,
  channelId: string,
  target: { role: string } | { member: string },
  bits: { allow?: bigint; deny?: bigint },
) {
  const [type, id] = 'role' in target ? ['role', target.role] : ['member', target.member];
  await db.query(
    `insert into public.channel_overwrites (channel_id, target_type, target_id, allow, deny)
     values ($1, $2, $3, $4, $5)
     on conflict (channel_id, target_type, target_id) do update set allow = excluded.allow, deny = excluded.deny`,
    [channelId, type, id, (bits.allow ?? 0n).toString(), (bits.deny ?? 0n).toString()],
  );
}

/** The SQLSTATEs the RPCs refuse with, to compare with `failure()`. */
export const DENIED = { code: '42501' };
export const INVALID = { code: '22023' };
export const MISSING = { code: '22004' };
export const NOT_FOUND = { code: 'PT404' };

/** Calls public.<fn>(args…) as `who` and returns its result. */
export async function rpc<T = unknown>(who: Requester, fn: string, ...args: unknown[]): Promise<T> {
  const params = args.map((_, i) => `$${i + 1}`).join(', ');
  const { rows } = await who.query<{ r: T }>(`select public.${fn}(${params}) as r`, args);
  return rows[0]?.r as T;
}

/** Rows of a query as the superuser, to compare the state before and after a refused call. */
export async function snapshot(db: Session, sql: string, params: unknown[] = []): Promise<unknown[]> {
  return (await db.query(sql, params)).rows;
}

/**
 * Realtime's join check for a private topic: a probe row on the topic, then, as the user with
 * realtime.topic set, whether the row is visible. Topics are built from uuids, so safe to inline.
 */
export async function receives(
  db: Session,
  who: Requester,
  topic: string,
  extension: 'broadcast' | 'presence' = 'broadcast',
): Promise<boolean> {
  const probe = randomUUID();
  await db.query(`insert into realtime.messages (id, topic, extension, private) values ($1, $2, $3, true)`, [
    probe,
    topic,
    extension,
  ]);
  const results = (await who.query(
    `select set_config('realtime.topic', '${topic}', true);
     select count(*)::int as n from realtime.messages where id = '${probe}'`,
  )) as unknown as Array<{ rows: { n: number }[] }>;
  return results[1]?.rows[0]?.n === 1;
}

/** Realtime's send (broadcast) or track (presence) check: may the user insert such a row on the topic? */
export async function sends(
  who: Requester,
  topic: string,
  extension: 'broadcast' | 'presence' = 'broadcast',
): Promise<boolean> {
  try {
    await who.query(
      `select set_config('realtime.topic', '${topic}', true);
       insert into realtime.messages (topic, extension, payload, private) values ('${topic}', '${extension}', '{}', true);`,
    );
    return true;
  } catch {
    return false;
  }
}
