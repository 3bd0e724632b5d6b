import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestDatabase } from '@harmony/db/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  addMember,
  createUser,
  seedServer,
  sendMessage,
  type TestUser,
} from '../../../db_schema/tests/fixtures.js';
import { isPublicAddress } from '../src/net/outbound.js';
import type { RunningService } from '../src/service.js';
import { createServerDatabase, serverConfig, startTestService, VAPID, waitFor } from './helpers.js';
import { LocalPushService } from './push-server.js';

let db: TestDatabase;
let service: RunningService;
let internal: http.Server;
let push: LocalPushService;
const reached: string[] = [];

beforeAll(async () => {
  db = await createServerDatabase();
  push = await LocalPushService.start();
  // Something on the service's own network that must never be reached through a push endpoint.
  internal = http.createServer((req, res) => {
    reached.push(req.url ?? '');
    res.writeHead(201).end();
  });
  await new Promise<void>((resolve) => internal.listen(0, '127.0.0.1', resolve));
  service = await startTestService(db, { config: serverConfig(db, { pushAllowPrivateEndpoints: false }) });
});
afterAll(async () => {
  await service?.stop();
  await new Promise((resolve) => internal?.close(resolve));
  await push?.stop();
  await db?.close();
});

it('a user cannot make the service send requests to loopback, private or plain-http addresses', async () => {
  const author = await createUser(db, 'author');
  const mallory: TestUser = await createUser(db, 'mallory');
  const server = await seedServer(db, author);
  await addMember(db, server.serverId, mallory);
  const { port } = internal.address() as AddressInfo;
  const keys = (await push.subscribe(VAPID.publicKey)).keys;
  for (const endpoint of [
    `https://127.0.0.1:${port}/steal`,
    `https://localhost:${port}/steal`,
    `http://127.0.0.1:${port}/steal`,
    'https://169.254.169.254/latest/meta-data',
    `https://[::1]:${port}/steal`,
  ]) {
    await mallory.api.query('select public.register_push_subscription($1, $2, $3)', [
      endpoint,
      keys.p256dh,
      keys.auth,
    ]);
  }
  await db.query('update public.push_subscriptions set last_active_at = null');
  await sendMessage(author, server.textChannelId, `hi <@${mallory.profileId}>`);
  // The job ends (no endless retries) and the endpoints are gone, without a request reaching them.
  await waitFor(async () => (await db.query('select 1 from graphile_worker.jobs')).rows.length === 0);
  expect((await db.query('select endpoint from public.push_subscriptions')).rows).toEqual([]);
  expect(reached).toEqual([]);
});

it('knows which addresses are public', () => {
  for (const address of [
    '127.0.0.1',
    '10.1.2.3',
    '172.16.0.1',
    '192.168.1.1',
    '169.254.169.254',
    '::1',
    'fd00::1',
    '::ffff:127.0.0.1',
    '0.0.0.0',
  ]) {
    expect(isPublicAddress(address), address).toBe(false);
  }
  for (const address of ['8.8.8.8', '142.250.74.78', '2a00:1450:4001:82b::200e']) {
    expect(isPublicAddress(address), address).toBe(true);
  }
});
