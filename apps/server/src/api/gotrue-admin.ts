import type { SupabaseAdmin } from '../config.js';

/** A session as GoTrue's /verify answers it (the fields bots use). */
export interface GoTrueSession {
  access_token: string;
  token_type: string;
  expires_in: number;
  expires_at?: number;
  refresh_token: string;
  user: { id: string };
}

export class GoTrueError extends Error {
  override name = 'GoTrueError';
  constructor(
    readonly status: number,
    readonly errorCode: string | undefined,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The few GoTrue calls bot sign-in makes with the service role key. They work the same on
 * Supabase Cloud, self-hosted Supabase and the local stack: no JWT secret is needed here.
 */
export function goTrueAdmin(supabase: SupabaseAdmin, forwardedFor?: string) {
  const call = async <T>(path: string, body: unknown): Promise<T> => {
    const response = await fetch(`${supabase.url}/auth/v1${path}`, {
      method: 'POST',
      headers: {
        apikey: supabase.serviceRoleKey,
        authorization: `Bearer ${supabase.serviceRoleKey}`,
        'content-type': 'application/json',
        // GoTrue limits verifications per client address: count the bot's, not this server's.
        ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}),
      },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    const json = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    if (!response.ok) {
      const code = (json.error_code ?? json.code) as string | undefined;
      throw new GoTrueError(
        response.status,
        typeof code === 'string' ? code : undefined,
        String(json.msg ?? json.message ?? response.statusText),
      );
    }
    return json as T;
  };
  return {
    /** An auth user for a bot; app_metadata (only the service role sets it) links it to the bot's profile. */
    createBotUser: (email: string, botId: string) =>
      call<{ id: string }>('/admin/users', {
        email,
        email_confirm: true,
        app_metadata: { harmony_bot_id: botId },
      }),
    /** A sign-in for an existing user without sending mail: a magic link's hashed token, verified at once. */
    async signIn(email: string): Promise<GoTrueSession> {
      const link = await call<{ hashed_token?: string; properties?: { hashed_token?: string } }>(
        '/admin/generate_link',
        { type: 'magiclink', email },
      );
      const tokenHash = link.hashed_token ?? link.properties?.hashed_token;
      if (!tokenHash) throw new GoTrueError(502, undefined, 'generate_link gave no hashed_token');
      return call<GoTrueSession>('/verify', { type: 'magiclink', token_hash: tokenHash });
    },
  };
}
