import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { loadLimits } from '../src/realtime/limits.js';
import { realtimeFor } from '../src/realtime/router.js';
import { startTestStack, type TestStack } from './harness.js';
import { createUser, RawSocket, type RtUser, sleep, waitFor } from './realtime-helpers.js';

let t: TestStack;
let alice: RtUser;

beforeAll(async () => {
  t = await startTestStack();
  alice = await createUser(t, 'alice');
});
afterAll(() => t?.stop());
afterEach(() => {
  // Tests lower limits on the running service; put the defaults back.
  Object.assign(realtimeFor(t.stack.ctx).limits, loadLimits({}));
});

/** The HTTP answer to an upgrade request that is refused. */
function refusedUpgrade(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    ws.on('open', () => reject(new Error('the upgrade was accepted')));
    ws.on('error', () => undefined);
  });
}

describe('connection', () => {
  it('requires a project API key, like Kong', async () => {
    const base = `${t.url.replace('http', 'ws')}/realtime/v1/websocket`;
    const missing = await refusedUpgrade(`${base}?vsn=2.0.0`);
    expect(missing.status).toBe(401);
    expect(JSON.parse(missing.body)).toMatchObject({ message: 'No API key found in request' });
    const wrong = await refusedUpgrade(`${base}?apikey=nope&vsn=2.0.0`);
    expect(wrong.status).toBe(401);
    expect(JSON.parse(wrong.body)).toMatchObject({ message: 'Invalid API key' });
    const elsewhere = await refusedUpgrade(
      `${t.url.replace('http', 'ws')}/realtime/v1/other?apikey=${t.stack.keys.anon}`,
    );
    expect(elsewhere.status).toBe(404);
    // The opaque publishable key works too.
    const s = await RawSocket.open(t, `apikey=${t.stack.keys.publishable}&vsn=2.0.0`);
    expect(await s.push(null, 'phoenix', 'heartbeat', {})).toEqual(['ok', {}]);
    s.close();
  });

  it('answers heartbeats, bad frames and unknown topics or events with errors, and keeps going', async () => {
    const s = await RawSocket.open(t);
    s.send('this is not json');
    const bad = (await s.waitFor(
      (m) => Array.isArray(m) && m[2] === 'phoenix' && m[3] === 'phx_reply',
    )) as unknown[];
    expect(bad[4]).toMatchObject({
      status: 'error',
      response: { reason: 'malformed message: invalid JSON' },
    });
    s.send('{"an":"object"}');
    s.send(Buffer.from([9, 9, 9]));
    await waitFor(() => s.messages.length >= 3);

    expect(await s.push(null, 'realtime:nowhere', 'broadcast', {})).toEqual([
      'error',
      { reason: 'unmatched topic' },
    ]);
    expect(await s.push('1', 'elsewhere', 'phx_join', {})).toEqual(['error', { reason: 'unmatched topic' }]);
    expect(await s.push('2', 'realtime:', 'phx_join', {})).toEqual([
      'error',
      { reason: 'TopicNameRequired: You must provide a topic name' },
    ]);
    expect(await s.push('3', 'realtime:room', 'phx_join', { config: {}, access_token: alice.token })).toEqual(
      ['ok', { postgres_changes: [] }],
    );
    const [status, response] = await s.push('3', 'realtime:room', 'dance', {});
    expect(status).toBe('error');
    expect(String((response as { reason: string }).reason)).toContain('dance');
    expect(
      await s.push('4', 'realtime:room', 'phx_join', { config: { private: 'yes' }, access_token: 'x.y.z' }),
    ).toEqual(['error', { reason: 'MalformedJWT: The token provided is not a valid JWT' }]);
    expect(await s.push(null, 'phoenix', 'heartbeat', {})).toEqual(['ok', {}]);

    // Leave: ok, then phx_close with the join ref in both ref slots.
    const [join] = await s.push('5', 'realtime:room', 'phx_join', { config: {} });
    expect(join).toBe('ok');
    expect(await s.push('5', 'realtime:room', 'phx_leave', {})).toEqual(['ok', {}]);
    await s.waitFor((m) => Array.isArray(m) && m[0] === '5' && m[1] === '5' && m[3] === 'phx_close');
    expect(s.isOpen).toBe(true);
    s.close();
  });

  it('rejects expired tokens and tokens without role or exp', async () => {
    const { signJwt } = await import('../src/jwt.js');
    const { TEST_JWT_SECRET } = await import('./harness.js');
    const s = await RawSocket.open(t);
    const expired = await signJwt({ sub: alice.userId, role: 'authenticated', exp: 1_000 }, TEST_JWT_SECRET);
    const [, r1] = await s.push('1', 'realtime:a', 'phx_join', { config: {}, access_token: expired });
    expect((r1 as { reason: string }).reason).toMatch(/^InvalidJWTToken: Token has expired \d+ seconds ago$/);
    const noRole = await signJwt({ sub: alice.userId, exp: 4_000_000_000 }, TEST_JWT_SECRET);
    expect(await s.push('2', 'realtime:a', 'phx_join', { config: {}, access_token: noRole })).toEqual([
      'error',
      { reason: 'InvalidJWTToken: Fields `role` and `exp` are required in JWT' },
    ]);
    const forged = await signJwt(
      { role: 'service_role', exp: 4_000_000_000 },
      'another-secret-of-at-least-32-chars!!',
    );
    expect(await s.push('3', 'realtime:a', 'phx_join', { config: {}, access_token: forged })).toEqual([
      'error',
      { reason: 'JwtSignatureError: Failed to validate JWT signature' },
    ]);
    s.close();
  });
});

