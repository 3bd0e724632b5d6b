import { client } from '../../app/stores.js';
import type { Row } from '../../lib/types.js';
import { unwrap } from '../../lib/unwrap.js';

export type Webhook = Pick<Row<'webhooks'>, 'id' | 'channel_id' | 'name' | 'mention_everyone' | 'created_at'>;

/** The URL other services POST to: apps/server's route on the web origin (its /api/ proxy). */
export const webhookUrl = (id: string, token: string) =>
  `${window.location.origin}/api/webhooks/${id}/${token}`;

export const listWebhooks = async (channelId: string): Promise<Webhook[]> =>
  unwrap(
    client
      .from('webhooks')
      .select('id, channel_id, name, mention_everyone, created_at')
      .eq('channel_id', channelId)
      .order('created_at'),
  );

export async function createWebhook(channelId: string, name: string, mentionEveryone: boolean) {
  const rows = await unwrap(
    client.rpc('create_webhook', {
      p_channel_id: channelId,
      p_name: name,
      p_mention_everyone: mentionEveryone,
    }),
  );
  const created = rows[0];
  if (!created) throw new Error('The webhook was not created.');
  return webhookUrl(created.webhook_id, created.token);
}

export async function regenerateWebhook(id: string): Promise<string> {
  return webhookUrl(id, await unwrap(client.rpc('regenerate_webhook_token', { p_webhook_id: id })));
}

export const deleteWebhook = (id: string) => unwrap(client.rpc('delete_webhook', { p_webhook_id: id }));
