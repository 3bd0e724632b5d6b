import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@harmony/db';
import { startLocalServer } from '@harmony/server';
import { type LocalStack, startLocalStack } from '@harmony/stack';
import { build, preview } from 'vite';

/**
 * What the end-to-end tests run against: the same pieces as `pnpm dev` (embedded PostgreSQL,
 * the stack, apps/server; the web client built for production) on a throwaway data directory,
 * plus a control endpoint the tests use to restart the stack (reconnect scenarios). Ports come
 * from the environment so Playwright knows them.
 */
const webPort = Number(process.env.E2E_WEB_PORT ?? 5199);
// Another loopback address (127.0.0.2) gives a second instance its own host (federation.spec.ts).
const webHost = process.env.E2E_WEB_HOST ?? '127.0.0.1';
const stackPort = Number(process.env.E2E_STACK_PORT ?? 54399);
const controlPort = Number(process.env.E2E_CONTROL_PORT ?? 5198);
const CONTROL_BASE = `http://127.0.0.1:${controlPort}`;
// Auth reads its settings from process.env: sign-ups need confirming by mail (as the issue's
// flows do), password changes by an old session need the mailed code, and one machine may
// send and verify as many mails as the whole suite needs.
Object.assign(process.env, {
  ENABLE_EMAIL_AUTOCONFIRM: 'false',
  GOTRUE_SECURITY_UPDATE_PASSWORD_REQUIRE_REAUTHENTICATION: 'true',
  HARMONY_AUTH_RATE_LIMIT_EMAIL_SENT: '100000',
  HARMONY_AUTH_RATE_LIMIT_TOKEN_VERIFICATIONS: '100000',
  HARMONY_AUTH_RATE_LIMIT_SIGN_IN_SIGN_UPS: '100000',
  GOTRUE_SMTP_MAX_FREQUENCY: '0s',
});
const dataDir = mkdtempSync(join(tmpdir(), 'harmony-e2e-'));
// PostgreSQL runs as the OS user postgres when we are root: it must be able to enter the directory.
chmodSync(dataDir, 0o755);
const env: NodeJS.ProcessEnv = {
  ...process.env,
  DATABASE_URL: '',
  HARMONY_PG_DATA: join(dataDir, 'postgres'),
  HARMONY_PG_PORT: String(await freePort()),
  HARMONY_STACK_PORT: String(stackPort),
  HARMONY_STORAGE_DIR: join(dataDir, 'storage'),
  // The inbox on free ports (the developer's own stack may hold 54324/54325), kept across restarts.
  HARMONY_INBOX_DIR: join(dataDir, 'inbox'),
  HARMONY_INBOX_PORT: String(await freePort()),
  HARMONY_INBOX_SMTP_PORT: String(await freePort()),
  JWT_SECRET: 'e2e-only-jwt-secret-with-at-least-32-characters',
  SITE_URL: `http://${webHost}:${webPort}`,
  LOG_LEVEL: 'warn',
  // Nothing listens on this port: voice must fail cleanly with "unreachable".
  LIVEKIT_URL: process.env.LIVEKIT_URL ?? 'ws://127.0.0.1:7881',
  LIVEKIT_API_KEY: process.env.LIVEKIT_API_KEY ?? 'e2e-key',
  LIVEKIT_API_SECRET: process.env.LIVEKIT_API_SECRET ?? 'e2e-secret-e2e-secret-e2e-secret',
  // The local site link-previews.spec.ts serves pages from: the only non-public address
  // apps/server's outbound guard lets link previews reach.
  OUTBOUND_ALLOWED_HOSTS: `127.0.0.1:${process.env.E2E_PREVIEW_SITE_PORT ?? 5197}`,
};

let local: LocalStack = await startLocalStack(env);
// apps/server on a free port (jobs, and its HTTP routes): restarted with the stack.
env.HARMONY_SERVER_PORT = String(await freePort());
// It signs bots in through the stack's auth admin API (POST /api/bots/token).
const startWorker = () =>
  startLocalServer(local.databaseUrl, {
    ...env,
    SUPABASE_URL: local.stack.url,
    SUPABASE_SERVICE_ROLE_KEY: local.stack.keys.serviceRole,
  });
