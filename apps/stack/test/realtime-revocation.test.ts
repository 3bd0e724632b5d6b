import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from './harness.js';
import {
  createUser,
  RawSocket,
  type RtServer,
  type RtUser,
  seedServer,
  sleep,
  waitFor,
} from './realtime-helpers.js';

/**
 * Revocation on the local stack, from the attacker's side: a member joined to private topics
 * with a raw client that ignores every system message and phx_close, and never leaves. Once
 * an owner takes their access away, the stack closes the affected channels (within a second)
 * and nothing committed after that reaches them.
 */
let t: TestStack;
let ada: RtUser;
let viewChannel: string;
const delays: Record<string, number[]> = {};

beforeAll(async () => {
  t = await startTestStack();
  ada = await createUser(t, 'ada');
  const { rows } = await t.db.query<{ bit: string }>(`select public.permission('VIEW_CHANNEL')::text as bit`);
  viewChannel = rows[0]?.bit as string;
});
afterAll(async () => {
  console.log(`revocation delays (commit -> phx_close), ms: ${JSON.stringify(delays)}`);
  await t.stop();
});

/** A raw socket joined to private `topics` as `user`; records when each frame arrived. */
async function attacker(user: RtUser, topics: string[], presence = false) {
  const socket = await RawSocket.open(t);
  const arrivals: { at: number; frame: unknown[] }[] = [];
  socket.ws.on('message', (data, isBinary) => {
    if (!isBinary) arrivals.push({ at: performance.now(), frame: JSON.parse(String(data)) });
  });
  for (const topic of topics) {
    const [status] = await socket.push('1', `realtime:${topic}`, 'phx_join', {
      config: {
        private: true,
        broadcast: { self: false },
        ...(presence ? { presence: { enabled: true } } : {}),
      },
      access_token: user.token,
    });
    expect(status, topic).toBe('ok');
  }
  const on = (topic: string, event: string) =>
    arrivals.filter((a) => a.frame[2] === `realtime:${topic}` && a.frame[3] === event);
  return { socket, arrivals, on };
}

const send = (topic: string, n: number) =>
  t.db.query(`select realtime.send(jsonb_build_object('n', $2::int), 'msg', $1, true)`, [topic, n]);

/** Broadcast numbers a raw socket got on a topic (v2 binary user broadcasts). */
function numbers(socket: RawSocket, topic: string): number[] {
  const out: number[] = [];
  for (const m of socket.messages) {
    const data = (m as { binary?: Buffer }).binary;
    if (data?.[0] !== 4) continue;
    const [topicLen = 0, eventLen = 0, metaLen = 0] = data.subarray(1, 4);
    if (data.subarray(5, 5 + topicLen).toString() !== `realtime:${topic}`) continue;
    if (data.subarray(5 + topicLen, 5 + topicLen + eventLen).toString() !== 'msg') continue;
    out.push(JSON.parse(data.subarray(5 + topicLen + eventLen + metaLen).toString()).n);
  }
  return out;
}

/**
 * `select <call>` as the owner, committed with synchronous_commit on: test clusters turn it
 * off, which holds WAL back from walsenders for up to wal_writer_delay (200 ms).
 */
const asAda = (call: string, params: unknown[]) =>
  t.db
    .asUser({ sub: ada.userId, email: ada.email })
    .query(`select set_config('synchronous_commit', 'on', true), ${call}`, params);

/**
 * Revokes with `revoke` (as the owner) and checks from the attacker's side: the `lost` topics
 * get Realtime's system message and phx_close within a second and nothing sent after; `kept`
 * topics keep flowing; the bystander (still allowed) gets everything.
 */