describe('limits', () => {
  it('caps channels per socket', async () => {
    realtimeFor(t.stack.ctx).limits.maxChannelsPerClient = 2;
    const s = await RawSocket.open(t);
    expect((await s.push('1', 'realtime:c1', 'phx_join', { config: {} }))[0]).toBe('ok');
    expect((await s.push('2', 'realtime:c2', 'phx_join', { config: {} }))[0]).toBe('ok');
    expect(await s.push('3', 'realtime:c3', 'phx_join', { config: {} })).toEqual([
      'error',
      { reason: 'ChannelRateLimitReached: Too many channels' },
    ]);
    s.close();
  });

  it('caps joins per second, disconnecting the client', async () => {
    realtimeFor(t.stack.ctx).limits.maxJoinsPerSecond = 3;
    const s = await RawSocket.open(t);
    for (let i = 1; i <= 3; i++)
      expect((await s.push(String(i), `realtime:j${i}`, 'phx_join', { config: {} }))[0]).toBe('ok');
    const [status, response] = await s.push('4', 'realtime:j4', 'phx_join', { config: {} });
    expect([status, response]).toEqual([
      'error',
      { reason: 'ClientJoinRateLimitReached: Too many joins per second' },
    ]);
    await waitFor(() => !s.isOpen);
  });

  it('refuses oversized payloads and floods', async () => {
    const limits = realtimeFor(t.stack.ctx).limits;
    limits.maxPayloadBytes = 100;
    const s = await RawSocket.open(t);
    const listener = await RawSocket.open(t);
    const [joined] = await s.push('1', 'realtime:big', 'phx_join', { config: { broadcast: { ack: true } } });
    expect(joined).toBe('ok');
    expect((await listener.push('1', 'realtime:big', 'phx_join', { config: {} }))[0]).toBe('ok');
    const big = { type: 'broadcast', event: 'x', payload: { data: 'x'.repeat(200) } };
    // Realtime's wire reply to an acked oversize broadcast: the bare reason as the response.
    s.send(['1', 'big', 'realtime:big', 'broadcast', big]);
    expect(await s.waitFor((m) => Array.isArray(m) && m[1] === 'big')).toEqual([
      '1',
      'big',
      'realtime:big',
      'phx_reply',
      { status: 'error', response: 'payload_size_exceeded' },
    ]);
    expect(
      await s.push('1', 'realtime:big', 'broadcast', { type: 'broadcast', event: 'x', payload: {} }),
    ).toEqual(['ok', {}]);
    // Only the small one reached the other subscriber.
    await listener.waitFor((m) => Array.isArray(m) && m[3] === 'broadcast');
    expect(listener.messages.filter((m) => Array.isArray(m) && m[3] === 'broadcast')).toHaveLength(1);
    listener.close();

    // Without acks Realtime sends nothing back for it either (realtime-js has already said "ok").
    const quiet = await RawSocket.open(t);
    expect((await quiet.push('1', 'realtime:quiet', 'phx_join', { config: {} }))[0]).toBe('ok');
    quiet.send(['1', 'big', 'realtime:quiet', 'broadcast', big]);
    await sleep(200);
    expect(quiet.messages.filter((m) => Array.isArray(m) && m[1] === 'big')).toEqual([]);
    quiet.close();

    limits.maxEventsPerSecond = 10;
    await sleep(1_000);
    for (let i = 0; i < 30; i++)
      s.send(['1', `f${i}`, 'realtime:big', 'broadcast', { type: 'broadcast', event: 'x', payload: {} }]);
    const refused = await s.waitFor(
      (m) =>
        Array.isArray(m) &&
        !!(m[4] as { response?: { reason?: string } })?.response?.reason?.includes('Too many'),
    );
    expect(refused).toBeTruthy();
    expect(s.isOpen).toBe(true);
    s.close();
  });
});
