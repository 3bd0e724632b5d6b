import type { Database } from '@harmony/shared';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { authStorageKey } from '../boot/early-fetch.js';
// Evaluated first: reads what an auth mail's link landed with before supabase-js clears it.
import '../features/account/landing.js';

export type HarmonyClient = SupabaseClient<Database>;

export interface ClientConfig {
  url: string;
  anonKey: string;
}

/** The build-time configuration: VITE_SUPABASE_URL / VITE_SUPABASE_ANON_KEY (pnpm dev sets both). */
export function readConfig(env: Record<string, string | undefined> = import.meta.env): ClientConfig | null {
  const url = env.VITE_SUPABASE_URL;
  const anonKey = env.VITE_SUPABASE_ANON_KEY;
  return url && anonKey ? { url, anonKey } : null;
}

export function createHarmonyClient(config: ClientConfig, storageKey?: string): HarmonyClient {
  return createClient<Database>(config.url, config.anonKey, {
    auth: {
      persistSession: true,
      autoRefreshToken: true,
      detectSessionInUrl: true,
      // Named here too: the early fetches read the stored session under the same key.
      storageKey: storageKey ?? authStorageKey(config.url),
    },
    realtime: { params: { eventsPerSecond: 20 } },
  });
}

const config = readConfig();
/** The app's one client; null when the build has no backend configured (the UI says so). */
export const supabase: HarmonyClient | null = config ? createHarmonyClient(config) : null;

export function requireClient(): HarmonyClient {
  if (!supabase)
    throw new Error('Harmony is not configured: set VITE_SUPABASE_URL and VITE_SUPABASE_ANON_KEY');
  return supabase;
}
