import { sql } from 'drizzle-orm';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { sqlMessage, sqlState } from '../db/errors.js';
import type { ApiContext } from './context.js';
import { DISCORD, type DiscordError, discordError, rateLimited } from './discord-errors.js';
import { BODY_LIMIT_BYTES, formErrors, isEmpty, WebhookPayload } from './webhook-payload.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What execute_webhook's refusals mean in Discord's terms. */
const REFUSALS: Record<string, DiscordError> = {
  PT404: DISCORD.unknownWebhook,
  '28000': DISCORD.invalidWebhookToken,
  '42501': DISCORD.missingPermissions,
  '22023': DISCORD.emptyMessage,
  '23514': DISCORD.invalidFormBody,
};

/**
 * POST /api/webhooks/:id/:token — Discord's Execute Webhook: 204, or 200 with the message
 * when ?wait=true. The URL reaches nothing but posting in its own channel.
 */
export function webhookRoutes({ db, log }: ApiContext): Hono {
  const app = new Hono();
  app.post(
    '/:id/:token',
    bodyLimit({ maxSize: BODY_LIMIT_BYTES, onError: (c) => discordError(c, DISCORD.tooLarge) }),
    async (c) => {
      const { id, token } = c.req.param();
      if (!UUID.test(id)) return discordError(c, DISCORD.unknownWebhook);
      let body: unknown;
      try {
        body = JSON.parse(await c.req.text());
      } catch {
        return discordError(c, DISCORD.invalidJson);
      }
      const parsed = WebhookPayload.safeParse(body);
      if (!parsed.success)
        return discordError(c, DISCORD.invalidFormBody, { errors: formErrors(parsed.error) });
      const payload = parsed.data;
      if (isEmpty(payload)) return discordError(c, DISCORD.emptyMessage);
      try {
        const result = await db.execute<{ message_id: string | null; retry_after_ms: number }>(
          sql`select * from public.execute_webhook(${id}::uuid, ${token}, ${payload.content ?? ''},
                ${payload.username ?? null}, ${payload.avatar_url ?? null}, ${JSON.stringify(payload.embeds ?? [])}::jsonb)`,
        );
        const row = result.rows[0];
        if (!row?.message_id) return rateLimited(c, row?.retry_after_ms ?? 1000);
        if (c.req.query('wait') !== 'true') return c.body(null, 204);
        return c.json({
          id: row.message_id,
          webhook_id: id,
          content: payload.content ?? '',
          embeds: payload.embeds ?? [],
        });
      } catch (error) {
        const refusal = REFUSALS[sqlState(error) ?? ''];
        if (!refusal) throw error;
        log.debug({ webhookId: id, reason: sqlMessage(error) }, 'webhook refused');
        return discordError(c, refusal, { message: sqlMessage(error) });
      }
    },
  );
  return app;
}
