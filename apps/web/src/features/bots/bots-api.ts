import { client } from '../../app/stores.js';
import { maskToNumber } from '../../lib/permission-editor.js';
import type { Row } from '../../lib/types.js';
import { unwrap } from '../../lib/unwrap.js';

export type Application = Pick<
  Row<'bots'>,
  'id' | 'profile_id' | 'name' | 'description' | 'is_public' | 'created_at'
>;

export type BotToken = Pick<
  Row<'bot_tokens'>,
  'id' | 'token_prefix' | 'created_at' | 'last_used_at' | 'revoked_at'
>;

/** The link a server admin opens to add the bot, asking for these permissions. */
export const botInviteUrl = (botId: string, permissions: bigint) =>
  `${window.location.origin}${window.location.pathname}#/bot/${botId}?permissions=${permissions}`;

export const myApplications = async (ownerProfileId: string): Promise<Application[]> =>
  unwrap(
    client
      .from('bots')
      .select('id, profile_id, name, description, is_public, created_at')
      .eq('owner_id', ownerProfileId)
      .order('created_at'),
  );

export const applicationById = async (botId: string): Promise<Application | null> =>
  unwrap(
    client
      .from('bots')
      .select('id, profile_id, name, description, is_public, created_at')
      .eq('id', botId)
      .maybeSingle(),
  );

/** Creates the application and its bot user's profile; the token is shown once. */
export async function createApplication(name: string, description: string) {
  const rows = await unwrap(client.rpc('create_bot', { p_name: name, p_description: description }));
  const created = rows[0];
  if (!created) throw new Error('The application was not created.');
  return { botId: created.bot_id, token: created.token };
}

/** Revokes every token of the bot and returns a new one (shown once). */
export const regenerateBotToken = (botId: string) =>
  unwrap(client.rpc('regenerate_bot_token', { p_bot_id: botId }));

export const setApplicationPublic = (botId: string, isPublic: boolean) =>
  unwrap(client.from('bots').update({ is_public: isPublic }).eq('id', botId));

export const installBot = (botId: string, serverId: string, permissions: bigint) =>
  unwrap(
    client.rpc('install_bot', {
      p_bot_id: botId,
      p_server_id: serverId,
      p_permissions: maskToNumber(permissions),
    }),
  );
