import type { RealtimePostgresChangesPayload } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { realtimeFor } from '../src/realtime/router.js';
import { startTestStack, type TestStack } from './harness.js';
import {
  clientFor,
  closeClients,
  createUser,
  postMessage,
  type RtServer,
  type RtUser,
  seedServer,
  sleep,
  subscribed,
  waitFor,
} from './realtime-helpers.js';

type Row = Record<string, unknown>;
type Change = RealtimePostgresChangesPayload<Row>;

let t: TestStack;
let alice: RtUser;
let bob: RtUser;
let mallory: RtUser;
let server: RtServer;

beforeAll(async () => {
  t = await startTestStack();
  alice = await createUser(t, 'alice');
  bob = await createUser(t, 'bob');
  mallory = await createUser(t, 'mallory');
  server = await seedServer(t, alice, [bob]);
  // A table without RLS, for filter operators and value typing.
  await t.db.query(`
    create table public.rt_items (
      id int primary key, n int, label text, tags text[], meta jsonb, at timestamptz, big numeric, ok boolean
    );
    grant select on public.rt_items to anon, authenticated;
    alter publication supabase_realtime add table public.rt_items;
    create table public.rt_hidden (id int primary key);
  `);
});
afterAll(() => t?.stop());

describe('postgres_changes', () => {
  it('delivers inserts, updates and deletes of visible rows with filters and RLS', async () => {
    const member = await clientFor(t, bob);
    const outsider = await clientFor(t, mallory);
    const seen: Change[] = [];
    const outsiderSeen: Change[] = [];
    const filter = `channel_id=eq.${server.textChannelId}`;
    await subscribed(
      member
        .channel('messages-member')
        .on('postgres_changes', { event: '*', schema: 'public', table: 'messages', filter }, (p) =>
          seen.push(p),
        ),
    );
    await subscribed(
      outsider
        .channel('messages-outsider')
        .on('postgres_changes', { event: '*', schema: 'public', table: 'messages', filter }, (p) =>
          outsiderSeen.push(p),
        ),
    );

    const id = await postMessage(t, alice, server.textChannelId, 'hello realtime');
    const insert = await waitFor(() => seen.find((p) => p.eventType === 'INSERT'));
    expect(insert).toMatchObject({ schema: 'public', table: 'messages', eventType: 'INSERT', errors: null });
    expect(insert.new).toMatchObject({ id, content: 'hello realtime', channel_id: server.textChannelId });
    expect(insert.old).toEqual({});
    expect(insert.commit_timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(typeof (insert.new as Row).seq).toBe('number');
    expect(Array.isArray((insert.new as Row).attachments)).toBe(true);

    await t.db.query(`update public.messages set content = 'edited' where id = $1`, [id]);
    const update = await waitFor(() => seen.find((p) => p.eventType === 'UPDATE'));
    expect(update.new).toMatchObject({ id, content: 'edited' });
    // messages has REPLICA IDENTITY FULL: the old row comes whole.
    expect(update.old).toMatchObject({ id, content: 'hello realtime' });

    await t.db.query('delete from public.messages where id = $1', [id]);
    const del = await waitFor(() => seen.find((p) => p.eventType === 'DELETE'));
    // RLS is on: a delete carries only the primary key, and is not RLS-checked.
    expect(del.old).toEqual({ id });
    await waitFor(() => outsiderSeen.find((p) => p.eventType === 'DELETE'));
    expect(outsiderSeen.map((p) => p.eventType)).toEqual(['DELETE']);
    expect(outsiderSeen[0]?.old).toEqual({ id });
    await closeClients(member, outsider);
  });

  it('never delivers a private channel message to a non-member', async () => {
    const member = await clientFor(t, alice);
    const outsider = await clientFor(t, mallory);
    const memberSeen: Change[] = [];
    const outsiderSeen: Change[] = [];
    await subscribed(
      member
        .channel('all-messages-a')
        .on('postgres_changes', { event: 'INSERT', schema: 'public', table: 'messages' }, (p) =>
          memberSeen.push(p),
        ),
    );
    await subscribed(
      outsider
        .channel('all-messages-m')
        .on('postgres_changes', { event: 'INSERT', schema: 'public', table: 'messages' }, (p) =>
          outsiderSeen.push(p),
        ),
    );
    await postMessage(t, bob, server.textChannelId, 'members only');
    await waitFor(() => memberSeen.length === 1);
    await sleep(700);
    expect(outsiderSeen).toEqual([]);
    await closeClients(member, outsider);
  });

  it('supports every filter operator and renders typed values', async () => {
    const client = await clientFor(t, alice);
    const got = new Map<string, number[]>();
    const bindings: [string, string][] = [
      ['eq', 'n=eq.3'],
      ['neq', 'n=neq.3'],
      ['lt', 'n=lt.3'],
      ['lte', 'n=lte.3'],
      ['gt', 'n=gt.3'],
      ['gte', 'n=gte.3'],
      ['in', 'label=in.(one,"fi,ve")'],
      ['like', 'label=like.t%'],
      ['not', 'n=not.eq.3'],
      ['is', 'label=is.null'],
      ['json', 'meta->>kind=eq.special'],
    ];
    let channel = client.channel('items');
    for (const [name, filter] of bindings) {
      got.set(name, []);
      channel = channel.on(
        'postgres_changes',
        { event: 'INSERT', schema: 'public', table: 'rt_items', filter },
        (p) => got.get(name)?.push((p.new as Row).id as number),
      );
    }
    const all: Change[] = [];
    channel = channel.on('postgres_changes', { event: 'INSERT', schema: 'public', table: 'rt_items' }, (p) =>
      all.push(p),
    );
    await subscribed(channel);
    await t.db.query(`
      insert into public.rt_items (id, n, label, tags, meta, at, big, ok) values
        (1, 1, 'one', '{a,"b c"}', '{"kind":"special","x":[1,2]}', '2024-05-01 10:20:30.123456+00', 12345678901234567890.5, true),
        (2, 2, 'two', null, null, null, null, false),
        (3, 3, 'three', '{}', '{}', null, null, null),
        (4, 4, 'four', null, '{"kind":"plain"}', null, null, null),
        (5, 5, 'fi,ve', null, null, null, null, null),
        (6, 6, null, null, null, null, null, null)`);
    await waitFor(() => all.length === 6);
    await sleep(100);
    expect(Object.fromEntries(got)).toEqual({
      eq: [3],
      neq: [1, 2, 4, 5, 6],
      lt: [1, 2],
      lte: [1, 2, 3],
      gt: [4, 5, 6],
      gte: [3, 4, 5, 6],
      in: [1, 5],
      like: [2, 3],
      not: [1, 2, 4, 5, 6],
      is: [6],
      json: [1],
    });
    const first = all.find((p) => (p.new as Row).id === 1)?.new as Row;
    expect(first).toEqual({
      id: 1,
      n: 1,
      label: 'one',
      tags: ['a', 'b c'],
      meta: { kind: 'special', x: [1, 2] },
      at: '2024-05-01T10:20:30.123456+00:00',
      big: 12345678901234567000,
      ok: true,
    });
    await closeClients(client);
  });

  it('reports subscriptions it cannot create, and bad filters', async () => {
    const client = await clientFor(t, alice);
    const system: Record<string, unknown>[] = [];
    await subscribed(
      client
        .channel('not-published')
        .on('postgres_changes', { event: '*', schema: 'public', table: 'rt_hidden' }, () => undefined)
        .on('system', {}, (p) => system.push(p)),
    );
    const message = await waitFor(() => system.find((m) => m.extension === 'postgres_changes'));
    expect(message).toMatchObject({ status: 'error' });
    expect(String(message.message)).toContain('Unable to subscribe to changes with given parameters');

    const bad: Record<string, unknown>[] = [];
    await subscribed(
      client
        .channel('bad-filter')
        .on(
          'postgres_changes',
          { event: '*', schema: 'public', table: 'rt_items', filter: 'nope=eq.1' },
          () => undefined,
        )
        .on('system', {}, (p) => bad.push(p)),
    );
    const failure = await waitFor(() => bad.find((m) => m.extension === 'postgres_changes'));
    expect(failure.status).toBe('error');
    expect(String(failure.message)).toContain('invalid column for filter nope');

    const ok: Record<string, unknown>[] = [];
    await subscribed(
      client
        .channel('good')
        .on('postgres_changes', { event: '*', schema: 'public', table: 'rt_items' }, () => undefined)
        .on('system', {}, (p) => ok.push(p)),
    );
    const fine = await waitFor(() => ok.find((m) => m.extension === 'postgres_changes'));
    expect(fine).toMatchObject({ status: 'ok', message: 'Subscribed to PostgreSQL', channel: 'good' });
    await closeClients(client);
  });

  it('resumes after the replication connection dies, losing and duplicating nothing', async () => {
    const client = await clientFor(t, alice);
    const ids: number[] = [];
    await subscribed(
      client
        .channel('recovery')
        .on('postgres_changes', { event: 'INSERT', schema: 'public', table: 'rt_items' }, (p) =>
          ids.push((p.new as Row).id as number),
        ),
    );
    const reader = realtimeFor(t.stack.ctx).replication;
    if (!reader) throw new Error('replication is not running');
    for (let id = 100; id < 105; id++)
      await t.db.query('insert into public.rt_items (id, n) values ($1, 0)', [id]);
    await waitFor(() => ids.length === 5);
    // Delivered but not yet confirmed to the slot: the server will send them again.
    const pid = await reader.walsenderPid();
    expect(pid).toBeTruthy();
    await t.db.query('select pg_terminate_backend($1)', [pid]);
    for (let id = 105; id < 110; id++)
      await t.db.query('insert into public.rt_items (id, n) values ($1, 0)', [id]);
    await waitFor(() => ids.length >= 10, 15_000);
    await sleep(1_500);
    expect(ids).toEqual([100, 101, 102, 103, 104, 105, 106, 107, 108, 109]);
    expect(reader.isStreaming).toBe(true);
    await closeClients(client);
  });
});
