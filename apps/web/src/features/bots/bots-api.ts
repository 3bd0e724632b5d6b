import { call, rpc, table } from './untyped-api.js';

export interface Application {
  id: string;
  profile_id: string;
  name: string;
  description: string;
  is_public: boolean;
  created_at: string;
}

export interface BotToken {
  id: string;
  token_prefix: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

/** The link a server admin opens to add the bot, asking for these permissions. */
export const botInviteUrl = (botId: string, permissions: bigint) =>
  `${window.location.origin}${window.location.pathname}#/bot/${botId}?permissions=${permissions}`;

export const myApplications = async (ownerProfileId: string): Promise<Application[]> =>
  call(
    table('bots')
      .select('id, profile_id, name, description, is_public, created_at')
      .eq('owner_id', ownerProfileId)
      .order('created_at'),
  );

export const applicationById = async (botId: string): Promise<Application | null> =>
  call(
    table('bots')
      .select('id, profile_id, name, description, is_public, created_at')
      .eq('id', botId)
      .maybeSingle(),
  );

/** Creates the application and its bot user's profile; the token is shown once. */
export async function createApplication(name: string, description: string) {
  const rows = await call<{ bot_id: string; token: string }[]>(
    rpc('create_bot', { p_name: name, p_description: description }),
  );
  const created = rows[0];
  if (!created) throw new Error('The application was not created.');
  return { botId: created.bot_id, token: created.token };
}

/** Revokes every token of the bot and returns a new one (shown once). */
export const regenerateBotToken = (botId: string) =>
  call<string>(rpc('regenerate_bot_token', { p_bot_id: botId }));

export const setApplicationPublic = (botId: string, isPublic: boolean) =>
  call(table('bots').update({ is_public: isPublic }).eq('id', botId));

export const installBot = (botId: string, serverId: string, permissions: bigint) =>
  call(rpc('install_bot', { p_bot_id: botId, p_server_id: serverId, p_permissions: permissions.toString() }));
