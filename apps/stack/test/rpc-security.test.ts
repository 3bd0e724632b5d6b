import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from './harness.js';
import { createRestUser, rest } from './rest-fixtures.js';
import { buildRpcWorld, type RpcWorld } from './rpc-world.js';

/**
 * RPCs through REST from the attacker's side (issue 11): who may ask about permissions, the
 * statuses errors answer with, edits by a timed-out member, and a fuzz over every function an
 * API role may execute in the exposed schema, read from the catalog (so a new RPC is covered the
 * day it is added), called as anon, an outsider and a member with valid, foreign and random ids,
 * wrongly typed values, nulls and missing arguments. A client may get 4xx for anything it sends,
 * never 5xx.
 */

interface Param {
  name: string;
  type: string;
  required: boolean;
  enumLabels: string[] | null;
}

interface ExposedFunction {
  name: string;
  params: Param[];
}

const EXPOSED_FUNCTIONS_SQL = `
select p.proname as name,
       coalesce((
         select json_agg(json_build_object(
                  'name', a.name, 'type', format_type(a.type, null),
                  'required', a.idx <= p.pronargs - p.pronargdefaults,
                  'enumLabels', (select json_agg(e.enumlabel order by e.enumsortorder)
                                   from pg_enum e where e.enumtypid = a.type))
                order by a.idx)
           from unnest(p.proargtypes::oid[], p.proargnames[1:p.pronargs]) with ordinality a (type, name, idx)
       ), '[]') as params
  from pg_proc p
  join pg_namespace n on n.oid = p.pronamespace
 where n.nspname = 'public' and p.prokind = 'f' and p.prorettype <> 'trigger'::regtype
   and (has_function_privilege('anon', p.oid, 'execute')
        or has_function_privilege('authenticated', p.oid, 'execute'))
 order by p.proname`;

type Args = Record<string, unknown>;
type Ids = Record<string, unknown>;

/** A value for a parameter from a pool of ids, chosen by its name, then by its type. */
function valueFor(param: Param, ids: Ids): unknown {
  const byName = ids[param.name];
  if (byName !== undefined) return byName;
  if (param.enumLabels) return param.enumLabels[0];
  switch (param.type) {
    case 'uuid':
      return ids.uuid;
    case 'uuid[]':
      return [ids.uuid];
    case 'bigint':
      return 1024;
    case 'bigint[]':
      return [1024];
    case 'integer':
      return 10;
    case 'boolean':
      return true;
    case 'timestamp with time zone':
      return new Date(Date.now() + 3_600_000).toISOString();
    default:
      return 'fuzz';
  }
}

/** A value of the wrong type (or an abusive one of the right type) for a parameter. */
function wrongValueFor(param: Param): unknown {
  if (param.enumLabels) return 'no-such-label';
  switch (param.type) {
    case 'uuid':
      return 'not-a-uuid';
    case 'uuid[]':
      return ['not-a-uuid', null];
    case 'bigint':
    case 'integer':
      return 1e30;
    case 'bigint[]':
      return 'not an array';
    case 'boolean':
      return 'maybe';
    case 'timestamp with time zone':
      return 'the day after tomorrow';
    default:
      return `nul\u0000${'x'.repeat(5000)}`;
  }
}

function idPools(w: RpcWorld) {
  const common = {
    p_code: w.inviteCode,
    p_username: w.member.username,
    p_emoji: '👍',
    p_query: 'welcome',
    flag: 'VIEW_CHANNEL',
    p_kind: 'channel',
    p_name: 'fuzzed',
    p_status: 'online',
    p_until: new Date(Date.now() + 3_600_000).toISOString(),
  };
  const valid: Ids = {
    ...common,
    uuid: w.serverId,
    p_server_id: w.serverId,
    p_channel_id: w.textChannelId,
    p_category_id: w.categoryId,
    p_role_id: w.roleId,
    p_message_id: w.messageId,
    p_profile_id: w.member.profileId,
    p_target_id: w.member.profileId,
    p_new_owner: w.member.profileId,
    p_bot_id: w.botId,
    p_token_id: w.botTokenId,
    p_device_id: w.deviceId,
    p_request_id: w.friendRequestId,
    p_ids: [w.notificationId],
    p_profile_ids: [w.member.profileId],
    p_channel_ids: [w.textChannelId, w.voiceChannelId],
  };
  const alternative: Ids = {
    ...valid,
    p_channel_id: w.voiceChannelId,
    p_profile_id: w.owner.profileId,
    p_target_id: w.roleId,
    p_message_id: w.memberMessageId,
    p_code: w.foreign.inviteCode,
    p_username: w.owner.username,
  };
  const dm: Ids = { ...valid, p_channel_id: w.dmId, p_profile_id: w.outsider.profileId };
  const group: Ids = { ...valid, p_channel_id: w.groupDmId, p_profile_id: w.foreigner.profileId };
  const foreign: Ids = {
    ...common,
    uuid: w.foreign.serverId,
    p_server_id: w.foreign.serverId,
    p_channel_id: w.foreign.textChannelId,
    p_role_id: w.foreign.roleId,
    p_message_id: w.foreign.messageId,
    p_profile_id: w.foreigner.profileId,
    p_target_id: w.foreign.roleId,
    p_code: w.foreign.inviteCode,
    p_profile_ids: [w.foreigner.profileId],
    p_channel_ids: [w.foreign.textChannelId],
  };
  const random: Ids = { uuid: randomUUID(), p_code: 'ZZZZZZZZ', p_username: 'nobody_here' };
  return { valid, alternative, dm, group, foreign, random };
}

