import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
  userToken,
  waitFor,
} from './realtime-helpers.js';

type Payload = Record<string, unknown>;

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
});
afterAll(() => t?.stop());

describe('private channels: presence and typing', () => {
  it('lets two members see each other and their typing, authorised by realtime.messages policies', async () => {
    const a = await clientFor(t, alice);
    const b = await clientFor(t, bob);
    const topic = `channel:${server.textChannelId}`;
    const typingSeenByB: Payload[] = [];
    const typingSeenByA: Payload[] = [];
    const chA = a
      .channel(topic, { config: { private: true, presence: { key: alice.profileId } } })
      .on('broadcast', { event: 'typing' }, (p) => typingSeenByA.push(p))
      .on('presence', { event: 'sync' }, () => undefined);
    const chB = b
      .channel(topic, { config: { private: true, presence: { key: bob.profileId } } })
      .on('broadcast', { event: 'typing' }, (p) => typingSeenByB.push(p))
      .on('presence', { event: 'sync' }, () => undefined);
    await subscribed(chA);
    await subscribed(chB);
    expect(await chA.track({ name: 'alice' })).toBe('ok');
    expect(await chB.track({ name: 'bob' })).toBe('ok');
    await waitFor(() => Object.keys(chA.presenceState()).length === 2);
    await waitFor(() => Object.keys(chB.presenceState()).length === 2);
    expect(chA.presenceState()[bob.profileId]?.[0]).toMatchObject({ name: 'bob' });
    expect(chB.presenceState()[alice.profileId]?.[0]).toMatchObject({ name: 'alice' });

    expect(await chA.send({ type: 'broadcast', event: 'typing', payload: { user: alice.profileId } })).toBe(
      'ok',
    );
    const got = await waitFor(() => typingSeenByB[0]);
    expect(got).toMatchObject({ type: 'broadcast', event: 'typing', payload: { user: alice.profileId } });
    await sleep(200);
    expect(typingSeenByA).toEqual([]); // self is off by default

    // Leaving removes the presence for the other side.
    await chB.untrack();
    await waitFor(() => Object.keys(chA.presenceState()).length === 1);
    await closeClients(a, b);
  });

  it('refuses a non-member with the Unauthorized reason', async () => {
    const m = await clientFor(t, mallory);
    const topic = `channel:${server.textChannelId}`;
    await expect(subscribed(m.channel(topic, { config: { private: true } }))).rejects.toThrow(
      `Unauthorized: You do not have permissions to read from this Channel topic: ${topic}`,
    );
    await closeClients(m);
  });
});

