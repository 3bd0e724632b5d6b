import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { LOCAL_PASSWORD, repoRoot } from '@harmony/db';
import pg from 'pg';
import webpush from 'web-push';
import { loadServerConfig, type VapidKeys } from './config.js';
import { type RunningService, startService } from './service.js';

/**
 * VAPID keys for local development, made once and kept in .data/ (browsers' subscriptions are
 * bound to the public key, so it must not change between runs). VAPID_* in the environment win.
 */
export function localVapidKeys(env: NodeJS.ProcessEnv = process.env): VapidKeys {
  const subject = env.VAPID_SUBJECT ?? 'mailto:dev@localhost';
  if (env.VAPID_PUBLIC_KEY && env.VAPID_PRIVATE_KEY) {
    return { publicKey: env.VAPID_PUBLIC_KEY, privateKey: env.VAPID_PRIVATE_KEY, subject };
  }
  const file = join(repoRoot(), '.data', 'vapid-keys.json');
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(webpush.generateVAPIDKeys()), { mode: 0o600 });
  }
  const keys = JSON.parse(readFileSync(file, 'utf8')) as { publicKey: string; privateKey: string };
  return { ...keys, subject };
}

/**
 * apps/server next to the local stack (`pnpm dev`): gives harmony_server the local password
 * through the stack's superuser connection, then starts the service as that role.
 */
export async function startLocalServer(adminDatabaseUrl: string, env: NodeJS.ProcessEnv = process.env) {
  const admin = new pg.Client({ connectionString: adminDatabaseUrl });
  await admin.connect();
  try {
    await admin.query(`alter role harmony_server with login password '${LOCAL_PASSWORD}'`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminDatabaseUrl);
  url.username = 'harmony_server';
  url.password = LOCAL_PASSWORD;
  const vapid = localVapidKeys(env);
  const config = loadServerConfig({
    LOG_LEVEL: 'warn',
    ...env,
    HARMONY_SERVER_DATABASE_URL: url.toString(),
    VAPID_PUBLIC_KEY: vapid.publicKey,
    VAPID_PRIVATE_KEY: vapid.privateKey,
    VAPID_SUBJECT: vapid.subject,
  });
  const service: RunningService = await startService({ config });
  return { service, vapidPublicKey: vapid.publicKey };
}
