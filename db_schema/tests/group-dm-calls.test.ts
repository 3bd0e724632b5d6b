import { createTestDatabase, type Requester, type Session, type TestDatabase } from '@harmony/db/testing';
import { TokenVerifier } from 'livekit-server-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, failure, makeFriends, receives, rpc, sends, type TestUser } from './fixtures.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.close());

interface Call {
  id: string;
  channel_id: string;
  caller_id: string;
  callee_id: string | null;
  status: string;
}

const API_KEY = 'APIharmonyCalls';
const API_SECRET = 'dm-call+secret/with=characters_and_length>32';

async function callRpc(who: Requester, fn: string, ...args: unknown[]): Promise<Call> {
  const params = args.map((_, i) => `$${i + 1}`).join(', ');
  const { rows } = await who.query<{ r: Call }>(`select to_jsonb(public.${fn}(${params})) as r`, args);
  return rows[0]?.r as Call;
}

/** ada owns a group DM with bob and cy (all friends of hers); eve is nobody to them. */
async function world(tx: Session) {
  const ada = await createUser(tx, 'ada');
  const bob = await createUser(tx, 'bob');
  const cy = await createUser(tx, 'cy');
  const eve = await createUser(tx, 'eve');
  await makeFriends(tx, ada, bob);
  await makeFriends(tx, ada, cy);
  const group = await rpc<string>(ada.api, 'create_group_dm', [bob.profileId, cy.profileId]);
  return { ada, bob, cy, eve, group };
}

/** Who the call's members are and where each stands, as the database keeps it. */
const members = async (tx: Session, callId: string, people: Record<string, TestUser>) => {
  const names = new Map(Object.entries(people).map(([name, user]) => [user.profileId, name]));
  const { rows } = await tx.query<{ profile_id: string; state: string }>(
    'select profile_id, state from public.dm_call_members where call_id = $1',
    [callId],
  );
  return Object.fromEntries(rows.map((r) => [names.get(r.profile_id), r.state]));
};

/**
 * The call_updates a user's topic got: status and members' states (one transaction: all have
 * the same inserted_at, so tests look for an update rather than the last one).
 */
const updates = async (tx: Session, who: TestUser) =>
  (
    await tx.query<{ status: string; members: { profile_id: string; state: string }[] }>(
      `select payload->'record'->>'status' as status, payload->'record'->'members' as members
         from realtime.messages where topic = $1 and event = 'call_update'`,
      [`user:${who.profileId}`],
    )
  ).rows;

const lines = async (tx: Session, channelId: string) =>
  (
    await tx.query<{ content: string }>(
      `select content from public.messages where channel_id = $1 and type = 'system' order by seq`,
      [channelId],
    )
  ).rows.map((r) => r.content);

