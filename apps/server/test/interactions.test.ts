import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../../stack/test/harness.js';
import {
  clientFor,
  closeClients,
  createUser,
  type RtServer,
  type RtUser,
  seedServer,
  sleep,
  subscribed,
  waitFor,
} from '../../stack/test/realtime-helpers.js';
import type { RunningService } from '../src/service.js';
import { enableServerLogin, serverConfig, startTestService } from './helpers.js';

let t: TestStack;
let service: RunningService;
let owner: RtUser;
let member: RtUser;
let other: RtUser;
let server: RtServer;
let bot: SupabaseClient;
let botProfileId: string;
const clients: SupabaseClient[] = [];

interface Command {
  id: string;
  name: string;
  bot_name: string;
}
interface Interaction {
  id: string;
  command_name: string;
  options: Record<string, unknown>;
  user_id: string;
  channel_id: string;
}

const COMMANDS = [
  { name: 'ping', description: 'Is the bot there?' },
  {
    name: 'echo',
    description: 'Says it back',
    options: [
      { name: 'text', description: 'What to say', type: 'string', required: true },
      { name: 'times', description: 'How often', type: 'integer' },
      {
        name: 'tone',
        description: 'How',
        type: 'string',
        choices: [
          { name: 'Calm', value: 'calm' },
          { name: 'Loud', value: 'loud' },
        ],
      },
      { name: 'to', description: 'Whom', type: 'user' },
    ],
  },
  { name: 'purge', description: 'Moderators only', default_member_permissions: String(1 << 13) },
];

const asUser = (user: RtUser) => t.db.asUser({ sub: user.userId, email: user.email });

beforeAll(async () => {
  t = await startTestStack();
  await enableServerLogin(t.db);
  service = await startTestService(t.db, {
    config: serverConfig(t.db, { supabase: { url: t.url, serviceRoleKey: t.stack.keys.serviceRole } }),
  });
  owner = await createUser(t, 'cmdowner');
  member = await createUser(t, 'cmdmember');
  other = await createUser(t, 'cmdother');
  server = await seedServer(t, owner, [member, other]);
  const { rows } = await asUser(owner).query<{ bot_id: string; token: string }>(
    `select * from public.create_bot('Command Bot')`,
  );
  const { bot_id: botId, token } = rows[0] as { bot_id: string; token: string };
  await asUser(owner).query(
    `select public.install_bot($1, $2, public.permission('VIEW_CHANNEL') | public.permission('SEND_MESSAGES'))`,
    [botId, server.serverId],
  );
  const exchanged = await fetch(`${service.url}/api/bots/token`, {
    method: 'POST',
    headers: { authorization: `Bot ${token}` },
  });
  const session = (await exchanged.json()) as { access_token: string; bot: { profile_id: string } };
  botProfileId = session.bot.profile_id;
  bot = createClient(t.url, t.stack.keys.anon, { accessToken: async () => session.access_token });
  clients.push(bot);
  const registered = await bot.rpc('register_commands', { p_server_id: null, p_commands: COMMANDS });
  expect(registered.error).toBeNull();
}, 60_000);
afterAll(async () => {
  await closeClients(...clients);
  await service?.stop();
  await t?.stop();
});

async function userClient(user: RtUser) {
  const client = await clientFor(t, user);
  clients.push(client);
  return client;
}

async function commandsFor(user: RtUser): Promise<Command[]> {
  const { data, error } = await (await userClient(user)).rpc('channel_commands', {
    p_channel_id: server.textChannelId,
  });
  expect(error).toBeNull();
  return data as Command[];
}

const commandId = async (name: string) =>
  (await commandsFor(owner)).find((c) => c.name === name)?.id as string;

/** The bot's side: interactions as they arrive on its personal topic (one subscription). */
let inbox: Interaction[] | undefined;
async function botInbox(): Promise<Interaction[]> {
  if (inbox) return inbox;
  inbox = [];
  const received = inbox;
  await subscribed(
    bot
      .channel(`user:${botProfileId}`, { config: { private: true } })
      .on('broadcast', { event: 'interaction_create' }, ({ payload }) =>
        received.push(payload.record as Interaction),
      ),
  );
  return received;
}

