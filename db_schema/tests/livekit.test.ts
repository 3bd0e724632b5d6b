import { createTestDatabase, type Session, type TestDatabase } from '@harmony/db/testing';
import { TokenVerifier } from 'livekit-server-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, bit, createRole, createUser, pgError, seedServer, type TestUser } from './fixtures.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.close());

const API_KEY = 'APIharmonyTest';
const API_SECRET = 'x7/Q+secret+with=base64-ish/characters_and_length>32';
const URL = 'wss://voice.example.test';

interface LiveKitToken {
  token: string;
  url: string;
  room: string;
  identity: string;
}

const configure = (tx: Session) =>
  tx.asService().query('select public.set_livekit_config($1, $2, $3)', [API_KEY, API_SECRET, URL]);

const tokenFor = async (user: TestUser, channelId: string) =>
  (await user.api.query<{ t: LiveKitToken }>('select public.get_livekit_token($1) as t', [channelId])).rows[0]
    ?.t as LiveKitToken;

const verify = (jwt: string) => new TokenVerifier(API_KEY, API_SECRET).verify(jwt);

const denyForMember = (tx: Session, channelId: string, user: TestUser, names: string[]) =>
  tx.query(
    `insert into public.channel_overwrites (channel_id, target_type, target_id, deny)
     select $1, 'member', $2, sum(public.permission(n))::bigint from unnest($3::text[]) n
     on conflict (channel_id, target_type, target_id) do update set deny = excluded.deny`,
    [channelId, user.profileId, names],
  );

