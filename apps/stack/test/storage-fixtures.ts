import { randomUUID } from 'node:crypto';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { signJwt } from '../src/jwt.js';
import { TEST_JWT_SECRET, type TestStack } from './harness.js';

/** A signed-up user (a row in auth.users; the signup trigger makes the profile) with a client. */
export interface StorageUser {
  id: string;
  token: string;
  client: SupabaseClient;
}

export async function createStorageUser(t: TestStack): Promise<StorageUser> {
  const id = randomUUID();
  const email = `${id.slice(0, 8)}@example.test`;
  await t.db.query(
    `insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
                             raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
     values ('00000000-0000-0000-0000-000000000000', $1, 'authenticated', 'authenticated', $2, '',
             now(), '{"provider":"email","providers":["email"]}', '{}', now(), now())`,
    [id, email],
  );
  const token = await accessToken(id);
  return { id, token, client: clientWithToken(t, token) };
}

export function accessToken(sub: string, extra: Record<string, unknown> = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return signJwt(
    { sub, role: 'authenticated', aud: 'authenticated', iat: now, exp: now + 3600, ...extra },
    TEST_JWT_SECRET,
  );
}

export function clientWithToken(t: TestStack, token: string): SupabaseClient {
  return createClient(t.url, t.stack.keys.anon, {
    accessToken: async () => token,
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
  });
}

/** Creates a bucket directly in SQL, as a migration would. */
export async function sqlBucket(
  t: TestStack,
  id: string,
  options: { public?: boolean; fileSizeLimit?: number; allowedMimeTypes?: string[] } = {},
): Promise<void> {
  await t.db.query(
    `insert into storage.buckets (id, name, public, file_size_limit, allowed_mime_types)
     values ($1, $1, $2, $3, $4)`,
    [id, options.public ?? false, options.fileSizeLimit ?? null, options.allowedMimeTypes ?? null],
  );
}

export const text = (value: string) => new Blob([value], { type: 'text/plain' });

/** Raw request to the storage API (for status codes and headers supabase-js hides). */
export function storageFetch(t: TestStack, path: string, init: RequestInit & { token?: string } = {}) {
  const headers = new Headers(init.headers);
  if (init.token) headers.set('authorization', `Bearer ${init.token}`);
  return fetch(`${t.url}/storage/v1${path}`, { ...init, headers });
}
