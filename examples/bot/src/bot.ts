import { createClient, type RealtimeChannel, type SupabaseClient } from '@supabase/supabase-js';
import { COMMANDS, type Interaction } from './commands.js';
import { botSessions } from './session.js';

export { COMMANDS } from './commands.js';

export interface BotOptions {
  /** The Supabase project (API URL and anon key), as the web app has them. */
  supabaseUrl: string;
  anonKey: string;
  /** Harmony's web origin: POST /api/bots/token is there. */
  harmonyUrl: string;
  /** The token shown when the application was created (hbot_…). */
  token: string;
  log?: (line: string) => void;
}

export interface RunningBot {
  client: SupabaseClient;
  profileId: string;
  stop(): Promise<void>;
}

/**
 * Starts the example bot: signs in with its token, registers its global commands and answers
 * interactions arriving on its personal Realtime topic. Everything it does goes through RLS
 * and the permissions it was given where it was added.
 */
export async function startBot(options: BotOptions): Promise<RunningBot> {
  const log = options.log ?? (() => undefined);
  const session = botSessions(options.harmonyUrl, options.token);
  const first = await session();
  const client = createClient(options.supabaseUrl, options.anonKey, {
    accessToken: async () => (await session()).access_token,
  });
  const profileId = first.bot.profile_id;

  const registered = await client.rpc('register_commands', { p_server_id: null, p_commands: COMMANDS });
  if (registered.error) throw new Error(`registering commands: ${registered.error.message}`);

  const respond = async (interaction: Interaction, kind: string, content = '', ephemeral = false) => {
    const { error } = await client.rpc('respond_to_interaction', {
      p_interaction_id: interaction.id,
      p_kind: kind,
      p_content: content,
      p_ephemeral: ephemeral,
    });
    if (error) log(`answering /${interaction.command_name}: ${error.message}`);
  };

  const handle = async (interaction: Interaction) => {
    const o = interaction.options;
    log(`/${interaction.command_name} ${JSON.stringify(o)}`);
    switch (interaction.command_name) {
      case 'ping':
        return respond(interaction, 'reply', 'Pong!');
      case 'echo':
        return respond(interaction, 'reply', String(o.text), o.private === true);
      case 'roll': {
        const sides = Number(o.sides ?? 6);
        return respond(interaction, 'reply', `🎲 d${sides}: ${1 + Math.floor(Math.random() * sides)}`);
      }
      case 'purge':
        return purge(interaction);
    }
  };

  /** Moderation: defers (it may take a moment), deletes with the bot's Manage Messages, follows up. */
  const purge = async (interaction: Interaction) => {
    await respond(interaction, 'defer');
    const count = Math.min(50, Math.max(1, Number(interaction.options.count)));
    const { data, error } = await client
      .from('messages')
      .select('id')
      .eq('channel_id', interaction.channel_id)
      .is('deleted_at', null)
      .order('seq', { ascending: false })
      .limit(count);
    if (error)
      return respond(interaction, 'followup', `I could not read this channel: ${error.message}`, true);
    let deleted = 0;
    for (const message of data ?? []) {
      const result = await client.rpc('delete_message', { p_message_id: message.id });
      if (!result.error) deleted += 1;
    }
    await respond(interaction, 'followup', `Deleted ${deleted} message${deleted === 1 ? '' : 's'}.`, true);
  };

  const inbox: RealtimeChannel = client
    .channel(`user:${profileId}`, { config: { private: true } })
    .on('broadcast', { event: 'interaction_create' }, ({ payload }) => {
      void handle(payload.record as Interaction).catch((e: unknown) =>
        log(`interaction failed: ${String(e)}`),
      );
    });
  await new Promise<void>((resolve, reject) =>
    inbox.subscribe((status, error) => {
      if (status === 'SUBSCRIBED') resolve();
      else if (status === 'CHANNEL_ERROR' || status === 'TIMED_OUT') reject(error ?? new Error(status));
    }),
  );
  log(`signed in as bot ${first.bot.id}; commands: ${COMMANDS.map((c) => `/${c.name}`).join(' ')}`);

  return {
    client,
    profileId,
    async stop() {
      await client.removeAllChannels();
      client.realtime.disconnect();
    },
  };
}
