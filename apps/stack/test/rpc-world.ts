import type { TestStack } from './harness.js';
import { createRestUser, type RestUser } from './rest-fixtures.js';

/**
 * A small Harmony built through the API as its users would: an owner's server (with a role, a
 * category, an invite, messages, a reaction), a member who joined by invite and befriended the
 * owner (a DM and a group DM), a moderator holding MANAGE_ROLES, a bot, an encryption device,
 * an outsider in no server, a foreign server the others are not in, and voice configured.
 */
export interface RpcWorld {
  owner: RestUser;
  member: RestUser;
  moderator: RestUser;
  outsider: RestUser;
  foreigner: RestUser;
  serverId: string;
  textChannelId: string;
  voiceChannelId: string;
  categoryId: string;
  roleId: string;
  modRoleId: string;
  inviteCode: string;
  messageId: string;
  memberMessageId: string;
  dmId: string;
  groupDmId: string;
  botId: string;
  botTokenId: string;
  deviceId: string;
  notificationId: string;
  friendRequestId: string;
  foreign: { serverId: string; textChannelId: string; roleId: string; messageId: string; inviteCode: string };
}

async function call<T>(user: RestUser, fn: string, args: Record<string, unknown>): Promise<T> {
  const { data, error } = await user.client.rpc(fn, args);
  if (error) throw new Error(`${fn} as ${user.username}: ${error.code} ${error.message}`);
  return data as T;
}

async function one<T>(t: TestStack, sql: string, params: unknown[]): Promise<T> {
  const { rows } = await t.db.query(sql, params);
  if (!rows[0]) throw new Error(`no row for: ${sql}`);
  return Object.values(rows[0])[0] as T;
}

async function send(user: RestUser, channelId: string, content: string): Promise<string> {
  const { data, error } = await user.client
    .from('messages')
    .insert({ channel_id: channelId, content })
    .select('id')
    .single();
  if (error) throw new Error(`send as ${user.username}: ${error.code} ${error.message}`);
  return data.id as string;
}

async function serverChannels(t: TestStack, serverId: string) {
  const { rows } = await t.db.query<{ id: string; type: string }>(
    'select id, type from public.channels where server_id = $1',
    [serverId],
  );
  const of = (type: string) => rows.find((r) => r.type === type)?.id as string;
  return { text: of('text'), voice: of('voice') };
}

export async function buildRpcWorld(t: TestStack): Promise<RpcWorld> {
  const user = (name: string) => createRestUser(t, `rpc_${name}`);
  const [o, m, mod, out, f] = await Promise.all([
    user('owner'),
    user('member'),
    user('moderator'),
    user('outsider'),
    user('foreigner'),
  ]);

  // Voice configured, so get_livekit_token runs past its configuration check.
  const { error: voiceError } = await t.service().rpc('set_livekit_config', {
    p_api_key: 'fuzz-key',
    p_api_secret: 'fuzz-secret-that-is-long-enough',
    p_server_url: 'ws://127.0.0.1:7880',
  });
  if (voiceError) throw new Error(`set_livekit_config: ${voiceError.message}`);

  const serverId = await call<string>(o, 'create_server', { p_name: 'RPC world' });
  const channels = await serverChannels(t, serverId);
  const categoryId = await call<string>(o, 'create_category', { p_server_id: serverId, p_name: 'Extra' });
  const roleId = await call<string>(o, 'create_role', {
    p_server_id: serverId,
    p_name: 'helper',
    p_permissions: 0,
  });
  const manageRoles = await one<string>(t, "select public.permission('MANAGE_ROLES')::text", []);
  const modRoleId = await call<string>(o, 'create_role', {
    p_server_id: serverId,
    p_name: 'role manager',
    p_permissions: Number(manageRoles),
  });
  const inviteCode = await call<string>(o, 'create_invite', { p_server_id: serverId, p_max_uses: 1000 });
  for (const user of [m, mod]) await call(user, 'join_server_by_invite', { p_code: inviteCode });
  await call(o, 'assign_role', { p_server_id: serverId, p_profile_id: mod.profileId, p_role_id: modRoleId });

  const messageId = await send(o, channels.text, `welcome <@${m.profileId}>`);
  const memberMessageId = await send(m, channels.text, 'thanks!');
  const { error: reactionError } = await m.client
    .from('message_reactions')
    .insert({ message_id: messageId, emoji: '👍' });
  if (reactionError) throw new Error(`react: ${reactionError.message}`);

  await call(o, 'send_friend_request', { p_username: m.username });
  await call(m, 'send_friend_request', { p_username: o.username });
  await call(out, 'send_friend_request', { p_username: m.username });
  const friendRequestId = await one<string>(t, 'select id from public.friend_requests where sender_id = $1', [
    out.profileId,
  ]);
  const dmId = await call<string>(m, 'open_dm', { p_profile_id: o.profileId });
  await send(m, dmId, 'hi in private');
  const groupDmId = await call<string>(o, 'create_group_dm', { p_profile_ids: [m.profileId] });

  const [bot] = await call<{ bot_id: string }[]>(o, 'create_bot', { p_name: 'Fuzz bot' });
  const botId = bot?.bot_id as string;
  const botTokenId = await one<string>(t, 'select id from public.bot_tokens where bot_id = $1', [botId]);
  const { data: device, error: deviceError } = await m.client
    .from('user_devices')
    .insert({
      profile_id: m.profileId,
      device_name: 'laptop',
      identity_key: 'identity-key-0123456789',
      signing_key: 'signing-key-0123456789',
    })
    .select('id')
    .single();
  if (deviceError) throw new Error(`device: ${deviceError.message}`);
  const notificationId = await one<string>(
    t,
    'select id from public.notifications where recipient_id = $1 limit 1',
    [m.profileId],
  );

  const foreignServer = await call<string>(f, 'create_server', { p_name: 'Elsewhere' });
  const foreignChannels = await serverChannels(t, foreignServer);
  const foreign = {
    serverId: foreignServer,
    textChannelId: foreignChannels.text,
    roleId: await call<string>(f, 'create_role', {
      p_server_id: foreignServer,
      p_name: 'theirs',
      p_permissions: 0,
    }),
    messageId: await send(f, foreignChannels.text, 'not for you'),
    inviteCode: await call<string>(f, 'create_invite', { p_server_id: foreignServer }),
  };

  return {
    owner: o,
    member: m,
    moderator: mod,
    outsider: out,
    foreigner: f,
    serverId,
    textChannelId: channels.text,
    voiceChannelId: channels.voice,
    categoryId,
    roleId,
    modRoleId,
    inviteCode,
    messageId,
    memberMessageId,
    dmId,
    groupDmId,
    botId,
    botTokenId,
    deviceId: device.id as string,
    notificationId,
    friendRequestId,
    foreign,
  };
}
