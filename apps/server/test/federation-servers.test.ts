import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addMember,
  bit,
  createUser,
  failure,
  seedServer,
  sendMessage,
  setOverwrite,
  type TestServer,
  type TestUser,
} from '../../../db_schema/tests/fixtures.js';
import { actorUri, type Instance, signedPost, startInstance, waitAcross } from './federation-helpers.js';

/** The key type Fedify signs with (Node's lib has no global CryptoKey type). */

// B owns the server; A's users join it; C is a third instance that tries to forge relays.
let a: Instance;
let b: Instance;
let c: Instance;
let alice: TestUser;
let eve: TestUser;
let bob: TestUser;
let carol: TestUser;
let mallory: TestUser;
let guild: TestServer;
let secretChannel: string;
let newsChannel: string;
let aliceOnB: string;
let mirror: string;
let mirrorGeneral: string;

const channelUri = (channelId: string) => `${b.origin}/ap/channels/${channelId}`;

interface Row {
  id: string;
  content: string;
  author_id: string;
  deleted_at: string | null;
}

async function messagesIn(instance: Instance, channelId: string): Promise<Row[]> {
  const { rows } = await instance.db.query<Row>(
    'select id, content, author_id, deleted_at from public.messages where channel_id = $1 order by seq',
    [channelId],
  );
  return rows;
}

/** Until the instance's federation jobs ran (queued, delivered, answered). */
async function settled(instance: Instance): Promise<void> {
  await waitAcross(async () => {
    const { rows } = await instance.db.query<{ n: number }>(
      `select count(*)::int as n from graphile_worker.jobs
        where task_identifier like 'federation-%' and attempts < max_attempts`,
    );
    return rows[0]?.n === 0;
  });
}

async function join(user: TestUser): Promise<{ state: string; server_id: string | null }> {
  const { rows } = await user.api.query<{ id: string }>('select public.join_remote_server($1) as id', [
    `@${guild.serverId}@${b.host}`,
  ]);
  return waitAcross(async () => {
    const result = await user.api.query<{ state: string; server_id: string | null; error: string | null }>(
      'select state, server_id, error from public.remote_server_joins where id = $1',
      [rows[0]?.id],
    );
    const row = result.rows[0];
    return row && row.state !== 'pending' ? row : undefined;
  });
}

async function isMember(instance: Instance, serverId: string, profileId: string): Promise<boolean> {
  const { rows } = await instance.db.query(
    'select 1 from public.server_members where server_id = $1 and profile_id = $2',
    [serverId, profileId],
  );
  return rows.length > 0;
}

/** An activity signed with `signer`'s key (a user of `from`), posted to `to`'s shared inbox. */
function post(from: Instance, signer: TestUser, to: Instance, activity: Record<string, unknown>) {
  return postAs(from, signer.profileId, to, activity);
}

/** The same, signed with the key of any local actor of `from` (a user or a server's Group). */
async function postAs(from: Instance, signerId: string, to: Instance, activity: Record<string, unknown>) {
  return fetch(await signedPost(from, signerId, `${to.origin}/ap/inbox`, activity));
}

/** alice's Note to the Group for a channel of B's server (what her instance sends). */
function noteToGroup(author: TestUser, channelId: string, content: string, id = randomUUID()) {
  const noteId = `${a.origin}/ap/notes/${id}`;
  return {
    id: `${noteId}#create`,
    type: 'Create',
    actor: actorUri(a, author.profileId),
    to: actorUri(b, guild.serverId),
    object: {
      id: noteId,
      type: 'Note',
      attributedTo: actorUri(a, author.profileId),
      to: actorUri(b, guild.serverId),
      context: channelUri(channelId),
      content: `<p>${content}</p>`,
    },
  };
}

