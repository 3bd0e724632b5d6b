import { freePort } from '@harmony/db';
import type { SupabaseClient } from '@supabase/supabase-js';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { realtimeFor } from '../src/realtime/router.js';
import { startStack } from '../src/server.js';
import { startTestStack, type TestStack } from './harness.js';
import {
  clientFor,
  closeClients,
  createUser,
  RawSocket,
  type RtServer,
  type RtUser,
  seedServer,
  sleep,
  subscribed,
  waitFor,
} from './realtime-helpers.js';

/** What supabase-js hands a `.on('broadcast', …)` callback. */
interface Received {
  type: string;
  event: string;
  payload: Record<string, unknown>;
  meta?: { id: string };
}

let t: TestStack;
let port: number;
let ada: RtUser;
let bob: RtUser;
let eve: RtUser;
let server: RtServer;
let topic: string;
const clients: SupabaseClient[] = [];

beforeAll(async () => {
  port = await freePort();
  t = await startTestStack({ HARMONY_STACK_PORT: String(port) });
  ada = await createUser(t, 'ada');
  bob = await createUser(t, 'bob');
  eve = await createUser(t, 'eve');
  server = await seedServer(t, ada, [bob]);
  topic = `channel:${server.textChannelId}`;
});
afterAll(async () => {
  await closeClients(...clients);
  await t.stop();
});

/** A supabase-js channel as `user` on `name`, collecting its broadcasts and statuses. */
async function listen(user: RtUser | undefined, name: string, isPrivate: boolean, event = '*') {
  const client = await clientFor(t, user);
  clients.push(client);
  const received: Received[] = [];
  const channel = client
    .channel(name, { config: { private: isPrivate } })
    .on('broadcast', { event }, (message) => received.push(message as Received));
  await subscribed(channel);
  return received;
}

const send = (payload: unknown, event: string, name: string, isPrivate: boolean) =>
  t.db.query('select realtime.send($1::jsonb, $2, $3, $4)', [
    JSON.stringify(payload),
    event,
    name,
    isPrivate,
  ]);

/** Raw v2 socket frames of kind 4 (user broadcast), decoded as realtime-js decodes them. */
function userBroadcasts(socket: RawSocket) {
  return socket.messages.flatMap((m) => {
    const data = (m as { binary?: Buffer }).binary;
    if (data?.[0] !== 4) return [];
    const [topicLen = 0, eventLen = 0, metaLen = 0, encoding] = data.subarray(1, 5);
    let at = 5;
    const take = (n: number) => {
      at += n;
      return data.subarray(at - n, at);
    };
    const frameTopic = take(topicLen).toString();
    const event = take(eventLen).toString();
    const meta = take(metaLen).toString();
    const body = data.subarray(at);
    return [{ topic: frameTopic, event, meta: meta ? JSON.parse(meta) : null, encoding, body }];
  });
}

