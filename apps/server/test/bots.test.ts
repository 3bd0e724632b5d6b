import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addMember,
  bits,
  createUser,
  rpc,
  seedServer,
  setOverwrite,
  type TestServer,
  type TestUser,
} from '../../../db_schema/tests/fixtures.js';
import { startTestStack, type TestStack } from '../../stack/test/harness.js';
import type { RunningService } from '../src/service.js';
import { enableServerLogin, serverConfig, startTestService } from './helpers.js';

let stack: TestStack;
let service: RunningService;
let owner: TestUser;
let stranger: TestUser;
let home: TestServer;
let elsewhere: TestServer;
let botId: string;
let botToken: string;
let botProfileId: string;

beforeAll(async () => {
  stack = await startTestStack();
  await enableServerLogin(stack.db);
  service = await startTestService(stack.db, {
    config: serverConfig(stack.db, {
      supabase: { url: stack.url, serviceRoleKey: stack.stack.keys.serviceRole },
    }),
  });
  owner = await createUser(stack.db, 'botowner');
  stranger = await createUser(stack.db, 'botstranger');
  home = await seedServer(stack.db, owner, 'Home');
  elsewhere = await seedServer(stack.db, stranger, 'Elsewhere');
  const { rows } = await owner.api.query<{ bot_id: string; token: string }>(
    `select * from public.create_bot('Helper Bot', 'helps')`,
  );
  botId = rows[0]?.bot_id as string;
  botToken = rows[0]?.token as string;
  botProfileId = (
    await stack.db.query<{ profile_id: string }>('select profile_id from public.bots where id = $1', [botId])
  ).rows[0]?.profile_id as string;
  const granted = await bits(stack.db, ['VIEW_CHANNEL', 'SEND_MESSAGES', 'READ_MESSAGE_HISTORY']);
  await owner.api.query('select public.install_bot($1, $2, $3)', [botId, home.serverId, granted.toString()]);
}, 60_000);
afterAll(async () => {
  await service?.stop();
  await stack?.stop();
});

const exchange = (token: string | undefined, init: RequestInit = {}) =>
  fetch(`${service.url}/api/bots/token`, {
    method: 'POST',
    headers: token ? { authorization: `Bot ${token}` } : {},
    ...init,
  });

interface BotSession {
  access_token: string;
  expires_in: number;
  expires_at: number;
  refresh_token?: string;
  user: { id: string };
  bot: { id: string; profile_id: string };
}

/** The bot as supabase-js runs it: a client whose access token comes from the exchange. */
async function botClient(token = botToken): Promise<{ client: SupabaseClient; session: BotSession }> {
  const response = await exchange(token);
  expect(response.status).toBe(200);
  const session = (await response.json()) as BotSession;
  const client = createClient(stack.url, stack.stack.keys.anon, {
    accessToken: async () => session.access_token,
  });
  return { client, session };
}

describe('POST /api/bots/token', () => {
  it('gives the bot a session of its own auth user, linked to its bot profile, once', async () => {
    const first = await botClient();
    expect(first.session).toMatchObject({ bot: { id: botId, profile_id: botProfileId } });
    expect(first.session.refresh_token).toBeUndefined();
    expect(first.session.expires_at).toBeGreaterThan(Date.now() / 1000);
    const second = await botClient();
    expect(second.session.user.id).toBe(first.session.user.id);
    const { rows } = await stack.db.query<{ n: number; user_id: string; is_bot: boolean }>(
      `select (select count(*)::int from auth.users where email = $2) as n, p.user_id, p.is_bot
         from public.profiles p where p.id = $1`,
      [botProfileId, `bot-${botId}@bots.harmony.invalid`],
    );
    expect(rows[0]).toEqual({ n: 1, user_id: first.session.user.id, is_bot: true });
    // Only the bot's profile: the signup trigger made no second one.
    const profiles = await stack.db.query('select 1 from public.profiles where user_id = $1', [
      first.session.user.id,
    ]);
    expect(profiles.rowCount).toBe(1);
  });

  it('posts and reads through RLS like a member, as its own profile', async () => {
    const { client } = await botClient();
    const { data, error } = await client
      .from('messages')
      .insert({ channel_id: home.textChannelId, content: 'hello from the bot' })
      .select('author_id')
      .single();
    expect(error).toBeNull();
    expect(data?.author_id).toBe(botProfileId);
    const read = await client.from('messages').select('content').eq('channel_id', home.textChannelId);
    expect(read.data?.map((m) => m.content)).toContain('hello from the bot');
  });

  it('refuses a missing, unknown or revoked token', async () => {
    const missing = await exchange(undefined);
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ error_code: 'validation_failed' });
    const unknown = await exchange(`hbot_${'0'.repeat(64)}`);
    expect(unknown.status).toBe(401);
    expect(await unknown.json()).toEqual({
      code: 401,
      error_code: 'invalid_credentials',
      msg: 'Invalid or revoked bot token',
    });
    const { rows } = await owner.api.query<{ t: string }>('select public.regenerate_bot_token($1) as t', [
      botId,
    ]);
    const fresh = rows[0]?.t as string;
    expect((await exchange(botToken)).status).toBe(401);
    const body = await exchange(undefined, {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: fresh }),
    });
    expect(body.status).toBe(200);
    botToken = fresh;
    // Someone else cannot regenerate (or learn of) the bot's token.
    await expect(stranger.api.query('select public.regenerate_bot_token($1)', [botId])).rejects.toMatchObject(
      {
        code: 'PT404',
      },
    );
  });
});

