import { createFederation, type Federation } from '@fedify/fedify';
import { sql } from 'drizzle-orm';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Logger } from 'pino';
import packageJson from '../../package.json' with { type: 'json' };
import type { FederationConfig } from '../config.js';
import type { Database } from '../db/client.js';
import { registerActors } from './actors.js';
import { createGuardedFetch, type GuardedFetch } from './guarded-fetch.js';
import { registerInbox } from './inbox.js';
import { ActorKeys } from './keys.js';
import { PgKvStore } from './kv.js';
import { documentLoaders } from './loaders.js';
import { registerObjects } from './objects.js';
import { RemoteActors } from './remote.js';
import { registerServerChannels } from './servers.js';

/** Paths the instance's public origin proxies to apps/server for federation. */
export const FEDERATION_PATHS = ['/.well-known/webfinger', '/.well-known/nodeinfo', '/nodeinfo/', '/ap/'];
/** Remote documents (actors, WebFinger answers) larger than this are refused. */
const MAX_DOCUMENT_BYTES = 1024 * 1024;

export interface FederationDeps {
  db: Database;
  config: FederationConfig;
  log: Logger;
}

export interface HarmonyFederation {
  federation: Federation<void>;
  /** The public origin actor ids are made from. */
  origin: string;
  userAgent: string;
  keys: ActorKeys;
  fetch: GuardedFetch;
  remote: RemoteActors;
  /** The federation routes, mounted at the root of apps/server's Hono app. */
  routes: Hono;
}

export async function isFederationPaused(db: Database): Promise<boolean> {
  const result = await db.execute<{ paused: boolean }>(
    sql`select paused from private.federation_settings where singleton`,
  );
  return result.rows[0]?.paused ?? false;
}

export function createHarmonyFederation(deps: FederationDeps): HarmonyFederation {
  const { db, config } = deps;
  const userAgent = `Harmony/${packageJson.version} (+${config.origin})`;
  const fetch = createGuardedFetch({
    allowPrivate: config.allowPrivateAddresses,
    timeoutMs: config.timeoutMs,
    maxResponseBytes: MAX_DOCUMENT_BYTES,
  });
  const keys = new ActorKeys(db);
  const federation = createFederation<void>({
    kv: new PgKvStore(db),
    origin: config.origin,
    ...documentLoaders(fetch, userAgent),
    // Clock skew allowed between a signature's creation and its arrival: older requests
    // (replays among them) are refused.
    signatureTimeWindow: { minutes: 5 },
  });
  registerActors(federation, db, keys);
  registerServerChannels(federation, db);
  registerObjects(federation, db);
  federation.setNodeInfoDispatcher('/nodeinfo/2.1', async () => {
    const users = await db.execute<{ total: number }>(
      sql`select count(*)::int as total from public.profiles
           where domain is null and user_id is not null and not is_bot`,
    );
    return {
      software: { name: 'harmony', version: packageJson.version },
      protocols: ['activitypub'],
      // Harmony's messages are chat, not public posts.
      usage: { users: { total: users.rows[0]?.total ?? 0 }, localPosts: 0, localComments: 0 },
    };
  });
  const remote = new RemoteActors({ ...deps, federation, fetch });
  registerInbox(federation, { db, log: deps.log, remote });

  const routes = new Hono();
  routes.use('*', async (c, next) => {
    const path = new URL(c.req.url).pathname;
    if (!FEDERATION_PATHS.some((prefix) => path.startsWith(prefix))) return next();
    if (await isFederationPaused(db)) {
      return c.json({ error: 'federation is paused on this instance' }, 503);
    }
    return next();
  });
  routes.use(
    '/ap/*',
    bodyLimit({
      maxSize: config.maxInboxBytes,
      onError: (c) => c.json({ error: `activities are limited to ${config.maxInboxBytes} bytes` }, 413),
    }),
  );
  routes.post('/ap/*', async (c, next) => {
    const domain = await blockedSender(db, c.req.raw.clone());
    if (domain) return c.json({ error: `${domain} is blocked on this instance` }, 403);
    return next();
  });
  routes.use('*', async (c, next) => {
    const url = new URL(c.req.url);
    if (!FEDERATION_PATHS.some((prefix) => url.pathname.startsWith(prefix))) return next();
    // Behind the web origin's proxy: Fedify sees the request at the public origin that remote
    // instances sign for (the Host header is part of HTTP signatures).
    const target = new URL(url.pathname + url.search, config.origin);
    const headers = new Headers(c.req.raw.headers);
    headers.set('host', target.host);
    const hasBody = c.req.method !== 'GET' && c.req.method !== 'HEAD';
    const request = new Request(target, {
      method: c.req.method,
      headers,
      body: hasBody ? await c.req.arrayBuffer() : null,
    });
    return federation.fetch(request, { contextData: undefined });
  });
  return { federation, origin: config.origin, userAgent, keys, fetch, remote, routes };
}

/** The blocked instance an inbox post comes from (by its actor or its signing key), if any. */
async function blockedSender(db: Database, request: Request): Promise<string | null> {
  const hosts = new Set<string>();
  const body = (await request.json().catch(() => null)) as { actor?: unknown } | null;
  const actor =
    typeof body?.actor === 'string' ? body.actor : (body?.actor as { id?: unknown } | undefined)?.id;
  if (typeof actor === 'string' && URL.canParse(actor)) hosts.add(new URL(actor).host);
  const keyId = /keyid="([^"]+)"/i.exec(
    `${request.headers.get('signature') ?? ''} ${request.headers.get('signature-input') ?? ''}`,
  )?.[1];
  if (keyId && URL.canParse(keyId)) hosts.add(new URL(keyId).host);
  if (hosts.size === 0) return null;
  const result = await db.execute<{ domain: string }>(
    sql`select domain from public.federated_instances
         where status = 'blocked' and domain in (${sql.join(
           [...hosts].map((host) => sql`${host}`),
           sql`, `,
         )})`,
  );
  return result.rows[0]?.domain ?? null;
}