describe('group DM calls', () => {
  it('rings every other member; each joins or declines; leaving keeps the call; the last one out ends it', async () => {
    await db.rollback(async (tx) => {
      const { ada, bob, cy, group } = await world(tx);
      const people = { ada, bob, cy };
      const call = await callRpc(ada.api, 'start_dm_call', group);
      expect(call).toMatchObject({
        channel_id: group,
        caller_id: ada.profileId,
        callee_id: null,
        status: 'ringing',
      });
      expect(await members(tx, call.id, people)).toEqual({ ada: 'joined', bob: 'ringing', cy: 'ringing' });
      for (const user of [ada, bob, cy])
        expect(await updates(tx, user)).toEqual([{ status: 'ringing', members: expect.any(Array) }]);
      expect((await updates(tx, bob))[0]?.members).toHaveLength(3);
      expect((await callRpc(bob.api, 'answer_dm_call', call.id, true)).status).toBe('active');
      expect((await callRpc(cy.api, 'answer_dm_call', call.id, false)).status).toBe('active');
      expect(await members(tx, call.id, people)).toEqual({ ada: 'joined', bob: 'joined', cy: 'declined' });

      // Ada leaves: Bob stays in the call; Cy changes her mind and joins after all.
      expect((await callRpc(ada.api, 'end_dm_call', call.id)).status).toBe('active');
      expect((await callRpc(cy.api, 'start_dm_call', group)).id).toBe(call.id);
      expect(await members(tx, call.id, people)).toEqual({ ada: 'left', bob: 'joined', cy: 'joined' });
      expect(await lines(tx, group)).toEqual([]);

      expect((await callRpc(bob.api, 'end_dm_call', call.id)).status).toBe('active');
      expect((await callRpc(cy.api, 'end_dm_call', call.id)).status).toBe('ended');
      expect(await lines(tx, group)).toEqual(['call_ended']);
      expect((await updates(tx, ada)).map((u) => u.status)).toContain('ended');
      expect((await failure(callRpc(bob.api, 'answer_dm_call', call.id, true))).code).toBe('PT409');
    });
  });

  it('a call everyone declines, or the caller gives up on, ends with its line', async () => {
    await db.rollback(async (tx) => {
      const { ada, bob, cy, group } = await world(tx);
      const declined = await callRpc(ada.api, 'start_dm_call', group);
      await callRpc(bob.api, 'answer_dm_call', declined.id, false);
      expect((await callRpc(cy.api, 'end_dm_call', declined.id)).status).toBe('declined');
      const cancelled = await callRpc(bob.api, 'start_dm_call', group);
      expect(cancelled.id).not.toBe(declined.id);
      expect((await callRpc(bob.api, 'end_dm_call', cancelled.id)).status).toBe('missed');
      expect(await lines(tx, group)).toEqual(['call_declined', 'call_missed']);
    });
  });

  it('outsiders cannot ring, join, read, signal or get a token for a group call; someone who left the group cannot come back', async () => {
    await db.rollback(async (tx) => {
      const { ada, bob, cy, eve, group } = await world(tx);
      await tx
        .asService()
        .query('select public.set_livekit_config($1, $2, $3)', [
          API_KEY,
          API_SECRET,
          'wss://voice.example.test',
        ]);
      expect(await failure(callRpc(eve.api, 'start_dm_call', group))).toEqual({
        code: 'PT404',
        message: 'DM not found',
      });
      const call = await callRpc(ada.api, 'start_dm_call', group);
      const topic = `call:${call.id}`;
      for (const attempt of [
        callRpc(eve.api, 'answer_dm_call', call.id, true),
        callRpc(eve.api, 'end_dm_call', call.id),
        eve.api.query('select public.get_dm_call_token($1)', [call.id]),
      ])
        expect(await failure(attempt)).toEqual({ code: 'PT404', message: 'call not found' });
      expect((await failure(tx.asAnon().query('select public.get_dm_call_token($1)', [call.id]))).code).toBe(
        '42501',
      );
      expect((await eve.api.query('select id from public.dm_calls')).rows).toEqual([]);
      expect((await eve.api.query('select call_id from public.dm_call_members')).rows).toEqual([]);
      expect((await bob.api.query('select id from public.dm_calls')).rows).toEqual([{ id: call.id }]);
      expect(
        (
          await failure(
            bob.api.query(`update public.dm_call_members set state = 'joined' where call_id = $1`, [call.id]),
          )
        ).code,
      ).toBe('42501');
      expect(await receives(tx, eve.api, topic)).toBe(false);
      expect(await sends(eve.api, topic)).toBe(false);
      expect(await receives(tx, bob.api, topic)).toBe(true);
      expect(await sends(cy.api, topic)).toBe(true);

      // Bob joins, then leaves the group DM: he is out of the call and cannot get back in.
      await callRpc(bob.api, 'answer_dm_call', call.id, true);
      await bob.api.query('select public.leave_group_dm($1)', [group]);
      expect(await members(tx, call.id, { ada, bob, cy })).toEqual({
        ada: 'joined',
        bob: 'left',
        cy: 'ringing',
      });
      // The one who left hears of it too (his call UI closes).
      expect(
        (await updates(tx, bob)).some((u) =>
          u.members.some((m) => m.profile_id === bob.profileId && m.state === 'left'),
        ),
      ).toBe(true);
      expect(await failure(callRpc(bob.api, 'answer_dm_call', call.id, true))).toEqual({
        code: 'PT404',
        message: 'call not found',
      });
      expect((await failure(callRpc(bob.api, 'start_dm_call', group))).code).toBe('PT404');
      expect((await failure(bob.api.query('select public.get_dm_call_token($1)', [call.id]))).code).toBe(
        'PT404',
      );
      expect(await receives(tx, bob.api, topic)).toBe(false);
      expect(await sends(bob.api, topic)).toBe(false);
      expect((await bob.api.query('select id from public.dm_calls')).rows).toEqual([]);
    });
  });
});