describe('broadcast', () => {
  it('honours self and ack', async () => {
    const c = await clientFor(t, alice);
    const mine: Payload[] = [];
    const ch = c
      .channel('room-self', { config: { broadcast: { self: true, ack: true } } })
      .on('broadcast', { event: '*' }, (p) => mine.push(p));
    await subscribed(ch);
    expect(await ch.send({ type: 'broadcast', event: 'ping', payload: { n: 1 } })).toBe('ok');
    await waitFor(() => mine.length === 1);
    expect(mine[0]).toMatchObject({ event: 'ping', payload: { n: 1 } });
    await closeClients(c);
  });

  it('delivers HTTP API broadcasts, public and private', async () => {
    const listener = await clientFor(t, bob);
    const got: Payload[] = [];
    const privGot: Payload[] = [];
    await subscribed(listener.channel('lobby').on('broadcast', { event: 'news' }, (p) => got.push(p)));
    const privateTopic = `server:${server.serverId}`;
    await subscribed(
      listener
        .channel(privateTopic, { config: { private: true } })
        .on('broadcast', { event: 'news' }, (p) => privGot.push(p)),
    );

    const post = (body: unknown, token: string) =>
      fetch(`${t.url}/realtime/v1/api/broadcast`, {
        method: 'POST',
        headers: {
          apikey: t.stack.keys.anon,
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify(body),
      });
    const res = await post({ messages: [{ topic: 'lobby', event: 'news', payload: { a: 1 } }] }, alice.token);
    expect(res.status).toBe(202);
    await waitFor(() => got.length === 1);
    expect(got[0]).toMatchObject({ type: 'broadcast', event: 'news', payload: { a: 1 } });

    // A non-member's private message is dropped; a member's arrives.
    const denied = await post(
      { messages: [{ topic: privateTopic, event: 'news', payload: { from: 'mallory' }, private: true }] },
      mallory.token,
    );
    expect(denied.status).toBe(202);
    const allowed = await post(
      { messages: [{ topic: privateTopic, event: 'news', payload: { from: 'alice' }, private: true }] },
      alice.token,
    );
    expect(allowed.status).toBe(202);
    await waitFor(() => privGot.length === 1);
    await sleep(300);
    expect(privGot.map((p) => (p.payload as Payload).from)).toEqual(['alice']);

    // realtime-js httpSend: POST /api/broadcast/:topic/events/:event
    const sender = await clientFor(t, alice);
    const ch = sender.channel('lobby');
    await ch.httpSend('news', { b: 2 });
    await waitFor(() => got.length === 2);
    expect(got[1]).toMatchObject({ event: 'news', payload: { b: 2 } });

    const noKey = await fetch(`${t.url}/realtime/v1/api/broadcast`, { method: 'POST', body: '{}' });
    expect(noKey.status).toBe(401);
    const invalid = await post({ messages: [{ topic: 'lobby' }] }, alice.token);
    expect(invalid.status).toBe(422);
    const badToken = await post({ messages: [{ topic: 'lobby', event: 'x', payload: {} }] }, 'not-a-jwt');
    expect(badToken.status).toBe(401);
    await closeClients(listener, sender);
  });

  it('bridges vsn 1.0.0 and 2.0.0 clients', async () => {
    const v1 = await RawSocket.open(t, `apikey=${t.stack.keys.anon}&vsn=1.0.0`);
    const v2 = await RawSocket.open(t);
    v1.send({
      topic: 'realtime:bridge',
      event: 'phx_join',
      payload: { config: {} },
      ref: '1',
      join_ref: '1',
    });
    await v1.waitFor((m) => (m as Payload).event === 'phx_reply' && (m as Payload).ref === '1');
    const [status] = await v2.push('1', 'realtime:bridge', 'phx_join', { config: {} });
    expect(status).toBe('ok');
    // A v2 binary user broadcast (kind 3) reaches the v1 client as JSON.
    const header = Buffer.from([3, 1, 1, 'realtime:bridge'.length, 'hi'.length, 0, 1]);
    const frame = Buffer.concat([header, Buffer.from('12realtime:bridgehi'), Buffer.from('{"x":1}')]);
    v2.send(frame);
    const msg = (await v1.waitFor((m) => (m as Payload).event === 'broadcast')) as Payload;
    expect(msg).toMatchObject({
      topic: 'realtime:bridge',
      payload: { type: 'broadcast', event: 'hi', payload: { x: 1 } },
    });
    // A v1 JSON broadcast reaches the v2 client as a text frame.
    v1.send({
      topic: 'realtime:bridge',
      event: 'broadcast',
      payload: { type: 'broadcast', event: 'yo', payload: { y: 2 } },
      ref: '2',
      join_ref: '1',
    });
    const got = (await v2.waitFor((m) => Array.isArray(m) && m[3] === 'broadcast')) as unknown[];
    expect(got).toEqual([
      null,
      null,
      'realtime:bridge',
      'broadcast',
      { type: 'broadcast', event: 'yo', payload: { y: 2 } },
    ]);
    v1.close();
    v2.close();
  });
});

describe('tokens', () => {
  it('closes a channel when its token expires, and accepts refreshed tokens', async () => {
    const shortLived = await userToken(alice.userId, alice.email, 2);
    const s = await RawSocket.open(t);
    const topic = `realtime:channel:${server.textChannelId}`;
    const [status] = await s.push('1', topic, 'phx_join', {
      config: { private: true },
      access_token: shortLived,
    });
    expect(status).toBe('ok');
    const system = (await s.waitFor(
      (m) => Array.isArray(m) && m[3] === 'system' && (m[4] as Payload).extension === 'system',
      6_000,
    )) as unknown[];
    expect((system[4] as Payload).status).toBe('error');
    expect(String((system[4] as Payload).message)).toMatch(/^Token has expired \d+ seconds ago$/);
    await s.waitFor((m) => Array.isArray(m) && m[2] === topic && m[3] === 'phx_close');

    // Refresh on a live channel: a valid token keeps it; a token for a non-member closes it.
    const [again] = await s.push('2', topic, 'phx_join', {
      config: { private: true },
      access_token: alice.token,
    });
    expect(again).toBe('ok');
    s.send([
      '2',
      null,
      topic,
      'access_token',
      { access_token: await userToken(alice.userId, alice.email, 600) },
    ]);
    await sleep(300);
    expect(s.messages.filter((m) => Array.isArray(m) && m[0] === '2' && m[3] === 'phx_close')).toEqual([]);
    s.send(['2', null, topic, 'access_token', { access_token: mallory.token }]);
    const revoked = (await s.waitFor(
      (m) =>
        Array.isArray(m) && m[0] === '2' && m[3] === 'system' && (m[4] as Payload).extension === 'system',
    )) as unknown[];
    expect((revoked[4] as Payload).message).toBe(
      `You no longer have permission to read from this Channel topic: channel:${server.textChannelId}`,
    );
    s.send(['2', null, topic, 'access_token', { access_token: 'garbage' }]);
    const [join3, resp3] = await s.push('3', topic, 'phx_join', { config: {}, access_token: 'garbage' });
    expect(join3).toBe('error');
    expect(resp3).toEqual({ reason: 'MalformedJWT: The token provided is not a valid JWT' });
    s.close();
  });
});
