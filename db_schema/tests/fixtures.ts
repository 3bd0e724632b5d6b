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
