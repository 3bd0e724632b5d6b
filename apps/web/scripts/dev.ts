import { describeStack, startLocalStack, stopOnSignals } from '@harmony/stack';
import { createServer } from 'vite';

/**
 * `pnpm dev`: embedded PostgreSQL + the Supabase-compatible stack + the Vite dev server,
 * with the web app pointed at the stack. A VITE_SUPABASE_URL already set (a cloud project)
 * wins and no local backend starts.
 */
const external = process.env.VITE_SUPABASE_URL && process.env.VITE_SUPABASE_ANON_KEY;
const local = external ? null : await startLocalStack();
if (local) {
  console.log(describeStack(local));
  process.env.VITE_SUPABASE_URL = local.stack.url;
  process.env.VITE_SUPABASE_ANON_KEY = local.stack.keys.anon;
}
const vite = await createServer({
  root: import.meta.dirname.replace(/\/scripts$/, ''),
  configFile: undefined,
});
await vite.listen();
vite.printUrls();
stopOnSignals(async () => {
  await vite.close();
  await local?.stop();
});
