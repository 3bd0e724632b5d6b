import { startLocalServer } from '@harmony/server';
import { describeStack, startLocalStack, stopOnSignals } from '@harmony/stack';
import { createServer } from 'vite';

/**
 * `pnpm dev`: embedded PostgreSQL + the Supabase-compatible stack + apps/server (jobs: Web Push,
 * scheduled cleanups) + the Vite dev server, with the web app pointed at the stack. A VITE_SUPABASE_URL already set (a cloud project)
 * wins and no local backend starts. The web port is `--port N`, else HARMONY_WEB_PORT, else 5173.
 */
function webPort(): number | undefined {
  const args = process.argv.slice(2);
  const index = args.findIndex((arg) => arg === '--port' || arg.startsWith('--port='));
  const value = index < 0 ? process.env.HARMONY_WEB_PORT : (args[index]?.split('=')[1] ?? args[index + 1]);
  if (value === undefined) return undefined;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    console.error(`error: the web port must be a TCP port (--port or HARMONY_WEB_PORT), got ${value}`);
    process.exit(1);
  }
  return port;
}

const port = webPort();
// Auth redirects back to the web app: follow its port unless SITE_URL says otherwise.
if (port && !process.env.SITE_URL) process.env.SITE_URL = `http://127.0.0.1:${port}`;
const external = process.env.VITE_SUPABASE_URL && process.env.VITE_SUPABASE_ANON_KEY;
const fail = (error: unknown): never => {
  console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
};
const local = external ? null : await startLocalStack().catch(fail);
if (local) {
  console.log(describeStack(local));
  process.env.VITE_SUPABASE_URL = local.stack.url;
  process.env.VITE_SUPABASE_ANON_KEY = local.stack.keys.anon;
}
// After the stack is up and migrated: the job worker, as the role harmony_server.
const worker = local
  ? await startLocalServer(local.databaseUrl, {
      ...process.env,
      // Bot sign-in (POST /api/bots/token) goes through the stack's auth admin API.
      SUPABASE_URL: local.stack.url,
      SUPABASE_SERVICE_ROLE_KEY: local.stack.keys.serviceRole,
    }).catch(async (error: unknown) => {
      await local.stop();
      return fail(error);
    })
  : null;
if (worker) {
  console.log(`\n⚙ Jobs (apps/server)\n  Ready: ${worker.service.url}/ready`);
  process.env.VITE_VAPID_PUBLIC_KEY = worker.vapidPublicKey;
  process.env.HARMONY_SERVER_URL = worker.service.url;
}
const vite = await createServer({
  root: import.meta.dirname.replace(/\/scripts$/, ''),
  configFile: undefined,
  server: port ? { port } : {},
});
try {
  await vite.listen();
} catch (error) {
  const message = error instanceof Error ? error.message : String(error);
  console.error(
    /already in use/.test(message)
      ? `error: ${message}: stop what uses it, or choose another web port with \`pnpm dev --port N\` or HARMONY_WEB_PORT`
      : `error: ${message}`,
  );
  await worker?.service.stop();
  await local?.stop();
  process.exit(1);
}
vite.printUrls();
stopOnSignals(async () => {
  await vite.close();
  await worker?.service.stop();
  await local?.stop();
});
