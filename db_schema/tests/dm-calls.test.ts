import { createTestDatabase, type Requester, type Session, type TestDatabase } from '@harmony/db/testing';
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
  callee_id: string;
  status: string;
}

/** A call function's row (composite results come back as JSON to compare fields). */
async function callRpc(who: Requester, fn: string, ...args: unknown[]): Promise<Call> {
  const params = args.map((_, i) => `$${i + 1}`).join(', ');
  const { rows } = await who.query<{ r: Call }>(`select to_jsonb(public.${fn}(${params})) as r`, args);
  return rows[0]?.r as Call;
}

/** ada and bob are friends with a DM; cy is nobody to them. */
async function world(tx: Session) {
  const ada = await createUser(tx, 'ada');
  const bob = await createUser(tx, 'bob');
  const cy = await createUser(tx, 'cy');
  await makeFriends(tx, ada, bob);
  const dm = await rpc<string>(ada.api, 'open_dm', bob.profileId);
  return { ada, bob, cy, dm };
}

const lastLine = async (tx: Session, channelId: string) =>
  (
    await tx.query<{ type: string; content: string; author_id: string }>(
      `select type::text, content, author_id from public.messages where channel_id = $1 order by seq desc limit 1`,
      [channelId],
    )
  ).rows[0];

const ringsFor = async (tx: Session, who: TestUser) =>
  (
    await tx.query<{ status: string }>(
      `select payload->'record'->>'status' as status from realtime.messages
        where topic = $1 and event = 'call_update'`,
      [`user:${who.profileId}`],
    )
  ).rows
    .map((r) => r.status)
    // One transaction: every row has the same inserted_at, so compare as a set.
    .sort();

describe('DM calls', () => {
  it('rings both people, joins a crossing call, connects, and leaves "call_ended" when hung up', async () => {
    await db.rollback(async (tx) => {
      const { ada, bob, dm } = await world(tx);
      const call = await callRpc(ada.api, 'start_dm_call', dm);
      expect(call).toMatchObject({
        channel_id: dm,
        caller_id: ada.profileId,
        callee_id: bob.profileId,
        status: 'ringing',
      });
      expect(await ringsFor(tx, bob)).toEqual(['ringing']);
      expect(await ringsFor(tx, ada)).toEqual(['ringing']);
      // Bob calling back while it rings is the same call.
      expect((await callRpc(bob.api, 'start_dm_call', dm)).id).toBe(call.id);

      const answered = await callRpc(bob.api, 'answer_dm_call', call.id, true);
      expect(answered.status).toBe('active');
      expect(await ringsFor(tx, ada)).toEqual(['active', 'ringing']);

      const ended = await callRpc(ada.api, 'end_dm_call', call.id);
      expect(ended.status).toBe('ended');
      expect(await lastLine(tx, dm)).toEqual({
        type: 'system',
        content: 'call_ended',
        author_id: ada.profileId,
      });
      // Hanging up twice changes nothing.
      expect((await callRpc(bob.api, 'end_dm_call', call.id)).status).toBe('ended');
      expect(await ringsFor(tx, bob)).toEqual(['active', 'ended', 'ringing']);
    });
  });

  it('declined, cancelled and rung-out calls leave their line; a late answer is refused with 409', async () => {
    await db.rollback(async (tx) => {
      const { ada, bob, dm } = await world(tx);
      const declined = await callRpc(ada.api, 'start_dm_call', dm);
      expect((await callRpc(bob.api, 'answer_dm_call', declined.id, false)).status).toBe('declined');
      expect(await lastLine(tx, dm)).toMatchObject({ type: 'system', content: 'call_declined' });
      expect((await failure(callRpc(bob.api, 'answer_dm_call', declined.id, true))).code).toBe('PT409');

      const cancelled = await callRpc(ada.api, 'start_dm_call', dm);
      expect(cancelled.id).not.toBe(declined.id);
      expect((await callRpc(ada.api, 'end_dm_call', cancelled.id)).status).toBe('missed');
      expect(await lastLine(tx, dm)).toMatchObject({ content: 'call_missed' });

      const ignored = await callRpc(ada.api, 'start_dm_call', dm);
      await tx.query(`update public.dm_calls set created_at = now() - interval '31 seconds' where id = $1`, [
        ignored.id,
      ]);
      const late = await failure(callRpc(bob.api, 'answer_dm_call', ignored.id, true));
      expect(late).toEqual({ code: 'PT409', message: 'this call is over' });
      // The failed answer rolled back with its statement; whoever asks next settles it.
      const again = await callRpc(ada.api, 'start_dm_call', dm);
      expect(again.id).not.toBe(ignored.id);
      const settled = await tx.query<{ status: string }>('select status from public.dm_calls where id = $1', [
        ignored.id,
      ]);
      expect(settled.rows[0]?.status).toBe('missed');
    });
  });

  it('outsiders cannot ring, answer, end, read or signal a call; the caller cannot answer it', async () => {
    await db.rollback(async (tx) => {
      const { ada, bob, cy, dm } = await world(tx);
      expect(await failure(callRpc(cy.api, 'start_dm_call', dm))).toEqual({
        code: 'PT404',
        message: 'DM not found',
      });
      expect((await failure(tx.asAnon().query('select public.start_dm_call($1)', [dm]))).code).toBe('42501');
      const call = await callRpc(ada.api, 'start_dm_call', dm);
      expect((await failure(callRpc(cy.api, 'answer_dm_call', call.id, true))).code).toBe('PT404');
      expect((await failure(callRpc(cy.api, 'end_dm_call', call.id))).code).toBe('PT404');
      expect((await failure(callRpc(ada.api, 'answer_dm_call', call.id, true))).code).toBe('42501');
      expect((await cy.api.query('select id from public.dm_calls')).rows).toEqual([]);
      expect((await bob.api.query('select id from public.dm_calls')).rows).toEqual([{ id: call.id }]);
      // No direct writes: state changes only through the functions above.
      expect(
        (
          await failure(
            ada.api.query(`update public.dm_calls set status = 'active' where id = $1`, [call.id]),
          )
        ).code,
      ).toBe('42501');

      const topic = `call:${call.id}`;
      expect(await receives(tx, ada.api, topic)).toBe(true);
      expect(await receives(tx, bob.api, topic)).toBe(true);
      expect(await sends(bob.api, topic)).toBe(true);
      expect(await receives(tx, cy.api, topic)).toBe(false);
      expect(await sends(cy.api, topic)).toBe(false);
      expect(await receives(tx, tx.asAnon(), topic)).toBe(false);
      // Over: the topic closes for both.
      await callRpc(bob.api, 'end_dm_call', call.id);
      expect(await receives(tx, ada.api, topic)).toBe(false);
      expect(await sends(ada.api, topic)).toBe(false);
    });
  });

  it('a blocked person cannot be called', async () => {
    await db.rollback(async (tx) => {
      const { ada, bob, dm } = await world(tx);
      await tx.query('insert into public.user_blocks (blocker_id, blocked_id) values ($1, $2)', [
        bob.profileId,
        ada.profileId,
      ]);
      expect(await failure(callRpc(ada.api, 'start_dm_call', dm))).toEqual({
        code: '42501',
        message: 'you cannot call this person',
      });
    });
  });
});