async function expectRevoked(
  name: string,
  victim: RtUser,
  bystander: RtUser,
  lost: string[],
  kept: string[],
  revoke: () => Promise<unknown>,
) {
  const bad = await attacker(victim, [...lost, ...kept]);
  const good = await attacker(bystander, lost);
  for (const topic of [...lost, ...kept]) await send(topic, 1);
  await waitFor(() => [...lost, ...kept].every((topic) => numbers(bad.socket, topic).includes(1)));

  await revoke();
  const committed = performance.now();
  await waitFor(() => lost.every((topic) => bad.on(topic, 'phx_close').length), 5_000);
  for (const topic of lost) {
    const [system] = bad.on(topic, 'system');
    expect(system?.frame[4]).toEqual({
      extension: 'system',
      status: 'error',
      message: `You no longer have permission to read from this Channel topic: ${topic}`,
      channel: topic,
    });
    const delay = (bad.on(topic, 'phx_close')[0]?.at ?? Infinity) - committed;
    delays[name] = [...(delays[name] ?? []), Math.round(delay)];
    expect(delay).toBeLessThan(1_000);
  }
  // Ignoring the close: still connected, still "joined" as far as this client cares.
  expect(bad.socket.isOpen).toBe(true);
  for (const topic of [...lost, ...kept]) await send(topic, 2);
  await waitFor(() => lost.every((topic) => numbers(good.socket, topic).includes(2)));
  await waitFor(() => kept.every((topic) => numbers(bad.socket, topic).includes(2)));
  await sleep(200);
  for (const topic of lost) expect(numbers(bad.socket, topic), topic).toEqual([1]);
  expect(good.arrivals.filter((a) => a.frame[3] === 'phx_close')).toEqual([]);
  // Sending on the closed topic is refused, and joining again is too.
  const [status, response] = await bad.socket.push('1', `realtime:${lost[0]}`, 'broadcast', {
    type: 'broadcast',
    event: 'msg',
    payload: { n: 3 },
  });
  expect([status, response]).toEqual(['error', { reason: 'unmatched topic' }]);
  const [rejoin] = await bad.socket.push('2', `realtime:${lost[0]}`, 'phx_join', {
    config: { private: true },
    access_token: victim.token,
  });
  expect(rejoin).toBe('error');
  bad.socket.close();
  good.socket.close();
}

async function world(): Promise<{ victim: RtUser; bystander: RtUser; server: RtServer }> {
  const victim = await createUser(t, 'victim');
  const bystander = await createUser(t, 'bystander');
  const server = await seedServer(t, ada, [victim, bystander]);
  return { victim, bystander, server };
}

