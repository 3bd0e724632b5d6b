import { randomUUID } from 'node:crypto';
import { generateCryptoKeyPair } from '@fedify/fedify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, type TestUser } from '../../../db_schema/tests/fixtures.js';
import {
  actorUri,
  findRemote,
  type Instance,
  type SignatureSpec,
  type SigningKey,
  signedPost,
  startInstance,
  waitAcross,
} from './federation-helpers.js';

/** The key type Fedify signs with (Node's lib has no global CryptoKey type). */

let a: Instance;
let b: Instance;
let alice: TestUser;
let mallory: TestUser;
let bob: TestUser;
let carol: TestUser;

beforeAll(async () => {
  // One after the other: both set the cluster-wide harmony_server password.
  a = await startInstance();
  b = await startInstance();
  alice = await createUser(a.db, 'alice');
  mallory = await createUser(a.db, 'mallory');
  bob = await createUser(b.db, 'bob');
  carol = await createUser(b.db, 'carol');
}, 60_000);
afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
});

async function followsOnB(): Promise<number> {
  const { rows } = await b.db.query<{ n: number }>(
    `select count(*)::int as n from public.remote_follows where followee_id = $1`,
    [bob.profileId],
  );
  return rows[0]?.n ?? 0;
}

/** A Follow of bob, signed as `signer` (a user of A) unless told otherwise. */
function signedFollow(
  options: { actor?: string; signer?: TestUser; key?: SigningKey; spec?: SignatureSpec; pad?: number } = {},
) {
  const signer = options.signer ?? alice;
  const activity = {
    id: `${a.origin}/ap/follows/${randomUUID()}`,
    type: 'Follow',
    actor: options.actor ?? actorUri(a, signer.profileId),
    object: actorUri(b, bob.profileId),
    ...(options.pad ? { summary: 'x'.repeat(options.pad) } : {}),
  };
  return signedPost(a, signer.profileId, `${b.origin}/ap/inbox`, activity, {
    key: options.key,
    spec: options.spec ?? 'draft-cavage-http-signatures-12',
  });
}

describe('follow a remote user', () => {
  it('alice@A finds @bob@B, follows him (Follow, Accept), and unfollows (Undo)', async () => {
    const bobOnA = await findRemote(alice, `@bob@${b.host}`);
    const { rows } = await alice.api.query<{ state: string }>('select (public.follow_remote($1)).state', [
      bobOnA,
    ]);
    expect(rows[0]?.state).toBe('pending');

    // B: a remote follower, accepted; A: the Accept came back, signed by bob.
    await waitAcross(async () => (await followsOnB()) === 1);
    const onB = await b.db.query(
      `select f.state, p.username, p.domain from public.remote_follows f join public.profiles p on p.id = f.follower_id
        where f.followee_id = $1`,
      [bob.profileId],
    );
    expect(onB.rows[0]).toMatchObject({ state: 'accepted', username: 'alice', domain: a.host });
    await waitAcross(async () => {
      const mine = await alice.api.query<{ state: string }>('select state from public.remote_follows');
      return mine.rows[0]?.state === 'accepted';
    });
    // Bob sees his follower through his own API role; mallory sees nothing of it.
    expect((await bob.api.query('select * from public.remote_follows')).rows).toHaveLength(1);
    expect((await mallory.api.query('select * from public.remote_follows')).rows).toHaveLength(0);

    await alice.api.query('select public.unfollow_remote($1)', [bobOnA]);
    await waitAcross(async () => (await followsOnB()) === 0);
  });

  it('an unknown handle fails the lookup with a reason', async () => {
    await expect(findRemote(alice, `@nobody@${b.host}`)).rejects.toThrow(/does not exist/);
  });
});

describe('attacker-side: B refuses and writes nothing', () => {
  it('accepts a correctly signed Follow (RFC 9421 and draft-cavage), the baseline', async () => {
    for (const spec of ['rfc9421', 'draft-cavage-http-signatures-12'] as const) {
      const response = await fetch(await signedFollow({ spec }));
      expect(response.status).toBe(202);
      expect(await followsOnB()).toBe(1);
      await b.db.query('delete from public.remote_follows');
    }
  });

  it('refuses an unsigned inbox post', async () => {
    const response = await fetch(`${b.origin}/ap/inbox`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/activity+json' },
      body: JSON.stringify({
        '@context': 'https://www.w3.org/ns/activitystreams',
        id: `${a.origin}/ap/follows/${randomUUID()}`,
        type: 'Follow',
        actor: actorUri(a, alice.profileId),
        object: actorUri(b, bob.profileId),
      }),
    });
    expect(response.status).toBe(401);
    expect(await followsOnB()).toBe(0);
  });

  it("refuses a forged signature (another key under alice's key id)", async () => {
    const forged = await generateCryptoKeyPair('RSASSA-PKCS1-v1_5');
    const response = await fetch(await signedFollow({ key: forged.privateKey as SigningKey }));
    expect(response.status).toBe(401);
    expect(await followsOnB()).toBe(0);
  });

  it("refuses an actor/key mismatch (mallory's valid key, alice as the actor)", async () => {
    const response = await fetch(
      await signedFollow({ signer: mallory, actor: actorUri(a, alice.profileId) }),
    );
    expect(response.status).toBe(401);
    expect(await followsOnB()).toBe(0);
  });

  it("refuses an activity claiming to come from another instance's user (carol@B, signed on A)", async () => {
    const response = await fetch(
      await signedFollow({ signer: mallory, actor: actorUri(b, carol.profileId) }),
    );
    expect(response.status).toBe(401);
    expect(await followsOnB()).toBe(0);
  });

  it('a replayed activity changes nothing', async () => {
    const original = await signedFollow();
    const replay = original.clone();
    expect((await fetch(original)).status).toBe(202);
    expect(await followsOnB()).toBe(1);
    await b.db.query('delete from public.remote_follows');
    // The same bytes, the same signature: taken as already processed.
    expect((await fetch(replay)).status).toBeLessThan(300);
    expect(await followsOnB()).toBe(0);
  });

  it('refuses an oversized payload', async () => {
    const response = await fetch(await signedFollow({ pad: 70 * 1024 }));
    expect(response.status).toBe(413);
    expect(await followsOnB()).toBe(0);
  });

  it('refuses everything from a blocked instance', async () => {
    await b.db.query('select public.set_instance_blocked($1, true)', [a.host]);
    try {
      const response = await fetch(await signedFollow());
      expect(response.status).toBe(403);
      expect(await followsOnB()).toBe(0);
    } finally {
      await b.db.query('select public.set_instance_blocked($1, false)', [a.host]);
    }
  });
});
