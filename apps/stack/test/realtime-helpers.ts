import { randomUUID } from 'node:crypto';
import { createClient, type RealtimeChannel, type SupabaseClient } from '@supabase/supabase-js';
import WebSocket from 'ws';
import { signJwt } from '../src/jwt.js';
import { TEST_JWT_SECRET, type TestStack } from './harness.js';

export interface RtUser {
  userId: string;
  profileId: string;
  email: string;
  token: string;
}

/** An access token as GoTrue would mint it. */
export function userToken(userId: string, email: string, ttlSeconds = 3600): Promise<string> {
  return signJwt(
    {
      sub: userId,
      role: 'authenticated',
      aud: 'authenticated',
      email,
      exp: Math.floor(Date.now() / 1000) + ttlSeconds,
    },
    TEST_JWT_SECRET,
  );
}

/** A user inserted as GoTrue does (the signup trigger creates the profile). */
export async function createUser(t: TestStack, username: string): Promise<RtUser> {
  const userId = randomUUID();
  const email = `${username}-${userId.slice(0, 6)}@example.test`;
  await t.db.query(
    `insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
                             raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
     values ('00000000-0000-0000-0000-000000000000', $1, 'authenticated', 'authenticated', $2, '',
             now(), '{"provider":"email","providers":["email"]}', $3, now(), now())`,
    [userId, email, JSON.stringify({ username: `${username}${userId.slice(0, 4)}` })],
  );
  const { rows } = await t.db.query<{ id: string }>('select id from public.profiles where user_id = $1', [
    userId,
  ]);
  const profileId = rows[0]?.id as string;
  return { userId, profileId, email, token: await userToken(userId, email) };
}

export interface RtServer {
  serverId: string;
  textChannelId: string;
}

/** A server owned by `owner` with @everyone and one text channel (superuser inserts). */
export async function seedServer(t: TestStack, owner: RtUser, members: RtUser[] = []): Promise<RtServer> {
  const serverId = randomUUID();
  await t.db.query('insert into public.servers (id, name, owner_id) values ($1, $2, $3)', [
    serverId,
    'Realtime test',
    owner.profileId,
  ]);
  await t.db.query(
    `insert into public.roles (id, server_id, name, position, permissions)
     values ($1, $1, '@everyone', 0, public.default_everyone_permissions())`,
    [serverId],
  );
  for (const member of [owner, ...members]) {
    await t.db.query('insert into public.server_members (server_id, profile_id) values ($1, $2)', [
      serverId,
      member.profileId,
    ]);
  }
  const { rows } = await t.db.query<{ id: string }>(
    `insert into public.channels (server_id, type, name, position) values ($1, 'text', 'general', 0) returning id`,
    [serverId],
  );
  return { serverId, textChannelId: rows[0]?.id as string };
}

/** A message written as its author would (RLS applies). */
export async function postMessage(t: TestStack, author: RtUser, channelId: string, content: string) {
  const { rows } = await t.db
    .asUser({ sub: author.userId, email: author.email })
    .query<{ id: string }>('insert into public.messages (channel_id, content) values ($1, $2) returning id', [
      channelId,
      content,
    ]);
  return rows[0]?.id as string;
}

/**
 * A supabase-js client (anon key) acting as `user` on Realtime. The token comes from the
 * `accessToken` option: supabase-js re-reads its token source after every join, so a token
 * given to `realtime.setAuth()` would be replaced by the (session-less) anon key.
 */
export async function clientFor(t: TestStack, user?: RtUser): Promise<SupabaseClient> {
  return createClient(t.url, t.stack.keys.anon, {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
    ...(user ? { accessToken: async () => user.token } : {}),
  });
}

/** Subscribes and resolves on SUBSCRIBED; rejects with the error on CHANNEL_ERROR/TIMED_OUT. */
export function subscribed(channel: RealtimeChannel, timeoutMs = 10_000): Promise<RealtimeChannel> {
  return new Promise((resolve, reject) => {
    channel.subscribe((status, err) => {
      if (status === 'SUBSCRIBED') resolve(channel);
      else if (status === 'CHANNEL_ERROR' || status === 'TIMED_OUT')
        reject(err ?? new Error(`channel ${channel.topic}: ${status}`));
    }, timeoutMs);
  });
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `check` is truthy (or fails after `timeoutMs`). */
export async function waitFor<T>(check: () => T | undefined | null | false, timeoutMs = 8_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting for a condition');
    await sleep(20);
  }
}

export async function closeClients(...clients: SupabaseClient[]): Promise<void> {
  await Promise.all(clients.map((c) => c.removeAllChannels()));
  for (const c of clients) c.realtime.disconnect();
}

/** A raw Phoenix client for protocol-level tests. */
export class RawSocket {
  readonly messages: unknown[] = [];
  private ref = 0;
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data, isBinary) => {
      if (isBinary) this.messages.push({ binary: Buffer.from(data as Buffer) });
      else this.messages.push(JSON.parse(String(data)));
    });
  }

  static open(t: TestStack, params = `apikey=${t.stack.keys.anon}&vsn=2.0.0`): Promise<RawSocket> {
    const ws = new WebSocket(`${t.url.replace('http', 'ws')}/realtime/v1/websocket?${params}`);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new RawSocket(ws)));
      ws.once('error', reject);
    });
  }

  nextRef(): string {
    this.ref += 1;
    return String(this.ref);
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' || Buffer.isBuffer(frame) ? frame : JSON.stringify(frame));
  }

  /** Sends a v2 push and waits for its phx_reply. */
  async push(
    joinRef: string | null,
    topic: string,
    event: string,
    payload: unknown,
  ): Promise<[string, unknown]> {
    const ref = this.nextRef();
    this.send([joinRef, ref, topic, event, payload]);
    const reply = (await this.waitFor(
      (m) => Array.isArray(m) && m[1] === ref && m[3] === 'phx_reply',
    )) as unknown[];
    const body = reply[4] as { status: string; response: unknown };
    return [body.status, body.response];
  }

  waitFor(match: (m: unknown) => boolean, timeoutMs = 5_000): Promise<unknown> {
    return waitFor(() => this.messages.find(match), timeoutMs);
  }

  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  close(): void {
    this.ws.close();
  }
}
