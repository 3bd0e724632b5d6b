import { connectionUrl, loadConfig, runningPort } from '@harmony/db';
import { configureLiveKit, liveKitFromEnv } from './livekit.js';

/** `pnpm livekit:configure`: copies LIVEKIT_* from the environment into the database. */
const settings = liveKitFromEnv();
if (!settings) {
  console.error('error: set LIVEKIT_URL, LIVEKIT_API_KEY and LIVEKIT_API_SECRET');
  process.exit(1);
}
const config = loadConfig();
const port = runningPort(config.dataDir);
const databaseUrl = config.databaseUrl ?? (port ? connectionUrl(port) : undefined);
if (!databaseUrl) {
  console.error('error: set DATABASE_URL, or start the local database first (pnpm dev / pnpm db:start)');
  process.exit(1);
}
await configureLiveKit(databaseUrl, settings);
console.log(`LiveKit configured: ${settings.url} (key ${settings.apiKey})`);