/** Every broadcast a user's client receives on the given topics. */
async function listen(user: RtUser, topics: string[]) {
  const client = await userClient(user);
  const seen: { topic: string; event: string; payload: { record?: Record<string, unknown> } }[] = [];
  for (const topic of topics) {
    await subscribed(
      client
        .channel(topic, { config: { private: true } })
        .on('broadcast', { event: '*' }, (message) =>
          seen.push({ topic, event: message.event, payload: message.payload }),
        ),
    );
  }
  return seen;
}

describe('registering commands', () => {
  it('only a bot registers, with checked definitions', async () => {
    const person = await userClient(member);
    expect(
      (await person.rpc('register_commands', { p_server_id: null, p_commands: COMMANDS })).error?.code,
    ).toBe('42501');
    for (const bad of [
      [{ name: 'Bad Name', description: 'x' }],
      [{ name: 'x', description: '' }],
      [{ name: 'x', description: 'd', options: [{ name: 'a', description: 'a', type: 'colour' }] }],
      [
        {
          name: 'x',
          description: 'd',
          options: [{ name: 'a', description: 'a', type: 'boolean', choices: [] }],
        },
      ],
      [
        {
          name: 'x',
          description: 'd',
          options: [
            { name: 'a', description: 'a', type: 'string' },
            { name: 'b', description: 'b', type: 'string', required: true },
          ],
        },
      ],
      [
        { name: 'x', description: 'd' },
        { name: 'x', description: 'e' },
      ],
    ]) {
      const { error } = await bot.rpc('register_commands', { p_server_id: null, p_commands: bad });
      expect(error?.code, JSON.stringify(bad)).toBe('22023');
    }
    // A server the bot is not in is "not found".
    const elsewhere = await seedServer(t, other);
    expect(
      (await bot.rpc('register_commands', { p_server_id: elsewhere.serverId, p_commands: COMMANDS })).error
        ?.code,
    ).toBe('PT404');
  });

  it('members see the commands they may run; default permissions hide the rest', async () => {
    expect((await commandsFor(member)).map((c) => c.name)).toEqual(['echo', 'ping']);
    expect((await commandsFor(owner)).map((c) => `${c.bot_name}/${c.name}`)).toEqual([
      'Command Bot/echo',
      'Command Bot/ping',
      'Command Bot/purge',
    ]);
    const { error } = await (await userClient(member)).rpc('invoke_command', {
      p_channel_id: server.textChannelId,
      p_command_id: await commandId('purge'),
      p_options: {},
    });
    expect(error?.code).toBe('42501');
  });
});