beforeAll(async () => {
  // One after the other: each sets the cluster-wide harmony_server password.
  a = await startInstance();
  b = await startInstance();
  c = await startInstance();
  alice = await createUser(a.db, 'alice');
  eve = await createUser(a.db, 'eve');
  bob = await createUser(b.db, 'bob');
  carol = await createUser(b.db, 'carol');
  mallory = await createUser(c.db, 'mallory');
  guild = await seedServer(b.db, bob, 'Guild');
  await addMember(b.db, guild.serverId, carol);
  const { rows } = await b.db.query<{ id: string }>(
    `insert into public.channels (server_id, type, name, position) values ($1, 'text', 'staff', 2) returning id`,
    [guild.serverId],
  );
  secretChannel = rows[0]?.id as string;
  const news = await b.db.query<{ id: string }>(
    `insert into public.channels (server_id, type, name, position) values ($1, 'text', 'news', 3) returning id`,
    [guild.serverId],
  );
  newsChannel = news.rows[0]?.id as string;
  await setOverwrite(
    b.db,
    secretChannel,
    { role: guild.serverId },
    { deny: await bit(b.db, 'VIEW_CHANNEL') },
  );
}, 120_000);
afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop(), c?.stop()]);
});

describe('a federated server', () => {
  it('is marked federated by a member with MANAGE_GUILD only; its Group lists the public channels', async () => {
    expect(
      await failure(carol.api.query('select public.set_server_federated($1, true)', [guild.serverId])),
    ).toMatchObject({
      code: '42501',
    });
    const before = await fetch(actorUri(b, guild.serverId), {
      headers: { Accept: 'application/activity+json' },
    });
    expect(before.status).toBe(404);

    await bob.api.query('select public.set_server_federated($1, true)', [guild.serverId]);
    await sendMessage(carol, newsChannel, 'Earlier news');
    await sendMessage(bob, secretChannel, 'Staff only');
    const { rows } = await bob.api.query<{ federated: boolean; remote_domain: string | null }>(
      'select * from public.server_federation_state($1)',
      [guild.serverId],
    );
    expect(rows[0]).toEqual({ federated: true, remote_domain: null });
    const group = await fetch(actorUri(b, guild.serverId), {
      headers: { Accept: 'application/activity+json' },
    });
    expect(((await group.json()) as { type: string }).type).toBe('Group');
    const channels = await fetch(`${actorUri(b, guild.serverId)}/channels`, {
      headers: { Accept: 'application/activity+json' },
    });
    const text = await channels.text();
    expect(text).toContain(channelUri(guild.textChannelId));
    expect(text).toContain('Earlier news');
    expect(text).not.toContain(secretChannel);
    expect(text).not.toContain('Staff only');
    expect(text).not.toContain(guild.voiceChannelId);
  });

  it('alice@A joins: a mirror with the public channels in her server list, a member on B', async () => {
    const joined = await join(alice);
    expect(joined.state).toBe('accepted');
    mirror = joined.server_id as string;
    const { rows } = await alice.api.query<{ id: string; name: string }>(
      'select c.id, c.name from public.channels c where c.server_id = $1 order by c.position',
      [mirror],
    );
    expect(rows.map((row) => row.name)).toEqual(['general', 'news']);
    mirrorGeneral = rows[0]?.id as string;
    // The latest messages come with the channels (later ones are relayed).
    const history = await alice.api.query<{ content: string; username: string; domain: string }>(
      `select m.content, p.username, p.domain from public.messages m join public.profiles p on p.id = m.author_id
        where m.channel_id = $1`,
      [rows[1]?.id],
    );
    expect(history.rows).toEqual([{ content: 'Earlier news', username: 'carol', domain: b.host }]);
    const servers = await alice.api.query<{ name: string }>(
      'select s.name from public.servers s join public.server_members m on m.server_id = s.id where m.profile_id = $1',
      [alice.profileId],
    );
    expect(servers.rows.map((row) => row.name)).toEqual(['Guild']);
    const state = await alice.api.query('select * from public.server_federation_state($1)', [mirror]);
    expect(state.rows[0]).toEqual({ federated: false, remote_domain: b.host });

    const cached = await b.db.query<{ profile_id: string }>(
      'select profile_id from private.ap_actor_cache where actor_uri = $1',
      [actorUri(a, alice.profileId)],
    );
    aliceOnB = cached.rows[0]?.profile_id as string;
    expect(await isMember(b, guild.serverId, aliceOnB)).toBe(true);
    // Nobody on A manages the mirror.
    expect(
      await failure(alice.api.query('select public.set_server_federated($1, true)', [mirror])),
    ).toMatchObject({
      code: '42501',
    });
  });

  let bobMessage: string;
  let aliceMessage: string;

  it("bob's message on B reaches alice's mirror live; alice's post lands on B once", async () => {
    bobMessage = (await sendMessage(bob, guild.textChannelId, 'Welcome <everyone> & all')).id;
    const received = await waitAcross(async () => (await messagesIn(a, mirrorGeneral))[0]);
    expect(received.content).toBe('Welcome <everyone> & all');
    const seen = await alice.api.query<{ content: string }>(
      'select content from public.messages where channel_id = $1',
      [mirrorGeneral],
    );
    expect(seen.rows).toHaveLength(1);
    const live = await a.db.query<{ event: string }>('select event from realtime.messages where topic = $1', [
      `channel:${mirrorGeneral}`,
    ]);
    expect(live.rows.map((row) => row.event)).toContain('message_create');

    aliceMessage = (await sendMessage(alice, mirrorGeneral, 'Hi from A')).id;
    const onB = await waitAcross(async () =>
      (await messagesIn(b, guild.textChannelId)).find((row) => row.content === 'Hi from A'),
    );
    expect(onB.author_id).toBe(aliceOnB);
    await settled(b);
    await settled(a);
    expect((await messagesIn(a, mirrorGeneral)).map((row) => row.content)).toEqual([
      'Welcome <everyone> & all',
      'Hi from A',
    ]);
  });

  it('edits and deletes relay: bob’s to the mirror, alice’s to B', async () => {
    await bob.api.query('update public.messages set content = $2 where id = $1', [
      bobMessage,
      'Welcome, edited',
    ]);
    await waitAcross(async () => (await messagesIn(a, mirrorGeneral))[0]?.content === 'Welcome, edited');
    await bob.api.query('select public.delete_message($1)', [bobMessage]);
    await waitAcross(async () => (await messagesIn(a, mirrorGeneral))[0]?.deleted_at);

    await alice.api.query('update public.messages set content = $2 where id = $1', [
      aliceMessage,
      'Hi, edited',
    ]);
    await waitAcross(async () =>
      (await messagesIn(b, guild.textChannelId)).some((row) => row.content === 'Hi, edited'),
    );
    await alice.api.query('select public.delete_message($1)', [aliceMessage]);
    await waitAcross(async () => {
      const rows = await messagesIn(b, guild.textChannelId);
      return rows.length === 2 && rows.every((row) => row.deleted_at);
    });
  });
});