describe('revocation of private topics', () => {
  it('closes a channel topic when a member overwrite denies VIEW_CHANNEL', async () => {
    const { victim, bystander, server } = await world();
    await expectRevoked(
      'overwrite',
      victim,
      bystander,
      [`channel:${server.textChannelId}`],
      [`server:${server.serverId}`],
      () =>
        asAda('public.set_channel_overwrite($1, $2, $3, 0, $4)', [
          server.textChannelId,
          'member',
          victim.profileId,
          viewChannel,
        ]),
    );
  });

  it('closes a role-gated channel topic when the role is removed', async () => {
    const { victim, bystander, server } = await world();
    const { rows } = await t.db.query<{ id: string }>(
      `with role as (
         insert into public.roles (server_id, name, position, permissions) values ($1, 'staff', 1, 0) returning id
       ), channel as (
         insert into public.channels (server_id, type, name, position) values ($1, 'text', 'staff', 1) returning id
       ), overwrites as (
         insert into public.channel_overwrites (channel_id, target_type, target_id, allow, deny)
         select channel.id, 'role'::public.overwrite_target, $1::uuid, 0, $2::bigint from channel
         union all select channel.id, 'role', role.id, $2::bigint, 0 from channel, role
       )
       select (select id from role) as id union all select (select id from channel)`,
      [server.serverId, viewChannel],
    );
    const [roleId, staffChannel] = rows.map((r) => r.id) as [string, string];
    await t.db.query(
      `insert into public.member_roles (server_id, profile_id, role_id) values ($1, $2, $4), ($1, $3, $4)`,
      [server.serverId, victim.profileId, bystander.profileId, roleId],
    );
    await expectRevoked(
      'role removed',
      victim,
      bystander,
      [`channel:${staffChannel}`],
      [`channel:${server.textChannelId}`, `server:${server.serverId}`],
      () => asAda('public.remove_role($1, $2, $3)', [server.serverId, victim.profileId, roleId]),
    );
  });

  it('closes the server and channel topics of a kicked member', async () => {
    const { victim, bystander, server } = await world();
    await expectRevoked(
      'kick',
      victim,
      bystander,
      [`channel:${server.textChannelId}`, `server:${server.serverId}`],
      [`user:${victim.profileId}`],
      () => asAda('public.kick_member($1, $2)', [server.serverId, victim.profileId]),
    );
  });

  it('closes the server and channel topics of a banned member', async () => {
    const { victim, bystander, server } = await world();
    await expectRevoked(
      'ban',
      victim,
      bystander,
      [`channel:${server.textChannelId}`, `server:${server.serverId}`],
      [`user:${victim.profileId}`],
      () => asAda('public.ban_member($1, $2)', [server.serverId, victim.profileId]),
    );
  });

  it('closes the topic of a deleted channel for everyone', async () => {
    const { victim, bystander, server } = await world();
    const topic = `channel:${server.textChannelId}`;
    const a = await attacker(victim, [topic]);
    const b = await attacker(bystander, [topic]);
    await t.db.query('delete from public.channels where id = $1', [server.textChannelId]);
    await waitFor(() => a.on(topic, 'phx_close').length && b.on(topic, 'phx_close').length);
    a.socket.close();
    b.socket.close();
  });

  it('refuses a join whose authorisation ran while the member was being kicked', async () => {
    const { victim, server } = await world();
    // Every read check now takes 400 ms, so the kick commits while the join's check runs
    // on a snapshot from before it.
    await t.db.query(
      `create policy slow_read_checks on realtime.messages for select to authenticated
         using ((select count(*) from pg_sleep(0.4)) = 0)`,
    );
    try {
      const socket = await RawSocket.open(t);
      const joining = socket.push('1', `realtime:channel:${server.textChannelId}`, 'phx_join', {
        config: { private: true },
        access_token: victim.token,
      });
      await sleep(150);
      await asAda('public.kick_member($1, $2)', [server.serverId, victim.profileId]);
      const [status, response] = await joining;
      expect([status, response]).toEqual([
        'error',
        {
          reason: `Unauthorized: You do not have permissions to read from this Channel topic: channel:${server.textChannelId}`,
        },
      ]);
      socket.close();
    } finally {
      await t.db.query('drop policy slow_read_checks on realtime.messages');
    }
  });

  it('closes a person’s presence topic to a friend who is unfriended or blocked', async () => {
    const topic = `presence:${ada.profileId}`;
    const owner = await attacker(ada, [topic], true);
    for (const [name, end] of [
      // As the web client unfriends: a delete of the pair's row, under RLS.
      [
        'unfriend',
        (friend: RtUser) =>
          t.db.asUser({ sub: ada.userId, email: ada.email }).query(
            `with gone as (delete from public.friendships
                            where profile_a = least($1::uuid, $2::uuid) and profile_b = greatest($1::uuid, $2::uuid)
                           returning 1)
             select set_config('synchronous_commit', 'on', true), (select count(*) from gone) as deleted`,
            [ada.profileId, friend.profileId],
          ),
      ],
      ['block', (friend: RtUser) => asAda('public.block_user($1)', [friend.profileId])],
    ] as const) {
      const victim = await createUser(t, `ex_${name}`);
      const bystander = await createUser(t, `still_${name}`);
      for (const friend of [victim, bystander])
        await t.db.query(
          `insert into public.friendships (profile_a, profile_b) values (least($1::uuid, $2::uuid), greatest($1::uuid, $2::uuid))`,
          [ada.profileId, friend.profileId],
        );
      const bad = await attacker(victim, [topic], true);
      const good = await attacker(bystander, [topic], true);
      const track = (status: string) =>
        owner.socket.push('2', `realtime:${topic}`, 'presence', {
          type: 'presence',
          event: 'track',
          payload: { status },
        });
      await track(`online-${name}`);
      await waitFor(() => bad.on(topic, 'presence_diff').length && good.on(topic, 'presence_diff').length);

      const committed = performance.now();
      await end(victim);
      await waitFor(() => bad.on(topic, 'phx_close').length, 5_000);
      const delay = (bad.on(topic, 'phx_close')[0]?.at ?? Infinity) - committed;
      delays[name] = [...(delays[name] ?? []), Math.round(delay)];
      expect(delay).toBeLessThan(1_000);
      // The friend still allowed sees the next change; the one who ignored the close does not.
      const seenBefore = bad.on(topic, 'presence_diff').length;
      await track(`away-${name}`);
      await waitFor(() => good.on(topic, 'presence_diff').length >= 2);
      await sleep(200);
      expect(bad.on(topic, 'presence_diff')).toHaveLength(seenBefore);
      expect(good.on(topic, 'phx_close')).toEqual([]);
      bad.socket.close();
      good.socket.close();
    }
    owner.socket.close();
  });
});
