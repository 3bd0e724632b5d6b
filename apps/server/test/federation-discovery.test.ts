import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, seedServer, type TestUser } from '../../../db_schema/tests/fixtures.js';
import { RemoteLookupError } from '../src/federation/remote.js';
import { type Instance, startInstance } from './federation-helpers.js';

const AP = { Accept: 'application/activity+json' };

let a: Instance;
let b: Instance;
let alice: TestUser;

beforeAll(async () => {
  // One after the other: both set the cluster-wide harmony_server password.
  a = await startInstance();
  b = await startInstance();
  alice = await createUser(a.db, 'alice');
}, 60_000);
afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
});

describe('discovery', () => {
  it('WebFinger answers acct:alice@host with her actor, and nobody else', async () => {
    const resource = encodeURIComponent(`acct:alice@${a.host}`);
    const response = await fetch(`${a.origin}/.well-known/webfinger?resource=${resource}`);
    expect(response.status).toBe(200);
    const jrd = (await response.json()) as {
      subject: string;
      links: { rel: string; type?: string; href: string }[];
    };
    expect(jrd.subject).toBe(`acct:alice@${a.host}`);
    const self = jrd.links.find((link) => link.rel === 'self');
    expect(self).toMatchObject({
      type: 'application/activity+json',
      href: `${a.origin}/ap/actors/${alice.profileId}`,
    });

    const missing = encodeURIComponent(`acct:nobody@${a.host}`);
    expect((await fetch(`${a.origin}/.well-known/webfinger?resource=${missing}`)).status).toBe(404);
  });

  it('serves a Person with a public key; the private key is stored for harmony_server only', async () => {
    const response = await fetch(`${a.origin}/ap/actors/${alice.profileId}`, { headers: AP });
    expect(response.status).toBe(200);
    const actor = (await response.json()) as Record<string, unknown> & {
      publicKey: { publicKeyPem: string };
    };
    expect(actor).toMatchObject({
      type: 'Person',
      id: `${a.origin}/ap/actors/${alice.profileId}`,
      preferredUsername: 'alice',
      inbox: `${a.origin}/ap/actors/${alice.profileId}/inbox`,
      endpoints: { sharedInbox: `${a.origin}/ap/inbox` },
    });
    expect(actor.publicKey.publicKeyPem).toContain('BEGIN PUBLIC KEY');

    const stored = await a.db.query('select actor_id from private.ap_key_pairs where actor_id = $1', [
      alice.profileId,
    ]);
    expect(stored.rows).toHaveLength(1);
    // Attackers with an API role (even the service role) read no private key.
    for (const role of ['anon', 'authenticated', 'service_role']) {
      await expect(
        a.db.query(`set local role ${role}; select private_jwk from private.ap_key_pairs`),
      ).rejects.toThrow(/permission denied/);
    }
    await expect(alice.api.query('select private_jwk from private.ap_key_pairs')).rejects.toThrow(
      /permission denied/,
    );
  });

  it('answers unknown actors, remote profiles and bots with 404', async () => {
    expect(
      (await fetch(`${a.origin}/ap/actors/00000000-0000-4000-8000-000000000000`, { headers: AP })).status,
    ).toBe(404);
    expect((await fetch(`${a.origin}/ap/actors/not-a-uuid`, { headers: AP })).status).toBe(404);
  });

  it('serves a federated server as a Group, and an unfederated one not at all', async () => {
    const server = await seedServer(a.db, alice, 'Gardeners');
    expect((await fetch(`${a.origin}/ap/actors/${server.serverId}`, { headers: AP })).status).toBe(404);
    await a.db.query(
      `insert into private.server_federation (server_id, federated, ap_group_uri) values ($1, true, $2)`,
      [server.serverId, `${a.origin}/ap/actors/${server.serverId}`],
    );
    const group = (await (
      await fetch(`${a.origin}/ap/actors/${server.serverId}`, { headers: AP })
    ).json()) as Record<string, unknown>;
    expect(group).toMatchObject({ type: 'Group', name: 'Gardeners' });
  });

  it('NodeInfo 2.1 names Harmony and counts local users', async () => {
    const index = (await (await fetch(`${a.origin}/.well-known/nodeinfo`)).json()) as {
      links: { rel: string; href: string }[];
    };
    const link = index.links.find((l) => l.rel === 'http://nodeinfo.diaspora.software/ns/schema/2.1');
    expect(link?.href).toBe(`${a.origin}/nodeinfo/2.1`);
    const info = (await (await fetch(link?.href ?? '')).json()) as {
      software: { name: string };
      protocols: string[];
      usage: { users: { total: number } };
    };
    expect(info.software.name).toBe('harmony');
    expect(info.protocols).toEqual(['activitypub']);
    expect(info.usage.users.total).toBeGreaterThanOrEqual(1);
  });

  it('B finds @alice@A: WebFinger, actor fetch, and a cached remote profile', async () => {
    const found = await b.federation.remote.lookup(`@alice@${a.host}`);
    expect(found.actorUri).toBe(`${a.origin}/ap/actors/${alice.profileId}`);
    expect(found.domain).toBe(a.host);
    const { rows } = await b.db.query(
      `select p.username, p.domain, p.user_id, c.public_key_pem, c.inbox_url, c.shared_inbox_url
         from private.ap_actor_cache c join public.profiles p on p.id = c.profile_id where c.actor_uri = $1`,
      [found.actorUri],
    );
    expect(rows[0]).toMatchObject({
      username: 'alice',
      domain: a.host,
      user_id: null,
      inbox_url: `${a.origin}/ap/actors/${alice.profileId}/inbox`,
      shared_inbox_url: `${a.origin}/ap/inbox`,
    });
    expect(rows[0]?.public_key_pem).toContain('BEGIN PUBLIC KEY');
    // Looking her up again reuses the same profile.
    const again = await b.federation.remote.lookup(`alice@${a.host}`);
    expect(again.profileId).toBe(found.profileId);
  });
});