describe('a bot token cannot act outside its servers and permissions', () => {
  it('sees and posts nothing in a server it was not added to', async () => {
    await stranger.api.query(
      `insert into public.messages (channel_id, content) values ($1, 'private talk')`,
      [elsewhere.textChannelId],
    );
    const { client } = await botClient();
    const read = await client.from('messages').select('id').eq('channel_id', elsewhere.textChannelId);
    expect(read.data).toEqual([]);
    const post = await client
      .from('messages')
      .insert({ channel_id: elsewhere.textChannelId, content: 'spam' });
    expect(post.error?.code).toBe('42501');
    const servers = await client.from('servers').select('id');
    expect(servers.data?.map((s) => s.id)).toEqual([home.serverId]);
  });

  it('cannot join a server through an invite, nor add itself anywhere', async () => {
    const code = await rpc<string>(stranger.api, 'create_invite', elsewhere.serverId);
    const { client } = await botClient();
    const join = await client.rpc('join_server_by_invite', { p_code: code });
    expect(join.error?.code).toBe('42501');
    const install = await client.rpc('install_bot', {
      p_bot_id: botId,
      p_server_id: elsewhere.serverId,
      p_permissions: 0,
    });
    expect(install.error).not.toBeNull();
    const members = await stack.db.query(
      'select 1 from public.server_members where server_id = $1 and profile_id = $2',
      [elsewhere.serverId, botProfileId],
    );
    expect(members.rowCount).toBe(0);
  });

  it('is held to a channel’s overwrites like anyone', async () => {
    await setOverwrite(
      stack.db,
      home.textChannelId,
      { member: botProfileId },
      {
        deny: await bits(stack.db, ['SEND_MESSAGES']),
      },
    );
    const { client } = await botClient();
    const post = await client.from('messages').insert({ channel_id: home.textChannelId, content: 'denied' });
    expect(post.error?.code).toBe('42501');
    await stack.db.query('delete from public.channel_overwrites where channel_id = $1 and target_id = $2', [
      home.textChannelId,
      botProfileId,
    ]);
  });

  it('creates no server, opens no DM or group DM and sends no friend request', async () => {
    const { client } = await botClient();
    const server = await client.rpc('create_server', { p_name: 'Bot land' });
    expect(server.error).toMatchObject({ code: '42501', message: 'bots cannot create or own servers' });
    // The owner shares a server with the bot, which is what lets members DM each other.
    const dm = await client.rpc('open_dm', { p_profile_id: owner.profileId });
    expect(dm.error).toMatchObject({
      code: '42501',
      message: 'bots cannot open direct messages or group DMs',
    });
    const group = await client.rpc('create_group_dm', {
      p_profile_ids: [owner.profileId, stranger.profileId],
    });
    expect(group.error).toMatchObject({
      code: '42501',
      message: 'bots cannot open direct messages or group DMs',
    });
    const request = await client.rpc('send_friend_request', { p_username: owner.username });
    expect(request.error).toMatchObject({
      code: '42501',
      message: 'bots cannot send or receive friend requests',
    });
    const { rows } = await stack.db.query<{ servers: number; dms: number; requests: number }>(
      `select (select count(*)::int from public.servers where owner_id = $1) as servers,
              (select count(*)::int from public.channel_recipients where profile_id = $1) as dms,
              (select count(*)::int from public.friend_requests where sender_id = $1) as requests`,
      [botProfileId],
    );
    expect(rows[0]).toEqual({ servers: 0, dms: 0, requests: 0 });
  });

  it('has a managed role that admins cannot rename, re-permission, delete or hand out', async () => {
    const role = await stack.db.query<{ role_id: string; managed: boolean }>(
      `select i.role_id, r.managed from public.bot_server_installs i join public.roles r on r.id = i.role_id
        where i.bot_id = $1 and i.server_id = $2`,
      [botId, home.serverId],
    );
    const { role_id: roleId, managed } = role.rows[0] ?? {};
    expect(managed).toBe(true);
    const refused = { code: '42501' };
    await expect(
      owner.api.query('select public.update_role(p_role_id => $1, p_name => $2)', [roleId, 'Renamed']),
    ).rejects.toMatchObject(refused);
    await expect(
      owner.api.query('select public.update_role(p_role_id => $1, p_permissions => $2)', [
        roleId,
        (await bits(stack.db, ['MANAGE_MESSAGES'])).toString(),
      ]),
    ).rejects.toMatchObject(refused);
    await expect(rpc(owner.api, 'delete_role', roleId)).rejects.toMatchObject(refused);
    const member = await createUser(stack.db, 'botrolemember');
    await addMember(stack.db, home.serverId, member);
    await expect(
      rpc(owner.api, 'assign_role', home.serverId, member.profileId, roleId),
    ).rejects.toMatchObject(refused);
    await expect(rpc(owner.api, 'remove_role', home.serverId, botProfileId, roleId)).rejects.toMatchObject(
      refused,
    );
    // Its colour is the admin's to choose, as in Discord.
    await rpc(owner.api, 'update_role', roleId, null, null, 0x5865f2);
    const after = await stack.db.query(
      `select r.name, r.color, (select count(*)::int from public.member_roles m where m.role_id = r.id) as holders
         from public.roles r where r.id = $1`,
      [roleId],
    );
    expect(after.rows[0]).toEqual({ name: 'Helper Bot', color: 0x5865f2, holders: 1 });
  });

  it('a kicked bot loses its install and cannot come back by invite', async () => {
    const member = await createUser(stack.db, 'botkickmember');
    await addMember(stack.db, home.serverId, member);
    await stack.db.query('delete from public.server_members where server_id = $1 and profile_id = $2', [
      home.serverId,
      botProfileId,
    ]);
    const installs = await stack.db.query('select 1 from public.bot_server_installs where bot_id = $1', [
      botId,
    ]);
    expect(installs.rowCount).toBe(0);
    // Its managed role went with it.
    const roles = await stack.db.query(
      `select 1 from public.roles where server_id = $1 and name = 'Helper Bot'`,
      [home.serverId],
    );
    expect(roles.rowCount).toBe(0);
    const code = await rpc<string>(owner.api, 'create_invite', home.serverId);
    const { client } = await botClient();
    expect((await client.rpc('join_server_by_invite', { p_code: code })).error?.code).toBe('42501');
  });
});

it('a person cannot sign up into a bot’s profile (app_metadata is the service role’s)', async () => {
  const { rows } = await owner.api.query<{ bot_id: string }>(`select * from public.create_bot('Target Bot')`);
  const target = rows[0]?.bot_id as string;
  const { data, error } = await stack.anon().auth.signUp({
    email: 'hijack@example.test',
    password: 'correct horse battery',
    options: { data: { harmony_bot_id: target, username: 'hijacker' } },
  });
  expect(error).toBeNull();
  const { rows: linked } = await stack.db.query<{ user_id: string | null }>(
    'select p.user_id from public.bots b join public.profiles p on p.id = b.profile_id where b.id = $1',
    [target],
  );
  expect(linked[0]?.user_id).toBeNull();
  const own = await stack.db.query<{ is_bot: boolean }>(
    'select is_bot from public.profiles where user_id = $1',
    [data.user?.id],
  );
  expect(own.rows[0]?.is_bot).toBe(false);
});
