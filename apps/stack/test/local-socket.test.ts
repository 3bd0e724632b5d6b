import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@harmony/db';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../src/local.js';
import { closeClients, subscribed, waitFor } from './realtime-helpers.js';

/**
 * `pnpm dev`'s stack on its own embedded PostgreSQL talks to it over the cluster's Unix-domain
 * socket: every service (REST, auth, storage, Realtime's replication stream) works through it,
 * while the printed database URL stays TCP for other tools.
 */
const dir = mkdtempSync(join(tmpdir(), 'harmony-sock-'));
chmodSync(dir, 0o755);
let local: LocalStack;
const clients: SupabaseClient[] = [];

beforeAll(async () => {
  local = await startLocalStack({
    DATABASE_URL: '',
    HARMONY_PG_DATA: join(dir, 'pg'),
    HARMONY_PG_PORT: String(await freePort()),
    HARMONY_STACK_PORT: '0',
    HARMONY_STORAGE_DIR: join(dir, 'storage'),
    HARMONY_INBOX_ENABLED: 'false',
    JWT_SECRET: 'test-only-jwt-secret-with-at-least-32-characters',
    LOG_LEVEL: 'silent',
  });
}, 120_000);
afterAll(async () => {
  await closeClients(...clients);
  await local?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('the local stack on its embedded PostgreSQL', () => {
  it('serves auth, REST, storage and Realtime over the Unix-domain socket', async () => {
    const client = createClient(local.stack.url, local.stack.keys.anon, {
      auth: { persistSession: false, autoRefreshToken: false },
    });
    clients.push(client);
    const email = `socket.${Date.now().toString(36)}@example.com`;
    const { data: signUp, error } = await client.auth.signUp({ email, password: 'socket pass 1' });
    expect(error).toBeNull();
    const userId = signUp.user?.id as string;

    const profile = await client.from('profiles').select('user_id').eq('user_id', userId).single();
    expect(profile.error).toBeNull();
    expect(profile.data).toEqual({ user_id: userId });

    const png = new Blob([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10])], { type: 'image/png' });
    expect((await client.storage.from('avatars').upload(`${userId}/picture.png`, png)).error).toBeNull();

    const received: unknown[] = [];
    await subscribed(
      client
        .channel('room:socket')
        .on('broadcast', { event: 'hello' }, ({ payload }) => received.push(payload)),
    );
    await local.stack.ctx.db.admin.query(
      `select realtime.send('{"via":"database"}'::jsonb, 'hello', 'room:socket', false)`,
    );
    await waitFor(() => received.length > 0);
    expect(received[0]).toMatchObject({ via: 'database' });

    // Every connection the stack holds, Realtime's replication connection included, is local:
    // no client address, as for a Unix-domain socket (a TCP connection has 127.0.0.1).
    const { rows } = await local.stack.ctx.db.admin.query<{
      usename: string;
      backend_type: string;
      tcp: boolean;
    }>(
      `select usename, backend_type, client_addr is not null as tcp
         from pg_stat_activity where usename is not null order by usename, backend_type`,
    );
    const roles = new Set(rows.map((r) => r.usename));
    for (const role of ['authenticator', 'supabase_auth_admin', 'supabase_storage_admin', 'supabase_admin'])
      expect(roles).toContain(role);
    expect(rows.some((r) => r.backend_type === 'walsender')).toBe(true);
    expect(rows.filter((r) => r.tcp)).toEqual([]);
  });

  it('prints a TCP database URL for other tools, and says which URL the stack itself uses', () => {
    expect(new URL(local.databaseUrl).hostname).toBe('127.0.0.1');
    expect(new URL(local.stackDatabaseUrl).searchParams.get('host')).toBe(join(dir, 'pg'));
    expect(new URL(local.printedDatabaseUrl).searchParams.has('host')).toBe(false);
  });
});