describe('get_dm_call_token', () => {
  const tokenOf = async (who: TestUser, callId: string) =>
    (
      await who.api.query<{ t: { token: string; room: string; identity: string } }>(
        'select public.get_dm_call_token($1) as t',
        [callId],
      )
    ).rows[0]?.t;

  it('says voice is not configured without LiveKit (the client then calls peer to peer)', async () => {
    await db.rollback(async (tx) => {
      const { ada, group } = await world(tx);
      const call = await callRpc(ada.api, 'start_dm_call', group);
      expect(await failure(ada.api.query('select public.get_dm_call_token($1)', [call.id]))).toEqual({
        code: 'P0001',
        message: 'voice is not configured on this instance',
      });
    });
  });

  it('signs a room of the call for those in it only: caller, answered callee, joined group members', async () => {
    await db.rollback(async (tx) => {
      const { ada, bob, cy, eve, group } = await world(tx);
      await tx
        .asService()
        .query('select public.set_livekit_config($1, $2, $3)', [
          API_KEY,
          API_SECRET,
          'wss://voice.example.test',
        ]);
      const verify = (jwt: string) => new TokenVerifier(API_KEY, API_SECRET).verify(jwt);
      const call = await callRpc(ada.api, 'start_dm_call', group);
      const room = `dm-call-${call.id}`;
      const ada1 = await tokenOf(ada, call.id);
      expect(ada1).toMatchObject({ room, identity: ada.profileId, url: 'wss://voice.example.test' });
      expect(await verify(ada1?.token as string)).toMatchObject({
        sub: ada.profileId,
        video: {
          room,
          roomJoin: true,
          canPublish: true,
          canSubscribe: true,
          canPublishSources: ['microphone', 'camera', 'screen_share', 'screen_share_audio'],
        },
      });
      // Rung but not in the call yet: no token; joined: one.
      expect((await failure(tokenOf(bob, call.id))).code).toBe('PT404');
      await callRpc(bob.api, 'answer_dm_call', call.id, true);
      expect((await verify((await tokenOf(bob, call.id))?.token as string)).sub).toBe(bob.profileId);
      expect((await failure(tokenOf(cy, call.id))).code).toBe('PT404');
      expect((await failure(tokenOf(eve, call.id))).code).toBe('PT404');
      // A token signed with another secret is not LiveKit's.
      await expect(
        new TokenVerifier(API_KEY, 'another secret of length > 32 chars').verify(ada1?.token as string),
      ).rejects.toThrow();

      // 1:1: the caller at once, the callee once answered, nobody else.
      await makeFriends(tx, bob, eve);
      const dm = await rpc<string>(bob.api, 'open_dm', eve.profileId);
      const oneToOne = await callRpc(bob.api, 'start_dm_call', dm);
      expect((await tokenOf(bob, oneToOne.id))?.room).toBe(`dm-call-${oneToOne.id}`);
      expect((await failure(tokenOf(eve, oneToOne.id))).code).toBe('PT404');
      expect((await failure(tokenOf(ada, oneToOne.id))).code).toBe('PT404');
      await callRpc(eve.api, 'answer_dm_call', oneToOne.id, true);
      expect((await verify((await tokenOf(eve, oneToOne.id))?.token as string)).video?.room).toBe(
        `dm-call-${oneToOne.id}`,
      );
      // Over: no more tokens.
      await callRpc(eve.api, 'end_dm_call', oneToOne.id);
      expect((await failure(tokenOf(bob, oneToOne.id))).code).toBe('PT404');
    });
  });
});
