import { createTestDatabase, type Session, type TestDatabase } from '@harmony/db/testing';
import { TokenVerifier } from 'livekit-server-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addMember,
  bits,
  createRole,
  createUser,
  failure,
  seedServer,
  setOverwrite,
  type TestUser,
} from './fixtures.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.close());

const API_KEY = 'APIvoiceModeration';
const API_SECRET = 'voice-moderation-secret-with-more-than-32-characters';

/** owner; mod (MUTE/DEAFEN/MOVE_MEMBERS, position 5); ada and bob (no roles); a second voice channel. */
async function world(tx: Session) {
  await tx
    .asService()
    .query('select public.set_livekit_config($1, $2, $3)', [API_KEY, API_SECRET, 'wss://lk.test']);
  const owner = await createUser(tx, 'owner');
  const mod = await createUser(tx, 'mod');
  const ada = await createUser(tx, 'ada');
  const bob = await createUser(tx, 'bob');
  const server = await seedServer(tx, owner);
  const modRole = await createRole(tx, server.serverId, {
    name: 'Voice mod',
    permissions: await bits(tx, ['MUTE_MEMBERS', 'DEAFEN_MEMBERS', 'MOVE_MEMBERS']),
    position: 5,
  });
  await addMember(tx, server.serverId, mod, [modRole]);
  await addMember(tx, server.serverId, ada);
  await addMember(tx, server.serverId, bob);
  const { rows } = await tx.query<{ id: string }>(
    `insert into public.channels (server_id, type, name, position) values ($1, 'voice', 'Stage', 2) returning id`,
    [server.serverId],
  );
  return { owner, mod, ada, bob, server, stage: rows[0]?.id as string };
}

const moderate = (
  who: TestUser,
  channelId: string,
  target: TestUser,
  action: string,
  to: string | null = null,
) => who.api.query('select public.moderate_voice($1, $2, $3, $4)', [channelId, target.profileId, action, to]);

const grants = async (who: TestUser, channelId: string) => {
  const { rows } = await who.api.query<{ t: { token: string } }>('select public.get_livekit_token($1) as t', [
    channelId,
  ]);
  const claims = await new TokenVerifier(API_KEY, API_SECRET).verify(rows[0]?.t.token as string);
  return { sources: claims.video?.canPublishSources, subscribe: claims.video?.canSubscribe };
};

const jobs = async (tx: Session) =>
  (
    await tx.query<{ payload: Record<string, string | null> }>(
      `select payload from private.job_outbox where task = 'livekit-moderate' order by id`,
    )
  ).rows.map((r) => r.payload);

describe('moderate_voice', () => {
  it('server mute and deafen are stored, shape every later token, and queue the live change for apps/server', async () => {
    await db.rollback(async (tx) => {
      const { mod, ada, server } = await world(tx);
      const room = server.voiceChannelId;
      expect(await grants(ada, room)).toEqual({
        sources: ['microphone', 'camera', 'screen_share', 'screen_share_audio'],
        subscribe: true,
      });
      await moderate(mod, room, ada, 'mute');
      await moderate(mod, room, ada, 'deafen');
      const { rows } = await tx.query(
        'select voice_muted, voice_deafened from public.server_members where profile_id = $1',
        [ada.profileId],
      );
      expect(rows[0]).toEqual({ voice_muted: true, voice_deafened: true });
      expect(await grants(ada, room)).toEqual({
        sources: ['camera', 'screen_share', 'screen_share_audio'],
        subscribe: false,
      });
      await moderate(mod, room, ada, 'unmute');
      await moderate(mod, room, ada, 'undeafen');
      expect((await grants(ada, room)).subscribe).toBe(true);
      expect((await grants(ada, room)).sources).toContain('microphone');
      expect(await jobs(tx)).toEqual(
        ['mute', 'deafen', 'unmute', 'undeafen'].map((action) => ({
          room,
          identity: ada.profileId,
          action,
          destination: null,
        })),
      );
    });
  });

  it('disconnects and moves only to a voice channel the member may join', async () => {
    await db.rollback(async (tx) => {
      const { mod, ada, server, stage } = await world(tx);
      const room = server.voiceChannelId;
      await moderate(mod, room, ada, 'disconnect');
      await setOverwrite(tx, stage, { member: ada.profileId }, { deny: await bits(tx, ['CONNECT']) });
      expect(await failure(moderate(mod, room, ada, 'move', stage))).toEqual({
        code: '42501',
        message: 'this member cannot connect to the destination',
      });
      expect((await failure(moderate(mod, room, ada, 'move', server.textChannelId))).code).toBe('PT404');
      expect((await failure(moderate(mod, room, ada, 'move', room))).code).toBe('PT404');
      await tx.query('delete from public.channel_overwrites where channel_id = $1', [stage]);
      await moderate(mod, room, ada, 'move', stage);
      expect((await jobs(tx)).map((j) => [j.action, j.destination])).toEqual([
        ['disconnect', null],
        ['move', stage],
      ]);
    });
  });

  it('refuses members without the permission, outsiders, anon, the owner as target, and direct writes', async () => {
    await db.rollback(async (tx) => {
      const { owner, mod, ada, bob, server } = await world(tx);
      const room = server.voiceChannelId;
      const stranger = await createUser(tx, 'stranger');
      expect(await failure(moderate(bob, room, ada, 'mute'))).toEqual({
        code: '42501',
        message: 'you do not have the MUTE_MEMBERS permission in this channel',
      });
      expect((await failure(moderate(bob, room, ada, 'disconnect'))).code).toBe('42501');
      expect((await failure(moderate(stranger, room, ada, 'mute'))).code).toBe('PT404');
      expect(
        (
          await failure(
            tx.asAnon().query('select public.moderate_voice($1, $2, $3)', [room, ada.profileId, 'mute']),
          )
        ).code,
      ).toBe('42501');
      expect(await failure(moderate(mod, room, owner, 'mute'))).toEqual({
        code: '42501',
        message: 'the server owner cannot be moderated',
      });
      expect((await failure(moderate(mod, room, ada, 'shout'))).code).toBe('22023');
      // A mute denied in this channel only.
      await setOverwrite(
        tx,
        room,
        { role: server.everyoneRoleId },
        { deny: await bits(tx, ['MUTE_MEMBERS']) },
      );
      expect((await failure(moderate(mod, room, ada, 'mute'))).code).toBe('42501');
      // Lifting one's own server mute by writing the row is refused.
      expect(
        (
          await failure(
            ada.api.query('update public.server_members set voice_muted = false where profile_id = $1', [
              ada.profileId,
            ]),
          )
        ).code,
      ).toBe('42501');
      expect(await jobs(tx)).toEqual([]);
    });
  });
});
