/** What POST /api/bots/token answers: a normal Supabase access token for the bot's own user. */
export interface BotSession {
  access_token: string;
  expires_at: number;
  user: { id: string };
  bot: { id: string; profile_id: string };
}

/** Renew this long before the access token expires. */
const RENEW_BEFORE_SECONDS = 60;

/**
 * Exchanges the bot token for sessions at Harmony's web origin, and again shortly before each
 * expires (there is no refresh token: a revoked bot token ends the bot within one lifetime).
 */
export function botSessions(harmonyUrl: string, botToken: string) {
  let current: Promise<BotSession> | null = null;
  const exchange = async (): Promise<BotSession> => {
    const response = await fetch(`${harmonyUrl.replace(/\/+$/, '')}/api/bots/token`, {
      method: 'POST',
      headers: { authorization: `Bot ${botToken}` },
    });
    const body = (await response.json().catch(() => ({}))) as BotSession & { msg?: string };
    if (!response.ok)
      throw new Error(`bot sign-in refused (${response.status}): ${body.msg ?? 'no reason given'}`);
    return body;
  };
  return async (): Promise<BotSession> => {
    const session = await current;
    if (!current || !session || session.expires_at - RENEW_BEFORE_SECONDS < Date.now() / 1000) {
      current = exchange();
      current.catch(() => {
        current = null;
      });
    }
    return current;
  };
}