describe('interactions', () => {
  it('the bot receives a command and its public reply reaches everyone', async () => {
    const inbox = await botInbox();
    const memberClient = await userClient(member);
    const { data: interactionId, error } = await memberClient.rpc('invoke_command', {
      p_channel_id: server.textChannelId,
      p_command_id: await commandId('echo'),
      p_options: { text: 'hello', times: 2, tone: 'loud' },
    });
    expect(error).toBeNull();
    const received = await waitFor(() => inbox.find((i) => i.id === interactionId));
    expect(received).toMatchObject({
      command_name: 'echo',
      options: { text: 'hello', times: 2, tone: 'loud' },
      user_id: member.profileId,
      channel_id: server.textChannelId,
    });
    const reply = await bot.rpc('respond_to_interaction', {
      p_interaction_id: interactionId,
      p_kind: 'reply',
      p_content: 'HELLO HELLO',
    });
    expect(reply.error).toBeNull();
    const { data: seen } = await (await userClient(other))
      .from('messages')
      .select('content, author_id')
      .eq('id', reply.data as string);
    expect(seen).toEqual([{ content: 'HELLO HELLO', author_id: botProfileId }]);
    // Answered once: a second reply is refused; follow-ups are fine.
    expect(
      (
        await bot.rpc('respond_to_interaction', {
          p_interaction_id: interactionId,
          p_kind: 'reply',
          p_content: 'x',
        })
      ).error?.code,
    ).toBe('22023');
  });

  it('an ephemeral reply reaches only the invoker, over REST and Realtime', async () => {
    const inbox = await botInbox();
    const invokerSeen = await listen(member, [`user:${member.profileId}`, `channel:${server.textChannelId}`]);
    const otherSeen = await listen(other, [`user:${other.profileId}`, `channel:${server.textChannelId}`]);
    // Nobody else may join the invoker's personal topic.
    const snoop = await userClient(other);
    await expect(
      subscribed(snoop.channel(`user:${member.profileId}`, { config: { private: true } }), 3_000),
    ).rejects.toBeTruthy();

    const { data: interactionId } = await (await userClient(member)).rpc('invoke_command', {
      p_channel_id: server.textChannelId,
      p_command_id: await commandId('ping'),
      p_options: {},
    });
    await waitFor(() => inbox.find((i) => i.id === interactionId));
    await bot.rpc('respond_to_interaction', { p_interaction_id: interactionId, p_kind: 'defer' });
    const answer = await bot.rpc('respond_to_interaction', {
      p_interaction_id: interactionId,
      p_kind: 'followup',
      p_content: 'pong (only you can see this)',
      p_ephemeral: true,
    });
    expect(answer.error).toBeNull();
    await waitFor(() => invokerSeen.find((e) => e.event === 'ephemeral_message'));
    expect(invokerSeen.map((e) => e.event)).toEqual(
      expect.arrayContaining(['interaction_update', 'ephemeral_message']),
    );
    await sleep(1_000);
    expect(JSON.stringify(otherSeen)).not.toContain('pong');
    // (A message_create of the previous test's public reply may still arrive: only pong matters.)
    expect(otherSeen.filter((e) => e.event === 'ephemeral_message')).toEqual([]);
    expect(JSON.stringify(invokerSeen.filter((e) => e.topic.startsWith('channel:')))).not.toContain('pong');

    const mine = await (await userClient(member)).from('ephemeral_messages').select('content');
    expect(mine.data).toEqual([{ content: 'pong (only you can see this)' }]);
    const theirs = await (await userClient(other)).from('ephemeral_messages').select('content');
    expect(theirs.data).toEqual([]);
    const inChannel = await (await userClient(other))
      .from('messages')
      .select('content')
      .like('content', 'pong%');
    expect(inChannel.data).toEqual([]);
    // Interactions themselves: the invoker and the bot, nobody else.
    expect(
      (await (await userClient(other)).from('interactions').select('id').eq('id', interactionId)).data,
    ).toEqual([]);
    expect((await bot.from('interactions').select('status').eq('id', interactionId)).data).toEqual([
      { status: 'responded' },
    ]);
  });

  it('checks the options against the definition', async () => {
    const client = await userClient(member);
    const echo = await commandId('echo');
    const outsider = await createUser(t, 'cmdoutsider');
    for (const options of [
      {},
      { text: '   ' },
      { text: 'x', tone: 'angry' },
      { text: 'x', times: 1.5 },
      { text: 'x', colour: 'red' },
      { text: 'x', to: outsider.profileId },
      { text: 42 },
    ]) {
      const { error } = await client.rpc('invoke_command', {
        p_channel_id: server.textChannelId,
        p_command_id: echo,
        p_options: options,
      });
      expect(error?.code, JSON.stringify(options)).toBe('22023');
    }
  });

  it('only the interaction’s bot answers it; outsiders reach no command', async () => {
    const { data: interactionId } = await (await userClient(member)).rpc('invoke_command', {
      p_channel_id: server.textChannelId,
      p_command_id: await commandId('ping'),
      p_options: {},
    });
    const hijack = await (await userClient(other)).rpc('respond_to_interaction', {
      p_interaction_id: interactionId,
      p_kind: 'reply',
      p_content: 'fake answer',
    });
    expect(hijack.error?.code).toBe('PT404');
    const outsider = await createUser(t, 'cmdstranger');
    const { error } = await (await userClient(outsider)).rpc('invoke_command', {
      p_channel_id: server.textChannelId,
      p_command_id: await commandId('ping'),
      p_options: {},
    });
    expect(error?.code).toBe('PT404');
  });

  it('limits a member to 5 commands in 5 seconds (429)', async () => {
    const spammer = await createUser(t, 'cmdspammer');
    await t.db.query('insert into public.server_members (server_id, profile_id) values ($1, $2)', [
      server.serverId,
      spammer.profileId,
    ]);
    const client = await userClient(spammer);
    const ping = await commandId('ping');
    const codes: (string | undefined)[] = [];
    for (let i = 0; i < 6; i++) {
      const { error } = await client.rpc('invoke_command', {
        p_channel_id: server.textChannelId,
        p_command_id: ping,
        p_options: {},
      });
      codes.push(error?.code);
    }
    expect(codes).toEqual([undefined, undefined, undefined, undefined, undefined, 'PT429']);
  });
});
