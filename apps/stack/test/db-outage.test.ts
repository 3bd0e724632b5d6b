import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectionUrl, freePort, loadConfig, type RunningPostgres, startPostgres } from '@harmony/db';
import { buildTemplate } from '@harmony/db/testing';
import { createClient, type RealtimeChannel, type SupabaseClient } from '@supabase/supabase-js';
import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadStackConfig } from '../src/config.js';
import { type RunningStack, startStack } from '../src/server.js';
import { TEST_JWT_SECRET, type TestStack } from './harness.js';
import { createUser, RawSocket, seedServer, userToken } from './realtime-helpers.js';

/**
 * PostgreSQL stopped under a running stack, then started again. This file runs its own cluster
 * (stopping the shared one would pull the database from under every other test file).
 */
const dir = mkdtempSync(join(tmpdir(), 'harmony-outage-'));
const dataDir = join(dir, 'pg');
let port: number;
let postgres: RunningPostgres;
let database: string;
let stack: RunningStack;
let admin: pg.Pool;
const clients: SupabaseClient[] = [];

beforeAll(async () => {
  port = await freePort();
  postgres = await startPostgres({ dataDir, port, ephemeral: true });
  database = await buildTemplate(port, loadConfig().schemaDir);
  admin = new pg.Pool({ connectionString: connectionUrl(port, database), max: 2 });
  admin.on('error', () => undefined); // its idle connections die with the server
  await admin.query(`create table public.outage_probe (id serial primary key, note text not null);
    grant select on public.outage_probe to anon, authenticated;
    alter publication supabase_realtime add table public.outage_probe`);
  const config = loadStackConfig({
    JWT_SECRET: TEST_JWT_SECRET,
    HARMONY_STACK_PORT: '0',
    HARMONY_STORAGE_DIR: join(dir, 'storage'),
  });
  stack = await startStack(config, connectionUrl(port, database), pino({ level: 'silent' }));
}, 60_000);