describe('Broadcast from Database', () => {
  it('delivers realtime.send rows: public rows to public channels, private rows to authorised private ones', async () => {
    const publicRoom = await listen(bob, topic, false);
    const privateRoom = await listen(bob, topic, true);
    await send({ n: 1 }, 'ping', topic, false);
    await send({ n: 2 }, 'ping', topic, true);
    await waitFor(() => publicRoom.length && privateRoom.length);
    await sleep(200);
    expect(publicRoom).toHaveLength(1);
    expect(privateRoom).toHaveLength(1);
    const [pub] = publicRoom;
    const [priv] = privateRoom;
    // realtime.send adds the row id to the payload; Realtime sends it again as meta.id.
    expect(pub).toEqual({
      type: 'broadcast',
      event: 'ping',
      payload: { n: 1, id: pub?.meta?.id },
      meta: { id: expect.any(String) },
    });
    expect(priv).toEqual({
      type: 'broadcast',
      event: 'ping',
      payload: { n: 2, id: priv?.meta?.id },
      meta: { id: expect.any(String) },
    });
    const stored = await t.db.query('select topic, private from realtime.messages where id = $1', [
      priv?.meta?.id,
    ]);
    expect(stored.rows).toEqual([{ topic, private: true }]);

    // A payload with its own id keeps it; meta.id stays the row's id. Direct inserts count too,
    // filtered by event on the client; rows without an event are not broadcasts.
    const named = await listen(bob, 'room:lobby', false, 'hello');
    await send({ id: 7, text: 'mine' }, 'hello', 'room:lobby', false);
    await t.db.query(
      `insert into realtime.messages (topic, extension, event, payload, private) values
         ('room:lobby', 'broadcast', null, '{"skipped": true}', false),
         ('room:lobby', 'broadcast', 'other', '{"filtered": true}', false),
         ('room:lobby', 'broadcast', 'hello', '{"direct": true}', false)`,
    );
    await waitFor(() => named.length >= 2);
    await sleep(200);
    expect(named.map((m) => m.payload)).toEqual([{ id: 7, text: 'mine' }, { direct: true }]);
    expect(named[0]?.meta?.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('delivers realtime.broadcast_changes from a row trigger with its record shapes', async () => {
    await t.db.query(`
      create table public.rt_items (id integer primary key, name text not null);
      create function public.rt_items_broadcast() returns trigger language plpgsql as $$
      begin
        perform realtime.broadcast_changes('items:' || coalesce(new.id, old.id), tg_op, tg_op,
          tg_table_name, tg_table_schema, new, old);
        return null;
      end $$;
      create trigger rt_items_broadcast after insert or update or delete on public.rt_items
        for each row execute function public.rt_items_broadcast();`);
    // broadcast_changes sends private rows; service_role passes every realtime.messages policy.
    const client = t.service();
    clients.push(client);
    const received: Received[] = [];
    await subscribed(
      client
        .channel('items:1', { config: { private: true } })
        .on('broadcast', { event: '*' }, (m) => received.push(m as Received)),
    );
    await t.db.query(`insert into public.rt_items values (1, 'first')`);
    await t.db.query(`update public.rt_items set name = 'renamed' where id = 1`);
    await t.db.query('delete from public.rt_items where id = 1');
    await waitFor(() => received.length >= 3);
    const base = { table: 'rt_items', schema: 'public' };
    expect(received.map((m) => [m.event, m.payload])).toEqual([
      [
        'INSERT',
        {
          ...base,
          operation: 'INSERT',
          record: { id: 1, name: 'first' },
          old_record: null,
          id: expect.any(String),
        },
      ],
      [
        'UPDATE',
        {
          ...base,
          operation: 'UPDATE',
          record: { id: 1, name: 'renamed' },
          old_record: { id: 1, name: 'first' },
          id: expect.any(String),
        },
      ],
      [
        'DELETE',
        {
          ...base,
          operation: 'DELETE',
          record: null,
          old_record: { id: 1, name: 'renamed' },
          id: expect.any(String),
        },
      ],
    ]);
    for (const m of received) expect(m.meta?.id).toBe(m.payload.id);
  });

  it('keeps private rows from public channels, non-members and refused joins', async () => {
    const member = await listen(bob, topic, true, 'secret');
    // Eve is not in the server: the private join is refused with Realtime's reason.
    const eveClient = await clientFor(t, eve);
    clients.push(eveClient);
    await expect(subscribed(eveClient.channel(topic, { config: { private: true } }))).rejects.toThrow(
      `Unauthorized: You do not have permissions to read from this Channel topic: ${topic}`,
    );
    // A raw client that ignores the refusal, one on the public topic of the same name, and
    // a private join to a topic no policy allows.
    const ignoring = await RawSocket.open(t);
    const [status] = await ignoring.push('1', `realtime:${topic}`, 'phx_join', {
      config: { private: true },
      access_token: eve.token,
    });
    expect(status).toBe('error');
    const publicListener = await listen(eve, topic, false);
    const denied = await RawSocket.open(t);
    const [deniedStatus] = await denied.push('1', 'realtime:admin:everything', 'phx_join', {
      config: { private: true },
      access_token: bob.token,
    });
    expect(deniedStatus).toBe('error');
    const before = { ignoring: ignoring.messages.length, denied: denied.messages.length };

    for (let i = 0; i < 3; i++) await send({ i }, 'secret', topic, true);
    await send({ i: 99 }, 'secret', 'admin:everything', true);
    await waitFor(() => member.length >= 3);
    await sleep(300);
    expect(member.map((m) => m.payload.i)).toEqual([0, 1, 2]);
    expect(publicListener).toEqual([]);
    expect(ignoring.messages.length).toBe(before.ignoring);
    expect(denied.messages.length).toBe(before.denied);
    ignoring.close();
    denied.close();
  });

  it('delivers in commit order, a multi-row transaction in insert order', async () => {
    const received = await listen(bob, topic, true, 'seq');
    await t.db.query(
      `begin;
       select realtime.send(jsonb_build_object('seq', n), 'seq', '${topic}', true) from generate_series(1, 50) n;
       commit;`,
    );
    for (let n = 51; n <= 60; n++) await send({ seq: n }, 'seq', topic, true);
    await waitFor(() => received.length >= 60);
    await sleep(200);
    expect(received.map((m) => m.payload.seq)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
  });

  it('sends vsn 1.0.0 sockets JSON with meta, and binary payloads to vsn 2.0.0 sockets only', async () => {
    const v1 = await RawSocket.open(t, `apikey=${t.stack.keys.anon}&vsn=1.0.0`);
    v1.send({
      topic: 'realtime:room:bin',
      event: 'phx_join',
      payload: { config: {} },
      ref: '1',
      join_ref: '1',
    });
    await v1.waitFor((m) => (m as { event?: string }).event === 'phx_reply');
    const v2 = await RawSocket.open(t);
    await v2.push('1', 'realtime:room:bin', 'phx_join', { config: {} });

    await t.db.query(`select realtime.send_binary('\\x0001ff'::bytea, 'blob', 'room:bin', false)`);
    await send({ k: 'v' }, 'json', 'room:bin', false);
    const json = (await v1.waitFor((m) => (m as { event?: string }).event === 'broadcast')) as {
      payload: Received;
    };
    expect(json.payload).toEqual({
      type: 'broadcast',
      event: 'json',
      payload: { k: 'v', id: json.payload.meta?.id },
      meta: { id: expect.any(String) },
    });
    await waitFor(() => userBroadcasts(v2).length >= 2);
    const [blob, text] = userBroadcasts(v2);
    expect(blob).toMatchObject({ topic: 'realtime:room:bin', event: 'blob', encoding: 0 });
    expect([...(blob?.body ?? [])]).toEqual([0, 1, 255]);
    expect(blob?.meta).toEqual({ id: expect.any(String) });
    expect(text).toMatchObject({ event: 'json', encoding: 1, meta: { id: json.payload.meta?.id } });
    expect(JSON.parse(String(text?.body))).toEqual({ k: 'v', id: json.payload.meta?.id });
    // The binary row never reached the v1 socket.
    expect(v1.messages.filter((m) => (m as { event?: string }).event === 'broadcast')).toHaveLength(1);
    v1.close();
    v2.close();
  });

  it('resumes after its replication connection dies, losing and duplicating nothing', async () => {
    const received = await listen(bob, topic, true, 'resume');
    const reader = realtimeFor(t.stack.ctx).broadcastReplication;
    expect(reader?.isStreaming).toBe(true);
    for (let n = 1; n <= 30; n++) {
      await send({ n }, 'resume', topic, true);
      if (n === 10 || n === 20) {
        const pid = await reader?.walsenderPid();
        await t.db.query('select pg_terminate_backend($1)', [pid]);
      }
    }
    await waitFor(() => received.length >= 30, 15_000);
    await sleep(500);
    expect(received.map((m) => m.payload.n)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
  });

  it('deletes rows older than the day 72 hours ago, as the janitor drops daily partitions', async () => {
    await t.db.query(
      `insert into realtime.messages (topic, extension, event, payload, inserted_at) values
         ('old:a', 'broadcast', 'e', '{}', localtimestamp - interval '5 days'),
         ('old:b', 'broadcast', 'e', '{}', date_trunc('day', localtimestamp - interval '72 hours') - interval '1 second'),
         ('old:c', 'broadcast', 'e', '{}', date_trunc('day', localtimestamp - interval '72 hours') + interval '1 second'),
         ('old:d', 'broadcast', 'e', '{}', localtimestamp - interval '1 day')`,
    );
    const deleted = await realtimeFor(t.stack.ctx).messagesJanitor.run();
    expect(deleted).toBe(2);
    const { rows } = await t.db.query<{ topic: string }>(
      `select topic from realtime.messages where topic like 'old:%' order by topic`,
    );
    expect(rows.map((r) => r.topic)).toEqual(['old:c', 'old:d']);
  });

  it('delivers once the stack is back after a restart, repeating nothing from before it', async () => {
    const client = await clientFor(t, bob);
    const received: number[] = [];
    const statuses: string[] = [];
    client
      .channel(topic, { config: { private: true } })
      .on('broadcast', { event: 'restart' }, (m) => received.push((m.payload as { n: number }).n))
      .subscribe((status) => statuses.push(status));
    await waitFor(() => statuses.includes('SUBSCRIBED'));
    await send({ n: 1 }, 'restart', topic, true);
    await waitFor(() => received.includes(1));

    const config = t.stack.ctx.config;
    await t.stack.stop();
    const again = await startStack({ ...config, port }, t.db.url(), pino({ level: 'silent' }));
    try {
      await waitFor(() => statuses.filter((s) => s === 'SUBSCRIBED').length >= 2, 25_000);
      await send({ n: 2 }, 'restart', topic, true);
      await waitFor(() => received.includes(2), 10_000);
      await sleep(300);
      expect(received).toEqual([1, 2]);
    } finally {
      await closeClients(client, ...clients.splice(0));
      await again.stop();
      t.stack.stop = async () => {};
    }
  }, 60_000);
});
