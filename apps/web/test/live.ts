import type { Database } from '@harmony/shared';
import { startTestStack, type TestStack } from '@harmony/stack/testing';
import { createClient } from '@supabase/supabase-js';
import type { HarmonyClient } from '../src/lib/supabase.js';

/** A signed-in supabase-js client against the real local stack, as the browser would hold it. */
export async function signedInClient(t: TestStack, username: string): Promise<HarmonyClient> {
  const client = createClient<Database>(t.url, t.stack.keys.anon, {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
  });
  const { error } = await client.auth.signUp({
    email: `${username}@example.test`,
    password: 'a-long-enough-password',
    options: { data: { username } },
  });
  if (error) throw error;
  return client;
}

export { startTestStack, type TestStack };

/** The profile id of the client's signed-in user. */
export async function profileIdOf(client: HarmonyClient): Promise<string> {
  const { data } = await client.auth.getUser();
  const row = await client
    .from('profiles')
    .select('id')
    .eq('user_id', data.user?.id ?? '')
    .single();
  return row.data?.id as string;
}

export async function until<T>(check: () => T | undefined | null | false, timeoutMs = 8000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting for a condition');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
