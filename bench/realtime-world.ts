import { randomUUID } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@harmony/db';
import { type LocalStack, signJwt, startLocalStack } from '@harmony/stack';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import pg from 'pg';

/**
 * What the realtime benchmarks share: a throwaway PostgreSQL and stack, one server whose
 * members are real users with tokens, one text channel, and an author who inserts messages
 * the way PostgREST would (authenticator role, claims, RLS).
 */
export interface Member {
  userId: string;
  profileId: string;
  token: string;
}

export interface RealtimeWorld {
  local: LocalStack;
  /** The cluster's data directory (its postmaster.pid names the server process). */
  postgresDataDir: string;
  owner: Member;
  members: Member[];
  channelId: string;
  insertMessage(content: string): Promise<void>;
  /** A supabase-js client signed in as `member` (its Realtime token set before any join). */
  clientFor(member: Member): Promise<SupabaseClient>;
  close(): Promise<void>;
}

const SECRET = 'bench-only-jwt-secret-with-at-least-32-characters';

export async function startRealtimeWorld(memberCount: number): Promise<RealtimeWorld> {
  const dataDir = mkdtempSync(join(tmpdir(), 'harmony-bench-realtime-'));
  // As root, PostgreSQL runs as the OS user postgres, which must be able to enter the directory.
  chmodSync(dataDir, 0o755);
  const local = await startLocalStack({
    ...process.env,
    DATABASE_URL: '',
    HARMONY_PG_DATA: join(dataDir, 'pg'),
    HARMONY_PG_PORT: String(await freePort()),
    HARMONY_STACK_PORT: String(await freePort()),
    HARMONY_STORAGE_DIR: join(dataDir, 'storage'),
    JWT_SECRET: SECRET,
    LOG_LEVEL: 'warn',
  });
  const admin = new pg.Pool({ connectionString: local.databaseUrl, max: 4 });
  const [owner, ...members] = await createMembers(admin, memberCount + 1);
  if (!owner) throw new Error('no users');
  const channelId = await createServerWithChannel(admin, owner, members);
  // The author writes through the authenticator role with its claims, as PostgREST does.
  const authorPool = new pg.Pool({
    connectionString: local.databaseUrl.replace(/\/\/[^:]+:/, '//authenticator:'),
    max: 1,
  });
  const claims = JSON.stringify({ sub: owner.userId, role: 'authenticated' });
  return {
    local,
    postgresDataDir: join(dataDir, 'pg'),
    owner,
    members,
    channelId,
    async insertMessage(content) {
      const client = await authorPool.connect();
      try {
        await client.query('begin');
        await client.query(
          `select set_config('role', 'authenticated', true), set_config('request.jwt.claims', $1, true)`,
          [claims],
        );
        await client.query('insert into public.messages (channel_id, content) values ($1, $2)', [
          channelId,
          content,
        ]);
        await client.query('commit');
      } finally {
        client.release();
      }
    },
    async clientFor(member) {
      const client = createClient(local.stack.url, local.stack.keys.anon, {
        auth: { persistSession: false, autoRefreshToken: false },
        accessToken: async () => member.token,
      });
      // supabase-js hands the accessToken result to Realtime asynchronously; a channel
      // subscribed before that would join with the anon key.
      await client.realtime.setAuth(member.token);
      return client;
    },
    async close() {
      await authorPool.end();
      await admin.end();
      await local.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function createMembers(admin: pg.Pool, count: number): Promise<Member[]> {
  const ids = Array.from({ length: count }, () => randomUUID());
  await admin.query(
    `insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
                             raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
     select '00000000-0000-0000-0000-000000000000', id, 'authenticated', 'authenticated',
            'bench-' || id || '@example.test', '', now(), '{"provider":"email","providers":["email"]}',
            jsonb_build_object('username', 'b' || replace(left(id::text, 13), '-', '')), now(), now()
       from unnest($1::uuid[]) as id`,
    [ids],
  );
  const { rows } = await admin.query<{ id: string; user_id: string }>(
    'select id, user_id from public.profiles where user_id = any($1::uuid[])',
    [ids],
  );
  const exp = Math.floor(Date.now() / 1000) + 3600;
  return Promise.all(
    rows.map(async (r) => ({
      userId: r.user_id,
      profileId: r.id,
      token: await signJwt({ sub: r.user_id, role: 'authenticated', aud: 'authenticated', exp }, SECRET),
    })),
  );
}

async function createServerWithChannel(admin: pg.Pool, owner: Member, members: Member[]): Promise<string> {
  const serverId = randomUUID();
  await admin.query('insert into public.servers (id, name, owner_id) values ($1, $2, $3)', [
    serverId,
    'Bench',
    owner.profileId,
  ]);
  await admin.query(
    `insert into public.roles (id, server_id, name, position, permissions)
     values ($1, $1, '@everyone', 0, public.default_everyone_permissions())`,
    [serverId],
  );
  await admin.query(
    'insert into public.server_members (server_id, profile_id) select $1, unnest($2::uuid[])',
    [serverId, [owner.profileId, ...members.map((m) => m.profileId)]],
  );
  const { rows } = await admin.query<{ id: string }>(
    `insert into public.channels (server_id, type, name, position) values ($1, 'text', 'general', 0) returning id`,
    [serverId],
  );
  return rows[0]?.id as string;
}

export interface Latencies {
  p50: number;
  p99: number;
  delivered: number;
  expected: number;
}

const percentile = (sorted: number[], p: number) =>
  sorted.length
    ? (sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number)
    : NaN;

export function summarize(latencies: number[], expected: number): Latencies {
  const sorted = [...latencies].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), delivered: latencies.length, expected };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function waitUntil(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check() && Date.now() < deadline) await sleep(5);
}