let worker = await startWorker();
process.env.VITE_SUPABASE_URL = local.stack.url;
process.env.VITE_SUPABASE_ANON_KEY = local.stack.keys.anon;
// As `pnpm dev`: the web app subscribes to pushes with the development VAPID key.
process.env.VITE_VAPID_PUBLIC_KEY ??= worker.vapidPublicKey;
// /api on the web origin reaches this apps/server (vite.config.ts's proxy).
process.env.HARMONY_SERVER_URL = worker.service.url;
// The production build, served as `vite preview` serves it (with vite.config.ts's /api proxy):
// what people use, and a page load is a few bundled files instead of Vite's hundreds of modules.
const webRoot = join(import.meta.dirname, '..');
const webOut = join(dataDir, 'web');
await build({
  root: webRoot,
  logLevel: 'warn',
  build: { outDir: webOut, emptyOutDir: true, sourcemap: false },
});
// voice-media.spec.ts loads a page-side harness of its own next to the app (LiveKit's real tracks).
await build({
  configFile: false,
  root: webRoot,
  logLevel: 'warn',
  build: {
    outDir: join(webOut, 'e2e'),
    emptyOutDir: false,
    sourcemap: false,
    lib: {
      entry: join(webRoot, 'e2e/fixtures/livekit-media.ts'),
      formats: ['es'],
      fileName: 'livekit-media',
    },
  },
});
const vite = await preview({
  root: webRoot,
  build: { outDir: webOut },
  preview: { port: webPort, strictPort: true, host: webHost },
  logLevel: 'warn',
});

// POST /restart: stop the API (and PostgreSQL), then start them again on the same ports.
const control = createHttpServer(async (req, res) => {
  if (req.method === 'POST' && req.url === '/restart') {
    await worker.service.stop();
    await local.stop();
    local = await startLocalStack(env);
    worker = await startWorker();
    res.end('restarted');
  } else if (req.url === '/keys') {
    res.setHeader('content-type', 'application/json');
    res.end(
      JSON.stringify({
        url: local.stack.url,
        anonKey: local.stack.keys.anon,
        serviceKey: local.stack.keys.serviceRole,
        inboxUrl: local.inbox?.url,
        serverUrl: worker.service.url,
      }),
    );
  } else if (req.url === '/federation-jobs') {
    // Federation work still queued (delivered, refused for good or given up on: gone), so
    // federation.spec.ts can tell that an instance has tried to deliver.
    const { rows } = await local.stack.ctx.db.admin.query<{ pending: number }>(
      `select count(*)::int as pending from graphile_worker.jobs where task_identifier like 'federation-%'`,
    );
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(rows[0]));
  } else if (req.method === 'POST' && req.url?.startsWith('/age-sessions?email=')) {
    // Sessions signed in more than a day ago, as secure_password_change sees them.
    const email = new URL(req.url, CONTROL_BASE).searchParams.get('email');
    await local.stack.ctx.db.auth.query(
      `update auth.sessions set created_at = created_at - interval '25 hours'
        where user_id = (select id from auth.users where email = $1)`,
      [email],
    );
    res.end('aged');
  } else {
    res.statusCode = 404;
    res.end();
  }
});
control.listen(controlPort, '127.0.0.1');
if (!local.inbox) throw new Error('e2e: the local inbox did not start');
console.log(`e2e ready: web http://${webHost}:${webPort} stack ${local.stack.url}`);

const shutdown = async () => {
  control.close();
  await vite.close();
  await worker.service.stop();
  await local.stop();
  rmSync(dataDir, { recursive: true, force: true });
  process.exit(0);
};
process.on('SIGINT', () => void shutdown());
process.on('SIGTERM', () => void shutdown());
