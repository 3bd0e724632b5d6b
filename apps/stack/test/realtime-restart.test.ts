import { freePort } from '@harmony/db';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack } from '../src/server.js';
import { startTestStack, type TestStack } from './harness.js';
import { clientFor, closeClients, createUser, postMessage, seedServer, waitFor } from './realtime-helpers.js';

let t: TestStack;
let port: number;
beforeAll(async () => {
  port = await freePort();
  t = await startTestStack({ HARMONY_STACK_PORT: String(port) });
});
afterAll(() => t.stop());

describe('realtime across a stack restart', () => {
  it('rejoins on its own and delivers changes made after the restart', async () => {
    const ada = await createUser(t, 'ada');
    const server = await seedServer(t, ada);
    const client = await clientFor(t, ada);
    const received: string[] = [];
    const statuses: string[] = [];
    const channel = client.channel(`channel:${server.textChannelId}`, { config: { private: true } }).on(
      'postgres_changes',
      {
        event: 'INSERT',
        schema: 'public',
        table: 'messages',
        filter: `channel_id=eq.${server.textChannelId}`,
      },
      (payload) => received.push((payload.new as { content: string }).content),
    );
    channel.subscribe((status, err) => statuses.push(err ? `${status}:${err.message}` : status));
    await waitFor(() => statuses.includes('SUBSCRIBED'));
    await postMessage(t, ada, server.textChannelId, 'before');
    await waitFor(() => received.includes('before'));

    // Same port, same database: what a restart of `pnpm dev`'s backend looks like to a client.
    const config = t.stack.ctx.config;
    await t.stack.stop();
    const again = await startStack({ ...config, port }, t.db.url(), pino({ level: 'silent' }));
    try {
      await waitFor(() => statuses.filter((s) => s === 'SUBSCRIBED').length >= 2, 25_000).catch((e) => {
        throw new Error(
          `${e.message}; statuses ${statuses.join(',')}; socket ${client.realtime.connectionState()}`,
        );
      });
      await postMessage(t, ada, server.textChannelId, 'after');
      await waitFor(() => received.includes('after'), 10_000);
      expect(received).toEqual(['before', 'after']);
    } finally {
      await closeClients(client);
      await again.stop();
      t.stack.stop = async () => {};
    }
  }, 60_000);
});
