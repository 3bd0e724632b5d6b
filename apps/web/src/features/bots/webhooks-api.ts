import { call, rpc, table } from './untyped-api.js';

export interface Webhook {
  id: string;
  channel_id: string;
  name: string;
  mention_everyone: boolean;
  created_at: string;
}

/** The URL other services POST to: apps/server's route on the web origin (its /api/ proxy). */
export const webhookUrl = (id: string, token: string) =>
  `${window.location.origin}/api/webhooks/${id}/${token}`;

export const listWebhooks = async (channelId: string): Promise<Webhook[]> =>
  call(
    table('webhooks')
      .select('id, channel_id, name, mention_everyone, created_at')
      .eq('channel_id', channelId)
      .order('created_at'),
  );

export async function createWebhook(channelId: string, name: string, mentionEveryone: boolean) {
  const rows = await call<{ webhook_id: string; token: string }[]>(
    rpc('create_webhook', { p_channel_id: channelId, p_name: name, p_mention_everyone: mentionEveryone }),
  );
  const created = rows[0];
  if (!created) throw new Error('The webhook was not created.');
  return webhookUrl(created.webhook_id, created.token);
}

export async function regenerateWebhook(id: string): Promise<string> {
  return webhookUrl(id, await call<string>(rpc('regenerate_webhook_token', { p_webhook_id: id })));
}

export const deleteWebhook = (id: string) => call(rpc('delete_webhook', { p_webhook_id: id }));