/** The argument sets one function is called with. */
function argumentSets(fn: ExposedFunction, pools: ReturnType<typeof idPools>): [string, Args][] {
  const fill = (ids: Ids, fresh = false): Args =>
    Object.fromEntries(
      fn.params.map((p) => [p.name, fresh && p.type === 'uuid' ? randomUUID() : valueFor(p, ids)]),
    );
  const sets: [string, Args][] = Object.entries(pools).map(([label, ids]) => [
    label,
    fill(ids, label === 'random'),
  ]);
  if (fn.params.length > 0) {
    sets.push(['wrong types', Object.fromEntries(fn.params.map((p) => [p.name, wrongValueFor(p)]))]);
    sets.push(['nulls', Object.fromEntries(fn.params.map((p) => [p.name, null]))]);
    sets.push(['no arguments', {}]);
    for (const missing of fn.params.filter((p) => p.required)) {
      const args = fill(pools.valid);
      delete args[missing.name];
      sets.push([`without ${missing.name}`, args]);
    }
    sets.push(['an unknown argument', { ...fill(pools.valid), p_no_such_argument: 1 }]);
  }
  return sets;
}

let t: TestStack;
let w: RpcWorld;
beforeAll(async () => {
  t = await startTestStack();
  w = await buildRpcWorld(t);
}, 120_000);
afterAll(() => t.stop());

/** Undo what a fuzzed call may have done to the member that later calls rely on. */
async function restoreWorld() {
  await t.db.query('delete from public.server_bans where server_id = $1', [w.serverId]);
  await t.db.query('delete from public.user_blocks');
  await t.db.query('update public.server_members set timed_out_until = null where server_id = $1', [
    w.serverId,
  ]);
  for (const user of [w.member, w.moderator]) {
    await t.db.query(
      'insert into public.server_members (server_id, profile_id) values ($1, $2) on conflict do nothing',
      [w.serverId, user.profileId],
    );
  }
}

/** POST /rest/v1/rpc/<fn> as `token` (anon without one): the status and the error body. */
async function rpcCall(fn: string, args: Args, token?: string) {
  const res = await rest(t, `/rpc/${fn}`, {
    method: 'POST',
    token,
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(args),
  });
  return { status: res.status, body: await res.json() };
}

describe('who may ask what someone may do (issue 11, item 3)', () => {
  const questions = () => ({
    server_permissions: { p_server_id: w.serverId, p_profile_id: w.owner.profileId },
    channel_permissions: { p_channel_id: w.textChannelId, p_profile_id: w.owner.profileId },
    device_can_read_channel: { p_device_id: w.deviceId, p_channel_id: w.textChannelId },
  });

  it('answers anon 401, and outsiders and members without MANAGE_ROLES 403', async () => {
    for (const [fn, args] of Object.entries(questions())) {
      expect(await rpcCall(fn, args)).toMatchObject({ status: 401, body: { code: '42501' } });
      expect((await rpcCall(fn, args, w.outsider.token)).status).toBe(403);
    }
    const { server_permissions, channel_permissions } = questions();
    expect((await rpcCall('server_permissions', server_permissions, w.member.token)).status).toBe(403);
    expect((await rpcCall('channel_permissions', channel_permissions, w.member.token)).status).toBe(403);
  });

  it('answers callers about themselves and MANAGE_ROLES holders about others', async () => {
    const self = { p_server_id: w.serverId, p_profile_id: w.member.profileId };
    expect(await rpcCall('server_permissions', self, w.member.token)).toMatchObject({ status: 200 });
    const { server_permissions, channel_permissions, device_can_read_channel } = questions();
    const all = (await rpcCall('server_permissions', server_permissions, w.moderator.token)).body;
    expect(all).toBe(Number((await t.db.query('select public.all_permissions()::text as p')).rows[0]?.p));
    expect((await rpcCall('channel_permissions', channel_permissions, w.moderator.token)).status).toBe(200);
    expect(await rpcCall('device_can_read_channel', device_can_read_channel, w.owner.token)).toEqual({
      status: 200,
      body: true,
    });
  });
});

