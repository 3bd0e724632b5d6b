import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, sendMessage, type TestUser } from '../../../db_schema/tests/fixtures.js';
import {
  actorUri,
  followRemote,
  type Instance,
  signAs,
  startInstance,
  waitAcross,
} from './federation-helpers.js';

/**
 * The ids A mints for its Follow and its DM Notes answer a GET (federation/objects.ts): the
 * object to a request signed by the remote actor it is addressed to, 401 to anyone else
 * (unsigned, or another user of that instance), 404 for what A did not write or was deleted.
 */

let a: Instance;
let b: Instance;
let alice: TestUser;
let bob: TestUser;
let carol: TestUser;
let bobOnA: string;
let dm: string;

beforeAll(async () => {
  a = await startInstance();
  b = await startInstance();
  alice = await createUser(a.db, 'alice');
  bob = await createUser(b.db, 'bob');
  carol = await createUser(b.db, 'carol');
  bobOnA = await followRemote(alice, `@bob@${b.host}`);
  const opened = await alice.api.query<{ id: string }>('select public.open_remote_dm($1) as id', [bobOnA]);
  dm = opened.rows[0]?.id as string;
}, 120_000);
afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
});

/** GET of a URI on A as ActivityPub, signed with a user of B's key when `signer` is given. */
async function get(uri: string, signer?: TestUser): Promise<Response> {
  const request = new Request(uri, { headers: { Accept: 'application/activity+json' } });
  if (!signer) return fetch(request);
  return fetch(await signAs(b, signer.profileId, request, { spec: 'draft-cavage-http-signatures-12' }));
}

describe('our activity and object ids are dereferenceable', () => {
  it("alice's DM Note: to bob's signed request only", async () => {
    const message = await sendMessage(alice, dm, 'Hello <bob>');
    const noteId = `${a.origin}/ap/notes/${message.id}`;

    const answer = await get(noteId, bob);
    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject({
      id: noteId,
      type: 'Note',
      attributedTo: actorUri(a, alice.profileId),
      to: actorUri(b, bob.profileId),
      content: '<p>Hello &lt;bob&gt;</p>',
    });

    expect((await get(noteId)).status).toBe(401);
    expect((await get(noteId, carol)).status).toBe(401);
    // The Create's id is a fragment of the Note's.
    expect((await get(`${noteId}#create`, bob)).status).toBe(200);
  });

  it("alice's Follow: to bob's signed request only", async () => {
    const { rows } = await a.db.query<{ activity_uri: string }>(
      'select activity_uri from public.remote_follows where follower_id = $1',
      [alice.profileId],
    );
    const followId = rows[0]?.activity_uri as string;
    expect(followId).toMatch(`${a.origin}/ap/follows/`);

    const answer = await get(followId, bob);
    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject({
      id: followId,
      type: 'Follow',
      actor: actorUri(a, alice.profileId),
      object: actorUri(b, bob.profileId),
    });
    expect((await get(followId)).status).toBe(401);
    expect((await get(followId, carol)).status).toBe(401);
  });

  it('404 for unknown ids, deleted messages and Notes A did not write', async () => {
    expect((await get(`${a.origin}/ap/notes/${randomUUID()}`, bob)).status).toBe(404);
    expect((await get(`${a.origin}/ap/follows/${randomUUID()}`, bob)).status).toBe(404);
    expect((await get(`${a.origin}/ap/notes/not-a-uuid`, bob)).status).toBe(404);

    const gone = await sendMessage(alice, dm, 'soon gone');
    await alice.api.query('select public.delete_message($1)', [gone.id]);
    expect((await get(`${a.origin}/ap/notes/${gone.id}`, bob)).status).toBe(404);

    // Bob's reply is stored on A as a message of the DM: A did not write it, so A does not serve it.
    const aliceOnB = await b.db.query<{ profile_id: string }>(
      'select profile_id from private.ap_actor_cache where actor_uri = $1',
      [actorUri(a, alice.profileId)],
    );
    const opened = await bob.api.query<{ id: string }>('select public.open_remote_dm($1) as id', [
      aliceOnB.rows[0]?.profile_id,
    ]);
    await sendMessage(bob, opened.rows[0]?.id as string, 'reply from B');
    const reply = await waitAcross(async () => {
      const { rows } = await a.db.query<{ id: string }>(
        'select id from public.messages where author_id = $1',
        [bobOnA],
      );
      return rows[0]?.id;
    });
    expect((await get(`${a.origin}/ap/notes/${reply}`, bob)).status).toBe(404);
  });
});
