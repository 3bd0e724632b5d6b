import type { Json } from '@harmony/shared';
import { client } from '../../app/stores.js';
import { unwrap } from '../../lib/unwrap.js';

export type OptionType = 'string' | 'integer' | 'number' | 'boolean' | 'user' | 'channel' | 'role';

export interface CommandOption {
  name: string;
  description: string;
  type: OptionType;
  required?: boolean;
  choices?: { name: string; value: string | number }[];
}

export interface ChannelCommand {
  id: string;
  bot_id: string;
  bot_name: string;
  bot_profile_id: string;
  name: string;
  description: string;
  options: CommandOption[];
}

const cache = new Map<string, Promise<ChannelCommand[]>>();

/** The commands the member may run in a channel (loaded once per channel and session). */
export function channelCommands(channelId: string): Promise<ChannelCommand[]> {
  let loaded = cache.get(channelId);
  if (!loaded) {
    // options is jsonb: the shape register_commands validated on the way in.
    loaded = unwrap(client.rpc('channel_commands', { p_channel_id: channelId })).then((rows) =>
      (rows ?? []).map((row) => ({ ...row, options: row.options as unknown as CommandOption[] })),
    );
    loaded.catch(() => cache.delete(channelId));
    cache.set(channelId, loaded);
  }
  return loaded;
}

export const invokeCommand = (channelId: string, commandId: string, options: Record<string, unknown>) =>
  unwrap(
    client.rpc('invoke_command', {
      p_channel_id: channelId,
      p_command_id: commandId,
      p_options: options as Json,
    }),
  );