describe('RPC error statuses (issue 11, item 4a)', () => {
  it('answers 404 with code PT404 for what does not exist or cannot be seen', async () => {
    const notFound = { status: 404, body: { code: 'PT404' } };
    expect(await rpcCall('get_messages', { p_channel_id: randomUUID() }, w.member.token)).toMatchObject(
      notFound,
    );
    expect(
      await rpcCall('get_messages', { p_channel_id: w.foreign.textChannelId }, w.member.token),
    ).toMatchObject({
      ...notFound,
      body: { code: 'PT404', message: 'channel not found' },
    });
    expect(await rpcCall('join_server_by_invite', { p_code: 'NoSuchCode' }, w.outsider.token)).toMatchObject(
      notFound,
    );
    expect(await rpcCall('delete_message', { p_message_id: w.messageId }, w.outsider.token)).toMatchObject(
      notFound,
    );
  });

  it('answers 403 for what the caller sees but may not do, and 401 signed out', async () => {
    expect(await rpcCall('delete_server', { p_server_id: w.serverId }, w.member.token)).toMatchObject({
      status: 403,
      body: { code: '42501' },
    });
    expect((await rpcCall('delete_server', { p_server_id: w.serverId })).status).toBe(401);
  });
});

describe('delete_my_account password guessing (issue 16)', () => {
  it('counts wrong passwords across requests: 403 five times, then 429 with Retry-After, right or not', async () => {
    const victim = await createRestUser(t, 'rpc_guessed');
    await t.db.query(
      `update auth.users set encrypted_password = extensions.crypt('the real one', extensions.gen_salt('bf', 4))
        where id = $1`,
      [victim.userId],
    );
    // A stolen session guesses through supabase-js: each refusal is an ordinary PostgREST error.
    for (let i = 0; i < 5; i += 1) {
      const { error, status } = await victim.client.rpc('delete_my_account', { p_password: `guess ${i}` });
      expect({ status, error }).toEqual({
        status: 403,
        error: { code: '42501', message: 'the password is not correct', details: null, hint: null },
      });
    }
    const res = await rest(t, '/rpc/delete_my_account', {
      method: 'POST',
      token: victim.token,
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ p_password: 'the real one' }),
    });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toMatch(/^(89\d|900)$/);
    expect(await res.json()).toMatchObject({
      code: 'PT429',
      message: 'too many wrong attempts: try again in 15 minutes',
    });
    const { rowCount } = await t.db.query('select 1 from auth.users where id = $1', [victim.userId]);
    expect(rowCount).toBe(1);
  });
});

describe('editing a message (issue 11, item 2)', () => {
  it('answers 403 to a timed-out member editing an old message, and changes nothing', async () => {
    await t.db.query(
      `update public.server_members set timed_out_until = now() + interval '1 hour'
        where server_id = $1 and profile_id = $2`,
      [w.serverId, w.member.profileId],
    );
    try {
      const { error, status } = await w.member.client
        .from('messages')
        .update({ content: `<@${w.owner.profileId}> gotcha` })
        .eq('id', w.memberMessageId);
      expect({ status, code: error?.code }).toEqual({ status: 403, code: '42501' });
      const { rows } = await t.db.query('select content from public.messages where id = $1', [
        w.memberMessageId,
      ]);
      expect(rows).toEqual([{ content: 'thanks!' }]);
    } finally {
      await t.db.query('update public.server_members set timed_out_until = null where profile_id = $1', [
        w.member.profileId,
      ]);
    }
  });
});

describe('RPC fuzz', () => {
  it('answers every exposed function, for anon, an outsider and a member, without a 5xx', async () => {
    const { rows: functions } = await t.db.query<ExposedFunction>(EXPOSED_FUNCTIONS_SQL);
    expect(functions.length).toBeGreaterThan(50);
    const pools = idPools(w);
    const callers: [string, string | undefined][] = [
      ['anon', undefined],
      ['outsider', w.outsider.token],
      ['member', w.member.token],
    ];
    const failures: string[] = [];
    let calls = 0;
    for (const fn of functions) {
      for (const [label, args] of argumentSets(fn, pools)) {
        for (const [caller, token] of callers) {
          const res = await rest(t, `/rpc/${fn.name}`, {
            method: 'POST',
            token,
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify(args),
          });
          calls++;
          const text = await res.text();
          if (res.status >= 500)
            failures.push(`${res.status} ${fn.name} as ${caller} with ${label}: ${text}`);
        }
      }
      await restoreWorld();
    }
    console.info(
      `RPC fuzz: ${calls} calls to ${functions.length} functions, ${failures.length} answered 5xx`,
    );
    expect(failures).toEqual([]);
  }, 600_000);
});
