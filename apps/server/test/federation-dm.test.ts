import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, sendMessage, type TestUser } from '../../../db_schema/tests/fixtures.js';
import {
  actorUri,
  followRemote,
  type Instance,
  signedPost,
  startInstance,
  waitAcross,
} from './federation-helpers.js';

let a: Instance;
let b: Instance;
let alice: TestUser;
let eve: TestUser;
let bob: TestUser;
let bobOnA: string;
let aliceOnB: string;

beforeAll(async () => {
  a = await startInstance();
  b = await startInstance();
  alice = await createUser(a.db, 'alice');
  eve = await createUser(a.db, 'eve');
  bob = await createUser(b.db, 'bob');
  bobOnA = await followRemote(alice, `@bob@${b.host}`);
  const { rows } = await b.db.query<{ profile_id: string }>(
    'select profile_id from private.ap_actor_cache where actor_uri = $1',
    [actorUri(a, alice.profileId)],
  );
  aliceOnB = rows[0]?.profile_id as string;
}, 120_000);
afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
});

interface DmRow {
  id: string;
  channel_id: string;
  content: string;
  author_id: string;
  edited_at: string | null;
  deleted_at: string | null;
}

/** The DM messages `user` reads through their own API role. */
async function dmMessages(user: TestUser): Promise<DmRow[]> {
  const { rows } = await user.api.query<DmRow>(
    `select m.id, m.channel_id, m.content, m.author_id, m.edited_at, m.deleted_at
       from public.messages m join public.channels c on c.id = m.channel_id
      where c.type = 'dm' order by m.seq`,
  );
  return rows;
}

describe('DMs across instances', () => {
  let aliceMessage: string;

  it("alice@A's DM reaches bob@B's DM list, live", async () => {
    const { rows } = await alice.api.query<{ id: string }>('select public.open_remote_dm($1) as id', [
      bobOnA,
    ]);
    const dm = rows[0]?.id as string;
    aliceMessage = (await sendMessage(alice, dm, 'Hello <Bob> & friends\nsecond line')).id;

    const received = await waitAcross(async () => (await dmMessages(bob))[0]);
    expect(received).toMatchObject({ content: 'Hello <Bob> & friends\nsecond line', author_id: aliceOnB });
    // The DM appeared on bob's user topic and the message on the channel's: the live path.
    const live = await b.db.query<{ topic: string; event: string }>(
      `select topic, event from realtime.messages where topic in ($1, $2)`,
      [`user:${bob.profileId}`, `channel:${received.channel_id}`],
    );
    expect(live.rows.map((row) => row.event)).toEqual(expect.arrayContaining(['message_create']));
    expect(live.rows.some((row) => row.topic === `user:${bob.profileId}`)).toBe(true);
  });

  it('bob replies from B and alice gets it in the same DM', async () => {
    const { rows } = await bob.api.query<{ id: string }>('select public.open_remote_dm($1) as id', [
      aliceOnB,
    ]);
    await sendMessage(bob, rows[0]?.id as string, 'Hi alice');
    const messages = await waitAcross(async () => {
      const all = await dmMessages(alice);
      return all.length === 2 ? all : undefined;
    });
    expect(messages[1]).toMatchObject({ content: 'Hi alice', author_id: bobOnA });
    expect(messages[1]?.channel_id).toBe(messages[0]?.channel_id);
  });

  it("alice's edit and delete reach B (Update, Delete)", async () => {
    await alice.api.query('update public.messages set content = $2 where id = $1', [
      aliceMessage,
      'Hello, edited',
    ]);
    await waitAcross(async () => (await dmMessages(bob))[0]?.content === 'Hello, edited');
    expect((await dmMessages(bob))[0]?.edited_at).not.toBeNull();

    await alice.api.query('select public.delete_message($1)', [aliceMessage]);
    const gone = await waitAcross(async () => {
      const first = (await dmMessages(bob))[0];
      return first?.deleted_at ? first : undefined;
    });
    expect(gone.content).toBe('');
  });
});

describe('attacker-side DMs: nothing written', () => {
  /** A Note activity signed by `signer` (a user of A), posted to bob's inbox on B. */
  async function post(signer: TestUser, activity: Record<string, unknown>) {
    return fetch(
      await signedPost(a, signer.profileId, `${b.origin}/ap/actors/${bob.profileId}/inbox`, activity),
    );
  }
  const note = (author: TestUser, id = `${a.origin}/ap/notes/${randomUUID()}`, content = '<p>spam</p>') => ({
    id,
    type: 'Note',
    attributedTo: actorUri(a, author.profileId),
    to: actorUri(b, bob.profileId),
    content,
  });

  it('a Note from someone neither follows is dropped', async () => {
    const before = (await dmMessages(bob)).length;
    const response = await post(eve, {
      id: `${a.origin}/ap/notes/${randomUUID()}#create`,
      type: 'Create',
      actor: actorUri(a, eve.profileId),
      object: note(eve),
    });
    expect(response.status).toBe(202);
    expect((await dmMessages(bob)).length).toBe(before);
  });

  it('eve cannot create, edit or delete a Note as alice (attributed to someone else)', async () => {
    const before = await dmMessages(bob);
    const forged = note(alice);
    await post(eve, {
      id: `${forged.id}#create`,
      type: 'Create',
      actor: actorUri(a, eve.profileId),
      object: forged,
    });
    // Bob's reply lives on B; the remaining one from alice was deleted; take a live one of alice's.
    const { rows } = await alice.api.query<{ id: string }>('select public.open_remote_dm($1) as id', [
      bobOnA,
    ]);
    const kept = (await sendMessage(alice, rows[0]?.id as string, 'keep me')).id;
    const keptId = `${a.origin}/ap/notes/${kept}`;
    await waitAcross(async () => (await dmMessages(bob)).some((m) => m.content === 'keep me'));
    await post(eve, {
      id: `${keptId}#update/1`,
      type: 'Update',
      actor: actorUri(a, eve.profileId),
      object: note(alice, keptId, '<p>changed by eve</p>'),
    });
    await post(eve, {
      id: `${keptId}#delete`,
      type: 'Delete',
      actor: actorUri(a, eve.profileId),
      object: keptId,
    });
    const after = await dmMessages(bob);
    expect(after.length).toBe(before.length + 1);
    expect(after.find((m) => m.content === 'keep me')?.deleted_at).toBeNull();
    expect(after.some((m) => m.content.includes('spam') || m.content.includes('eve'))).toBe(false);
  });
});