afterAll(async () => {
  for (const client of clients) {
    await client.removeAllChannels();
    client.realtime.disconnect();
  }
  await stack?.stop();
  await admin?.end();
  await postgres?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function request(path: string, init: RequestInit & { key?: string } = {}) {
  const key = init.key ?? stack.keys.anon;
  return fetch(`${stack.url}${path}`, {
    ...init,
    headers: {
      apikey: key,
      authorization: `Bearer ${key}`,
      'content-type': 'application/json',
      ...init.headers,
    },
  });
}

const service = () => ({ key: stack.keys.serviceRole });

function client(): SupabaseClient {
  const c = createClient(stack.url, stack.keys.serviceRole, {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
  });
  clients.push(c);
  return c;
}

/** What the realtime helpers use of a TestStack, over this file's own cluster. */
const world = () =>
  ({
    db: { query: (sql: string, params?: unknown[]) => admin.query(sql, params) },
    url: stack.url,
    stack,
  }) as unknown as TestStack;

/** A raw Phoenix join (the reply must come within RawSocket's 5 s); the reply and its time. */
async function rawJoin(topic: string, config: Record<string, unknown>) {
  const socket = await RawSocket.open(world());
  const started = Date.now();
  try {
    const [status, response] = await socket.push('1', `realtime:${topic}`, 'phx_join', { config });
    return { status, response, ms: Date.now() - started };
  } finally {
    socket.close();
  }
}

/** Polls `check` every 25 ms until it holds; milliseconds from `since` (fails after `limitMs`). */
async function msUntil(check: () => Promise<boolean>, limitMs = 30_000, since = Date.now()): Promise<number> {
  while (!(await check().catch(() => false))) {
    if (Date.now() - since > limitMs) throw new Error(`not recovered after ${limitMs} ms`);
    await sleep(25);
  }
  return Date.now() - since;
}

function subscribe(channel: RealtimeChannel, statuses: string[]) {
  channel.subscribe((status, err) => statuses.push(err ? `${status}: ${err.message}` : status));
}

const AUTH_503 = {
  code: 503,
  error_code: 'unexpected_failure',
  msg: 'The database is unavailable, please try again later',
};
const STORAGE_503 = {
  statusCode: '503',
  code: 'DatabaseError',
  error: 'DatabaseError',
  message: 'The database is unavailable, please try again later',
};
const REALTIME_UNAVAILABLE = {
  reason: 'UnableToConnectToProject: Realtime was unable to connect to the project database',
};

describe('PostgreSQL outage', () => {
  it('every service answers 503 in its own envelope while it is down, then recovers on its own', async () => {
    // A postgres_changes subscriber from before the outage, to see changes flow again after it.
    const received: string[] = [];
    const beforeStatuses: string[] = [];
    subscribe(
      client()
        .channel('before')
        .on('postgres_changes', { event: 'INSERT', schema: 'public', table: 'outage_probe' }, (p) =>
          received.push((p.new as { note: string }).note),
        ),
      beforeStatuses,
    );
    await msUntil(async () => beforeStatuses.includes('SUBSCRIBED'), 10_000);
    // A member on their private channel, to refresh their token during the outage.
    const ada = await createUser(world(), 'ada');
    const { textChannelId } = await seedServer(world(), ada);
    const member = await RawSocket.open(world());
    const privateTopic = `realtime:channel:${textChannelId}`;
    const joined = await member.push('1', privateTopic, 'phx_join', {
      config: { private: true },
      access_token: ada.token,
    });
    expect(joined[0]).toBe('ok');
    expect((await request('/auth/v1/health')).status).toBe(200);

    await postgres.stop();

    // REST (PostgREST's PGRST000), Auth (GoTrue's envelope) and Storage (its own) all say 503.
    const rest = await request('/rest/v1/outage_probe?select=id');
    expect(rest.status).toBe(503);
    expect(await rest.json()).toMatchObject({
      code: 'PGRST000',
      message: 'Database connection error. Retrying the connection.',
    });
    for (const res of [
      await request('/auth/v1/health'),
      await request('/auth/v1/token?grant_type=password', {
        method: 'POST',
        body: JSON.stringify({ email: 'someone@example.com', password: 'correct horse 1' }),
      }),
      await request('/auth/v1/admin/users', service()),
    ]) {
      expect(res.status, res.url).toBe(503);
      expect(res.headers.get('x-sb-error-code')).toBe('unexpected_failure');
      expect(await res.json()).toEqual(AUTH_503);
    }
    for (const res of [
      await request('/storage/v1/status'),
      await request('/storage/v1/bucket', service()),
      await request('/storage/v1/object/public/avatars/nobody.png'),
    ]) {
      expect(res.status, res.url).toBe(503);
      expect(await res.json()).toEqual(STORAGE_503);
    }
    const health = await request('/realtime/v1/api/health');
    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({ data: { healthy: false, db_connected: false } });

    // Realtime joins are refused at once with Realtime's reason, public, private or with changes.
    for (const config of [
      {},
      { private: true },
      { postgres_changes: [{ event: '*', schema: 'public', table: 'outage_probe' }] },
    ]) {
      const join = await rawJoin('outage', config);
      expect({ status: join.status, response: join.response }).toEqual({
        status: 'error',
        response: REALTIME_UNAVAILABLE,
      });
      expect(join.ms).toBeLessThan(5_000);
    }
    // A token refresh cannot be authorised now: Realtime closes the channel and says why.
    member.send([
      '1',
      null,
      privateTopic,
      'access_token',
      { access_token: await userToken(ada.userId, ada.email, 7200) },
    ]);
    expect(await member.waitFor((m) => Array.isArray(m) && m[3] === 'system')).toMatchObject([
      '1',
      null,
      privateTopic,
      'system',
      {
        extension: 'system',
        status: 'error',
        message: 'Realtime was unable to connect to the project database',
      },
    ]);
    await member.waitFor((m) => Array.isArray(m) && m[3] === 'phx_close');
    member.close();
    // A supabase-js client subscribing now sees CHANNEL_ERROR, then keeps retrying by itself.
    const duringStatuses: string[] = [];
    subscribe(client().channel('during'), duringStatuses);
    await msUntil(async () => duringStatuses.length > 0, 10_000);
    expect(duringStatuses[0]).toBe(`CHANNEL_ERROR: ${REALTIME_UNAVAILABLE.reason}`);

    // Down long enough for every retry loop to back off (realtime-js, replication reconnects).
    await sleep(6_000);
    postgres = await startPostgres({ dataDir, port, ephemeral: true });
    const up = Date.now();

    const ok =
      (path: string, init: RequestInit & { key?: string } = {}) =>
      async () =>
        (await request(path, init)).ok;
    const recovered = (check: () => Promise<boolean>) => msUntil(check, 30_000, up);
    const recovery = {
      rest: await recovered(ok('/rest/v1/outage_probe?select=id')),
      auth: await recovered(ok('/auth/v1/health')),
      authAdmin: await recovered(ok('/auth/v1/admin/users', service())),
      storage: await recovered(ok('/storage/v1/bucket', service())),
      storageStatus: await recovered(ok('/storage/v1/status')),
      realtimeHealth: await recovered(ok('/realtime/v1/api/health')),
      realtimeJoin: await recovered(async () => (await rawJoin('after', {})).status === 'ok'),
      // Changes committed after the restart reach the subscriber from before the outage.
      realtimeChanges: await recovered(async () => {
        await admin.query(`insert into public.outage_probe (note) values ('after')`);
        return received.includes('after');
      }),
      // The client that failed to join during the outage rejoins on its own (realtime-js backoff).
      realtimeRejoin: await recovered(async () => duringStatuses.includes('SUBSCRIBED')),
    };
    console.info(
      `ms from PostgreSQL accepting connections until each recovered: ${JSON.stringify(recovery)}`,
    );
    // Generous bounds only: the numbers are reported, not raced.
    for (const ms of Object.values(recovery)) expect(ms).toBeLessThan(30_000);
  }, 120_000);
});