describe('safety', () => {
  it('without the test switch the guard refuses loopback instances, and nothing is cached', async () => {
    const guarded = await startInstance({ allowPrivateAddresses: false });
    try {
      const error = await guarded.federation.remote.lookup(`@alice@${a.host}`).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RemoteLookupError);
      expect((error as RemoteLookupError).code).toBe('unreachable');
      const { rows } = await guarded.db.query('select count(*)::int as n from private.ap_actor_cache');
      expect(rows[0]?.n).toBe(0);
    } finally {
      await guarded.stop();
    }
  });

  it('a paused instance answers 503 on its federation routes', async () => {
    await a.db.query('select public.set_federation_paused(true)');
    try {
      const resource = encodeURIComponent(`acct:alice@${a.host}`);
      expect((await fetch(`${a.origin}/.well-known/webfinger?resource=${resource}`)).status).toBe(503);
      expect((await fetch(`${a.origin}/ap/actors/${alice.profileId}`, { headers: AP })).status).toBe(503);
      expect((await fetch(`${a.origin}/health`)).status).toBe(200);
    } finally {
      await a.db.query('select public.set_federation_paused(false)');
    }
  });

  it('only the service role or an instance admin may pause federation or block an instance', async () => {
    const refused = { code: '42501', message: 'only an instance admin can change federation settings' };
    await expect(alice.api.query('select public.set_federation_paused(true)')).rejects.toMatchObject(refused);
    await expect(
      alice.api.query(`select public.set_instance_blocked('evil.example', true)`),
    ).rejects.toMatchObject(refused);
  });

  it('a blocked instance is not looked up', async () => {
    await b.db.query('select public.set_instance_blocked($1, true)', [a.host]);
    try {
      const error = await b.federation.remote.lookup(`@alice@${a.host}`).catch((e: unknown) => e);
      expect((error as RemoteLookupError).code).toBe('blocked');
    } finally {
      await b.db.query('select public.set_instance_blocked($1, false)', [a.host]);
    }
  });
});
