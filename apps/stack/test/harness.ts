import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '@harmony/db/testing';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import pino from 'pino';
import { loadStackConfig, type StackConfig } from '../src/config.js';
import { type RunningStack, startStack } from '../src/server.js';

export const TEST_JWT_SECRET = 'test-only-jwt-secret-with-at-least-32-characters';

export interface TestStack {
  db: TestDatabase;
  stack: RunningStack;
  url: string;
  /** A supabase-js client with the anon key and no stored session. */
  anon(): SupabaseClient;
  /** A supabase-js client with the service_role key. */
  service(): SupabaseClient;
  stop(): Promise<void>;
}

/** The real stack, in-process on a free port, over a fresh clone of the migrated database. */
export async function startTestStack(env: NodeJS.ProcessEnv = {}): Promise<TestStack> {
  const db = await createTestDatabase();
  const storageDir = mkdtempSync(join(tmpdir(), 'harmony-storage-'));
  const config: StackConfig = loadStackConfig({
    JWT_SECRET: TEST_JWT_SECRET,
    HARMONY_STACK_PORT: '0',
    HARMONY_STORAGE_DIR: storageDir,
    ...env,
  });
  const stack = await startStack(config, db.url(), pino({ level: 'silent' }));
  const client = (key: string) =>
    createClient(stack.url, key, {
      auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
    });
  return {
    db,
    stack,
    url: stack.url,
    anon: () => client(stack.keys.anon),
    service: () => client(stack.keys.serviceRole),
    stop: async () => {
      await stack.stop();
      await db.close();
      rmSync(storageDir, { recursive: true, force: true });
    },
  };
}
