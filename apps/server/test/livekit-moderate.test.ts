import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestDatabase } from '@harmony/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addMember,
  bits,
  createRole,
  createUser,
  seedServer,
  type TestServer,
  type TestUser,
} from '../../../db_schema/tests/fixtures.js';
import type { RunningService } from '../src/service.js';
import { createServerDatabase, startTestService, waitFor } from './helpers.js';

const API_KEY = 'APIserverTest';
const API_SECRET = 'apps-server-livekit-secret-longer-than-32-chars';

interface Call {
  method: string;
  body: Record<string, unknown>;
  claims: { iss: string; exp: number; video: Record<string, unknown> };
}

/**
 * Stands where LiveKit's server API (Twirp over HTTP) would be: records each call after checking
 * the bearer token's HS256 signature with the key pair, answers `not_found` for people not in the room.
 */
function fakeLiveKitApi(inRoom: () => string[]) {
  const calls: Call[] = [];
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk) => {
      raw += chunk;
    });
    req.on('end', () => {
      const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
      const [header, payload, signature] = token.split('.');
      const expected = createHmac('sha256', API_SECRET).update(`${header}.${payload}`).digest('base64url');
      if (signature !== expected) {
        res.writeHead(401).end(JSON.stringify({ code: 'unauthenticated', msg: 'bad signature' }));
        return;
      }
      const body = JSON.parse(raw) as Record<string, unknown>;
      calls.push({
        method: (req.url ?? '').replace('/twirp/livekit.RoomService/', ''),
        body,
        claims: JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()),
      });
      if (!inRoom().includes(body.identity as string)) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ code: 'not_found', msg: 'participant not found' }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  return { server, calls };
}

let db: TestDatabase;
let service: RunningService;
let api: ReturnType<typeof fakeLiveKitApi>;
let mod: TestUser;
let ada: TestUser;
let bob: TestUser;
let server: TestServer;
let stage: string;

beforeAll(async () => {
  db = await createServerDatabase();
  api = fakeLiveKitApi(() => [ada.profileId]);
  await new Promise<void>((resolve) => api.server.listen(0, '127.0.0.1', resolve));
  const { port } = api.server.address() as AddressInfo;
  await db
    .asService()
    .query('select public.set_livekit_config($1, $2, $3)', [API_KEY, API_SECRET, `ws://127.0.0.1:${port}`]);
  const owner = await createUser(db, 'owner');
  mod = await createUser(db, 'mod');
  ada = await createUser(db, 'ada');
  bob = await createUser(db, 'bob');
  server = await seedServer(db, owner);
  const role = await createRole(db, server.serverId, {
    name: 'Voice mod',
    permissions: await bits(db, ['MUTE_MEMBERS', 'DEAFEN_MEMBERS', 'MOVE_MEMBERS']),
    position: 5,
  });
  await addMember(db, server.serverId, mod, [role]);
  await addMember(db, server.serverId, ada);
  await addMember(db, server.serverId, bob);
  const { rows } = await db.query<{ id: string }>(
    `insert into public.channels (server_id, type, name, position) values ($1, 'voice', 'Stage', 2) returning id`,
    [server.serverId],
  );
  stage = rows[0]?.id as string;
  service = await startTestService(db);
});
afterAll(async () => {
  await service?.stop();
  await db?.close();
  api?.server.close();
});

const moderate = (target: TestUser, action: string, to: string | null = null) =>
  mod.api.query('select public.moderate_voice($1, $2, $3, $4)', [
    server.voiceChannelId,
    target.profileId,
    action,
    to,
  ]);

const settled = () =>
  waitFor(async () => (await db.query('select 1 from graphile_worker.jobs')).rows.length === 0);

describe('livekit-moderate (apps/server applies voice moderation in the room)', () => {
  it('server mute and deafen update the participant to the grants of a new token; disconnect and move call the room API', async () => {
    await moderate(ada, 'mute');
    await waitFor(async () => api.calls.length === 1);
    await moderate(ada, 'deafen');
    await waitFor(async () => api.calls.length === 2);
    await moderate(ada, 'disconnect');
    await waitFor(async () => api.calls.length === 3);
    await moderate(ada, 'move', stage);
    await waitFor(async () => api.calls.length === 4);
    const room = server.voiceChannelId;
    const sources = ['CAMERA', 'SCREEN_SHARE', 'SCREEN_SHARE_AUDIO'];
    expect(api.calls.map(({ method, body }) => ({ method, body }))).toEqual([
      {
        method: 'UpdateParticipant',
        body: {
          room,
          identity: ada.profileId,
          permission: {
            canPublish: true,
            canPublishSources: sources,
            canSubscribe: true,
            canPublishData: true,
          },
        },
      },
      {
        method: 'UpdateParticipant',
        body: {
          room,
          identity: ada.profileId,
          permission: {
            canPublish: true,
            canPublishSources: sources,
            canSubscribe: false,
            canPublishData: true,
          },
        },
      },
      { method: 'RemoveParticipant', body: { room, identity: ada.profileId } },
      { method: 'MoveParticipant', body: { room, identity: ada.profileId, destinationRoom: stage } },
    ]);
    // Signed with the database's key pair, room admin only where it acts, valid for a minute.
    for (const { claims } of api.calls) {
      expect(claims.iss).toBe(API_KEY);
      expect(claims.video).toMatchObject({ room, roomAdmin: true });
      expect(claims.exp - Date.now() / 1000).toBeLessThanOrEqual(60);
    }
    expect(api.calls[3]?.claims.video.destinationRoom).toBe(stage);
  });

  it('someone not in the room is done at once (their next token carries the change)', async () => {
    const before = api.calls.length;
    await moderate(bob, 'mute');
    await settled();
    expect(api.calls.slice(before).map((c) => c.method)).toEqual(['UpdateParticipant']);
    const failed = await db.query(`select 1 from graphile_worker.jobs where last_error is not null`);
    expect(failed.rows).toEqual([]);
  });
});
