import { startBot } from './bot.js';

const need = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`set ${name} (see docs-source/bots.md)`);
  return value;
};

const bot = await startBot({
  supabaseUrl: need('SUPABASE_URL'),
  anonKey: need('SUPABASE_ANON_KEY'),
  harmonyUrl: need('HARMONY_URL'),
  token: need('HARMONY_BOT_TOKEN'),
  log: (line) => console.log(line),
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void bot.stop());
