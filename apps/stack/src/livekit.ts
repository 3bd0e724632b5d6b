import pg from 'pg';

export interface LiveKitSettings {
  apiKey: string;
  apiSecret: string;
  url: string;
}

/** LIVEKIT_URL / LIVEKIT_API_KEY / LIVEKIT_API_SECRET, when all three are set. */
export function liveKitFromEnv(env: NodeJS.ProcessEnv = process.env): LiveKitSettings | null {
  const { LIVEKIT_URL: url, LIVEKIT_API_KEY: apiKey, LIVEKIT_API_SECRET: apiSecret } = env;
  return url && apiKey && apiSecret ? { url, apiKey, apiSecret } : null;
}

/**
 * Stores the LiveKit credentials where get_livekit_token() reads them (a private table no
 * API role can see), through the service-role-only set_livekit_config().
 */
export async function configureLiveKit(databaseUrl: string, settings: LiveKitSettings): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('begin');
    await client.query('set local role service_role');
    await client.query('select public.set_livekit_config($1, $2, $3)', [
      settings.apiKey,
      settings.apiSecret,
      settings.url,
    ]);
    await client.query('commit');
  } catch (error) {
    await client.query('rollback');
    throw error;
  } finally {
    await client.end();
  }
}
