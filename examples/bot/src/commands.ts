/** The slash commands this bot registers (Harmony's register_commands takes Discord's shape). */
export const COMMANDS = [
  { name: 'ping', description: 'Check that the bot is there' },
  {
    name: 'echo',
    description: 'Repeat a text',
    options: [
      { name: 'text', description: 'What to repeat', type: 'string', required: true },
      { name: 'private', description: 'Only you see the answer', type: 'boolean' },
    ],
  },
  {
    name: 'roll',
    description: 'Roll a die',
    options: [
      {
        name: 'sides',
        description: 'Which die',
        type: 'integer',
        choices: [
          { name: 'd6', value: 6 },
          { name: 'd20', value: 20 },
        ],
      },
    ],
  },
  {
    name: 'purge',
    description: 'Delete the latest messages of this channel',
    options: [{ name: 'count', description: 'How many (1 to 50)', type: 'integer', required: true }],
    // Manage Messages (1 << 13): only moderators see and run it.
    default_member_permissions: String(1n << 13n),
  },
] as const;

export interface Interaction {
  id: string;
  command_name: string;
  options: Record<string, unknown>;
  channel_id: string;
  server_id: string;
  user_id: string;
}

export type Answer =
  | { kind: 'reply' | 'followup'; content: string; ephemeral?: boolean }
  | { kind: 'defer' }
  | { kind: 'none' };