describe('get_livekit_token', () => {
  it('signs a token that LiveKit accepts, carrying the member identity and grants', async () => {
    await db.rollback(async (tx) => {
      await configure(tx);
      const owner = await createUser(tx, 'owner');
      const ada = await createUser(tx, 'ada');
      const server = await seedServer(tx, owner);
      await addMember(tx, server.serverId, ada);
      await tx.query(`update public.profiles set display_name = 'Ada L.' where id = $1`, [ada.profileId]);

      const result = await tokenFor(ada, server.voiceChannelId);
      expect(result).toMatchObject({ url: URL, room: server.voiceChannelId, identity: ada.profileId });
      expect(result.token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
      const claims = await verify(result.token);
      expect(claims).toMatchObject({
        iss: API_KEY,
        sub: ada.profileId,
        name: 'Ada L.',
        video: {
          room: server.voiceChannelId,
          roomJoin: true,
          canPublish: true,
          canPublishSources: ['microphone', 'camera', 'screen_share', 'screen_share_audio'],
          canSubscribe: true,
          canPublishData: true,
        },
      });
      expect((claims.exp ?? 0) - (claims.nbf ?? 0)).toBe(6 * 3600);
      expect(Math.abs((claims.nbf ?? 0) - Date.now() / 1000)).toBeLessThan(60);
      expect(JSON.parse(claims.metadata ?? '{}')).toEqual({
        server_id: server.serverId,
        channel_id: server.voiceChannelId,
      });

      await expect(new TokenVerifier(API_KEY, `${API_SECRET}!`).verify(result.token)).rejects.toThrow(
        /signature/,
      );
      await expect(new TokenVerifier('another-key', API_SECRET).verify(result.token)).rejects.toThrow(/iss/);
    });
  });

  it('grants publishing sources from SPEAK and STREAM only', async () => {
    await db.rollback(async (tx) => {
      await configure(tx);
      const owner = await createUser(tx, 'owner');
      const ada = await createUser(tx, 'ada');
      const server = await seedServer(tx, owner);
      await addMember(tx, server.serverId, ada);
      const grants = async () => (await verify((await tokenFor(ada, server.voiceChannelId)).token)).video;

      await denyForMember(tx, server.voiceChannelId, ada, ['STREAM']);
      expect(await grants()).toMatchObject({ canPublish: true, canPublishSources: ['microphone'] });
      await denyForMember(tx, server.voiceChannelId, ada, ['SPEAK']);
      expect(await grants()).toMatchObject({
        canPublish: true,
        canPublishSources: ['camera', 'screen_share', 'screen_share_audio'],
      });
      await denyForMember(tx, server.voiceChannelId, ada, ['SPEAK', 'STREAM']);
      expect(await grants()).toMatchObject({ canPublish: false, canPublishSources: [], canSubscribe: true });
    });
  });

  it('makes members with MUTE_MEMBERS room admins, so they can mute others, and nobody else', async () => {
    await db.rollback(async (tx) => {
      await configure(tx);
      const owner = await createUser(tx, 'owner');
      const ada = await createUser(tx, 'ada');
      const modName = await createUser(tx, 'mod');
      const server = await seedServer(tx, owner);
      const mods = await createRole(tx, server.serverId, {
        name: 'mods',
        permissions: await bit(tx, 'MUTE_MEMBERS'),
        position: 1,
      });
      await addMember(tx, server.serverId, ada);
      await addMember(tx, server.serverId, modName, [mods]);
      const admin = async (user: typeof ada) =>
        (await verify((await tokenFor(user, server.voiceChannelId)).token)).video?.roomAdmin;
      expect(await admin(ada)).toBe(false);
      expect(await admin(modName)).toBe(true);
      expect(await admin(owner)).toBe(true);
    });
  });

  it('refuses strangers, members without CONNECT, text channels and unknown ids with one error', async () => {
    await db.rollback(async (tx) => {
      await configure(tx);
      const owner = await createUser(tx, 'owner');
      const ada = await createUser(tx, 'ada');
      const eve = await createUser(tx, 'eve');
      const server = await seedServer(tx, owner);
      await addMember(tx, server.serverId, ada);
      const bob = await createUser(tx, 'bob');
      await addMember(tx, server.serverId, bob);
      await denyForMember(tx, server.voiceChannelId, ada, ['CONNECT']);
      // Timed-out members keep only VIEW_CHANNEL and READ_MESSAGE_HISTORY.
      await tx.query(
        `update public.server_members set timed_out_until = now() + interval '1 hour' where profile_id = $1`,
        [bob.profileId],
      );

      const attempts: [TestUser, string][] = [
        [eve, server.voiceChannelId],
        [ada, server.voiceChannelId],
        [bob, server.voiceChannelId],
        [owner, server.textChannelId],
        [owner, '00000000-0000-4000-8000-000000000000'],
      ];
      for (const [user, channel] of attempts) {
        const error = await pgError(tokenFor(user, channel));
        expect(error).toMatchObject({ code: 'PT404', message: 'voice channel not found' });
      }
      const anon = await pgError(
        tx.asAnon().query('select public.get_livekit_token($1)', [server.voiceChannelId]),
      );
      expect(anon.message).toContain('permission denied for function get_livekit_token');
    });
  });

  it('admits DM participants to a call unless one blocked the other', async () => {
    await db.rollback(async (tx) => {
      await configure(tx);
      const ada = await createUser(tx, 'ada');
      const bob = await createUser(tx, 'bob');
      const eve = await createUser(tx, 'eve');
      const dm = (
        await tx.query<{ id: string }>(`insert into public.channels (type) values ('dm') returning id`)
      ).rows[0]?.id as string;
      await tx.query(
        'insert into public.channel_recipients (channel_id, profile_id) values ($1, $2), ($1, $3)',
        [dm, ada.profileId, bob.profileId],
      );
      const claims = await verify((await tokenFor(ada, dm)).token);
      expect(claims.video).toMatchObject({ room: dm, canPublish: true });
      expect(JSON.parse(claims.metadata ?? '{}')).toEqual({ server_id: null, channel_id: dm });
      expect((await pgError(tokenFor(eve, dm))).code).toBe('PT404');
      await tx.query('insert into public.user_blocks (blocker_id, blocked_id) values ($1, $2)', [
        bob.profileId,
        ada.profileId,
      ]);
      expect((await pgError(tokenFor(ada, dm))).code).toBe('PT404');
    });
  });

  it('says so when voice is not configured', async () => {
    await db.rollback(async (tx) => {
      const owner = await createUser(tx, 'owner');
      const server = await seedServer(tx, owner);
      const error = await pgError(tokenFor(owner, server.voiceChannelId));
      expect(error).toMatchObject({ code: 'P0001', message: 'voice is not configured on this instance' });
    });
  });
});

describe('LiveKit configuration', () => {
  it('is out of reach of every API role and set only by service_role', async () => {
    await db.rollback(async (tx) => {
      await configure(tx);
      const ada = await createUser(tx, 'ada');
      for (const role of [ada.api, tx.asAnon(), tx.asService()]) {
        const error = await pgError(role.query('select api_secret from private.livekit_config'));
        expect(error.message).toContain('permission denied');
      }
      const byUser = await pgError(ada.api.query(`select public.set_livekit_config('k', 's', 'wss://x')`));
      expect(byUser.message).toContain('permission denied for function set_livekit_config');
      const badUrl = tx.asService().query(`select public.set_livekit_config('k', 's', 'ftp://x')`);
      expect((await pgError(badUrl)).code).toBe('22023');
      const noSecret = tx.asService().query(`select public.set_livekit_config('k', '', 'wss://x')`);
      expect((await pgError(noSecret)).code).toBe('22023');

      await tx.asService().query(`select public.set_livekit_config('k2', 's2', 'wss://other.example')`);
      const { rows } = await tx.query('select api_key, api_secret, server_url from private.livekit_config');
      expect(rows).toEqual([{ api_key: 'k2', api_secret: 's2', server_url: 'wss://other.example' }]);
    });
  });
});
