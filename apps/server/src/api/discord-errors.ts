import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/**
 * Errors in Discord's API envelope ({message, code, errors?}) with its JSON error codes, so
 * tools written for Discord's webhooks read them as they would there.
 */
export const DISCORD = {
  unknownWebhook: { status: 404, code: 10015, message: 'Unknown Webhook' },
  invalidWebhookToken: { status: 401, code: 50027, message: 'Invalid Webhook Token' },
  emptyMessage: { status: 400, code: 50006, message: 'Cannot send an empty message' },
  invalidFormBody: { status: 400, code: 50035, message: 'Invalid Form Body' },
  invalidJson: { status: 400, code: 50109, message: 'The request body contains invalid JSON.' },
  tooLarge: { status: 413, code: 40005, message: 'Request entity too large' },
  missingPermissions: { status: 403, code: 50013, message: 'Missing Permissions' },
} as const;

export type DiscordError = (typeof DISCORD)[keyof typeof DISCORD];

export function discordError(
  c: Context,
  error: DiscordError,
  detail?: { message?: string; errors?: unknown },
) {
  return c.json(
    {
      message: detail?.message ?? error.message,
      code: error.code,
      ...(detail?.errors ? { errors: detail.errors } : {}),
    },
    error.status as ContentfulStatusCode,
  );
}

/** 429 as Discord sends it: Retry-After (whole seconds) and retry_after (seconds, fractional). */
export function rateLimited(c: Context, retryAfterMs: number) {
  c.header('Retry-After', String(Math.max(1, Math.ceil(retryAfterMs / 1000))));
  return c.json(
    { message: 'You are being rate limited.', retry_after: retryAfterMs / 1000, global: false },
    429,
  );
}
