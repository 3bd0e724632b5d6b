import { sql } from 'drizzle-orm';
import { type Context, Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ApiContext } from './context.js';
import { GoTrueError, goTrueAdmin } from './gotrue-admin.js';

/** The address a bot's auth user is registered under: nothing is ever mailed to it (.invalid). */
export const botEmail = (botId: string) => `bot-${botId}@bots.harmony.invalid`;

/** Errors in GoTrue's envelope ({code, error_code, msg}): this is a sign-in endpoint. */
const authError = (c: Context, status: ContentfulStatusCode, errorCode: string, msg: string) =>
  c.json({ code: status, error_code: errorCode, msg }, status);

/** The bot token from `Authorization: Bot <token>` or the JSON body's `token`. */
async function presentedToken(c: Context): Promise<string | undefined> {
  const header = c.req.header('authorization');
  if (header?.startsWith('Bot ')) return header.slice(4).trim();
  const body = (await c.req.json().catch(() => null)) as { token?: unknown } | null;
  return typeof body?.token === 'string' ? body.token : undefined;
}

/**
 * POST /api/bots/token: a bot token for a normal Supabase session of the bot's own auth user
 * (created on first use). The answer has GoTrue's session fields except the refresh token: a
 * bot exchanges its token again before expires_at, so revoking the token ends it within one
 * access-token lifetime.
 */
export function botTokenRoutes({ db, config, log }: ApiContext): Hono {
  const app = new Hono();
  app.post('/token', async (c) => {
    if (!config.supabase)
      return authError(
        c,
        503,
        'bot_sign_in_disabled',
        'Bot sign-in needs SUPABASE_URL and SUPABASE_SERVICE_ROLE_KEY',
      );
    const token = await presentedToken(c);
    if (!token)
      return authError(c, 400, 'validation_failed', 'Send the bot token as "Authorization: Bot <token>"');
    const result = await db.execute<{ bot_id: string; profile_id: string; user_id: string | null }>(
      sql`select * from public.bot_token_account(${token})`,
    );
    const account = result.rows[0];
    if (!account) return authError(c, 401, 'invalid_credentials', 'Invalid or revoked bot token');

    const gotrue = goTrueAdmin(config.supabase, c.req.header('x-forwarded-for')?.split(',')[0]?.trim());
    const email = botEmail(account.bot_id);
    try {
      if (!account.user_id) {
        await gotrue.createBotUser(email, account.bot_id).catch((error: unknown) => {
          // Two first exchanges at once: the other one created it.
          if (!(error instanceof GoTrueError && error.errorCode === 'email_exists')) throw error;
        });
      }
      const session = await gotrue.signIn(email);
      return c.json({
        access_token: session.access_token,
        token_type: session.token_type,
        expires_in: session.expires_in,
        expires_at: session.expires_at ?? Math.floor(Date.now() / 1000) + session.expires_in,
        user: { id: session.user.id },
        bot: { id: account.bot_id, profile_id: account.profile_id },
      });
    } catch (error) {
      if (error instanceof GoTrueError && error.status === 429) {
        c.header('Retry-After', '60');
        return authError(c, 429, 'over_request_rate_limit', 'Too many bot sign-ins: try again in a minute');
      }
      log.error({ err: error, botId: account.bot_id }, 'bot sign-in failed');
      return authError(c, 502, 'unexpected_failure', 'The auth service did not give the bot a session');
    }
  });
  return app;
}