describe('attacker-side: refused, nothing written', () => {
  it('a Note for a channel @everyone cannot see, even from a member let in there', async () => {
    const before = await messagesIn(b, secretChannel);
    await setOverwrite(
      b.db,
      secretChannel,
      { member: aliceOnB },
      { allow: (await bit(b.db, 'VIEW_CHANNEL')) | (await bit(b.db, 'SEND_MESSAGES')) },
    );
    expect((await post(a, alice, b, noteToGroup(alice, secretChannel, 'peek'))).status).toBe(202);
    expect(await messagesIn(b, secretChannel)).toEqual(before);
  });

  it('a Note from someone who is not a member', async () => {
    const before = await messagesIn(b, guild.textChannelId);
    expect((await post(a, eve, b, noteToGroup(eve, guild.textChannelId, 'not a member'))).status).toBe(202);
    expect(await messagesIn(b, guild.textChannelId)).toEqual(before);
  });

  it('a Note from a member who is timed out, or lacks SEND_MESSAGES there', async () => {
    const before = await messagesIn(b, guild.textChannelId);
    await b.db.query(
      `update public.server_members set timed_out_until = now() + interval '1 hour' where server_id = $1 and profile_id = $2`,
      [guild.serverId, aliceOnB],
    );
    await post(a, alice, b, noteToGroup(alice, guild.textChannelId, 'timed out'));
    await b.db.query(
      'update public.server_members set timed_out_until = null where server_id = $1 and profile_id = $2',
      [guild.serverId, aliceOnB],
    );
    await setOverwrite(
      b.db,
      guild.textChannelId,
      { member: aliceOnB },
      { deny: await bit(b.db, 'SEND_MESSAGES') },
    );
    await post(a, alice, b, noteToGroup(alice, guild.textChannelId, 'muted'));
    await b.db.query('delete from public.channel_overwrites where channel_id = $1 and target_id = $2', [
      guild.textChannelId,
      aliceOnB,
    ]);
    expect(await messagesIn(b, guild.textChannelId)).toEqual(before);
  });

  it('an edit from a member who is timed out there', async () => {
    const stored = noteToGroup(alice, guild.textChannelId, 'kept as is');
    await post(a, alice, b, stored);
    expect((await messagesIn(b, guild.textChannelId)).some((row) => row.content === 'kept as is')).toBe(true);
    await b.db.query(
      `update public.server_members set timed_out_until = now() + interval '1 hour' where server_id = $1 and profile_id = $2`,
      [guild.serverId, aliceOnB],
    );
    const edit = {
      id: `${stored.object.id}#update/1`,
      type: 'Update',
      actor: stored.actor,
      to: stored.to,
      object: { ...stored.object, content: '<p>changed while timed out</p>' },
    };
    expect((await post(a, alice, b, edit)).status).toBe(202);
    await b.db.query(
      'update public.server_members set timed_out_until = null where server_id = $1 and profile_id = $2',
      [guild.serverId, aliceOnB],
    );
    const rows = await messagesIn(b, guild.textChannelId);
    expect(rows.some((row) => row.content === 'kept as is')).toBe(true);
    expect(rows.some((row) => row.content.includes('changed'))).toBe(false);
  });

  it("alice's post that B refuses (timed out there) leaves her mirror too", async () => {
    await b.db.query(
      `update public.server_members set timed_out_until = now() + interval '1 hour' where server_id = $1 and profile_id = $2`,
      [guild.serverId, aliceOnB],
    );
    const before = await messagesIn(b, guild.textChannelId);
    const refused = await sendMessage(alice, mirrorGeneral, 'while timed out');
    await waitAcross(
      async () => (await messagesIn(a, mirrorGeneral)).find((row) => row.id === refused.id)?.deleted_at,
    );
    await b.db.query(
      'update public.server_members set timed_out_until = null where server_id = $1 and profile_id = $2',
      [guild.serverId, aliceOnB],
    );
    expect(await messagesIn(b, guild.textChannelId)).toEqual(before);
  });

  it('a replayed Note is one message', async () => {
    const activity = noteToGroup(alice, guild.textChannelId, 'once');
    expect((await post(a, alice, b, activity)).status).toBe(202);
    expect((await post(a, alice, b, activity)).status).toBeLessThan(300);
    const activityAgain = { ...activity, id: `${activity.id}-again` };
    await post(a, alice, b, activityAgain);
    expect((await messagesIn(b, guild.textChannelId)).filter((row) => row.content === 'once')).toHaveLength(
      1,
    );
  });

  it('a relay forged by a third instance, as itself or as the Group', async () => {
    await settled(b);
    await settled(a);
    const before = await messagesIn(a, mirrorGeneral);
    const forged = (actor: string) => ({
      id: `${c.origin}/ap/forged/${randomUUID()}`,
      type: 'Announce',
      actor,
      object: {
        id: `${b.origin}/ap/notes/${randomUUID()}#create`,
        type: 'Create',
        actor: actorUri(b, bob.profileId),
        object: {
          id: `${b.origin}/ap/notes/${randomUUID()}`,
          type: 'Note',
          attributedTo: actorUri(b, bob.profileId),
          context: channelUri(guild.textChannelId),
          content: '<p>forged</p>',
        },
      },
    });
    expect((await post(c, mallory, a, forged(actorUri(c, mallory.profileId)))).status).toBe(202);
    // Signed with mallory's key but claiming to be the Group: the key is not the Group's.
    expect((await post(c, mallory, a, forged(actorUri(b, guild.serverId)))).status).toBe(401);
    expect(await messagesIn(a, mirrorGeneral)).toEqual(before);
  });
});

describe("attacker-side: a Group cannot speak for the joining instance's users", () => {
  it('a relayed Note it attributes to alice, with an id that is not hers, is dropped', async () => {
    const before = await messagesIn(a, mirrorGeneral);
    const noteId = `${b.origin}/ap/notes/${randomUUID()}`;
    const response = await postAs(b, guild.serverId, a, {
      id: `${actorUri(b, guild.serverId)}#relay/${randomUUID()}`,
      type: 'Announce',
      actor: actorUri(b, guild.serverId),
      object: {
        id: `${noteId}#create`,
        type: 'Create',
        actor: actorUri(a, alice.profileId),
        object: {
          id: noteId,
          type: 'Note',
          attributedTo: actorUri(a, alice.profileId),
          context: channelUri(guild.textChannelId),
          content: '<p>words in her mouth</p>',
        },
      },
    });
    expect(response.status).toBe(202);
    expect(await messagesIn(a, mirrorGeneral)).toEqual(before);
    const { rows } = await a.db.query('select 1 from public.profiles where domain = $1', [a.host]);
    expect(rows).toEqual([]);
  });
});

describe('leaving, bans and blocked instances stop it all', () => {
  it('alice leaves: Undo(Follow) takes her out on B, and nothing is relayed to A', async () => {
    await alice.api.query('select public.leave_server($1)', [mirror]);
    await waitAcross(async () => !(await isMember(b, guild.serverId, aliceOnB)));
    const before = await messagesIn(a, mirrorGeneral);
    await sendMessage(bob, guild.textChannelId, 'after alice left');
    await settled(b);
    expect(await messagesIn(a, mirrorGeneral)).toEqual(before);
  });

  it('a kick on B takes alice out of the mirror; she may join again', async () => {
    expect((await join(alice)).state).toBe('accepted');
    expect(await isMember(a, mirror, alice.profileId)).toBe(true);
    await bob.api.query('select public.kick_member($1, $2)', [guild.serverId, aliceOnB]);
    await waitAcross(async () => !(await isMember(a, mirror, alice.profileId)));
    const before = await messagesIn(a, mirrorGeneral);
    await sendMessage(bob, guild.textChannelId, 'after the kick');
    await settled(b);
    expect(await messagesIn(a, mirrorGeneral)).toEqual(before);
  });

  it('a ban on B takes alice out of the mirror; joining again is refused', async () => {
    expect((await join(alice)).state).toBe('accepted');
    expect(await isMember(a, mirror, alice.profileId)).toBe(true);
    await bob.api.query('select public.ban_member($1, $2)', [guild.serverId, aliceOnB]);
    await waitAcross(async () => !(await isMember(a, mirror, alice.profileId)));
    expect((await join(alice)).state).toBe('rejected');
    expect(await isMember(b, guild.serverId, aliceOnB)).toBe(false);
  });

  it('once B blocks A, nothing relays to A and posts from A are refused', async () => {
    expect((await join(eve)).state).toBe('accepted');
    await b.db.query('select public.set_instance_blocked($1, true)', [a.host]);
    const mirrored = await messagesIn(a, mirrorGeneral);
    const onB = await messagesIn(b, guild.textChannelId);
    await sendMessage(bob, guild.textChannelId, 'not for A');
    await sendMessage(eve, mirrorGeneral, 'from a blocked instance');
    await settled(b);
    await settled(a);
    expect(await messagesIn(a, mirrorGeneral)).toEqual([
      ...mirrored,
      expect.objectContaining({ content: 'from a blocked instance' }),
    ]);
    expect((await messagesIn(b, guild.textChannelId)).length).toBe(onB.length + 1);
    expect(
      (await messagesIn(b, guild.textChannelId)).some((row) => row.content === 'from a blocked instance'),
    ).toBe(false);
  });
});
