import type { Federation } from '@fedify/fedify';
import { type Actor, isActor } from '@fedify/vocab';
import { exportSpki } from '@fedify/vocab-runtime';
import { sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { FederationConfig } from '../config.js';
import type { Database } from '../db/client.js';
import type { GuardedFetch } from './guarded-fetch.js';

/** A remote actor as this instance knows it: its profile here and where to deliver to it. */
export interface CachedActor {
  actorUri: string;
  profileId: string;
  domain: string;
  inboxUrl: string | null;
  sharedInboxUrl: string | null;
  fetchedAt: Date;
}

export class RemoteLookupError extends Error {
  override name = 'RemoteLookupError';
  constructor(
    readonly code: 'invalid_handle' | 'not_found' | 'blocked' | 'unreachable',
    message: string,
  ) {
    super(message);
  }
}

const HANDLE = /^@?([^@\s/]{1,64})@([a-z0-9.-]{1,253}(?::[0-9]{1,5})?)$/i;
/** Cached actors older than this are fetched again when used (names, avatars and keys change). */
const REFRESH_AFTER_MS = 24 * 3600 * 1000;

interface RemoteActorsDeps {
  db: Database;
  config: FederationConfig;
  log: Logger;
  federation: Federation<void>;
  fetch: GuardedFetch;
}

/** Finds remote actors (WebFinger, actor documents: all through the guard) and caches them. */
export class RemoteActors {
  constructor(private readonly deps: RemoteActorsDeps) {}

  /** `@name@host` → the actor, fetched, verified to live on host, and cached as a remote profile. */
  async lookup(handle: string): Promise<CachedActor> {
    const match = HANDLE.exec(handle.trim());
    if (!match) throw new RemoteLookupError('invalid_handle', 'a remote user is written @name@host');
    const [, user, host] = match as unknown as [string, string, string];
    const domain = host.toLowerCase();
    if (domain === new URL(this.deps.config.origin).host) {
      throw new RemoteLookupError('invalid_handle', `${domain} is this instance`);
    }
    const actorUri = await this.webFinger(user, domain);
    if (new URL(actorUri).host !== domain) {
      throw new RemoteLookupError('not_found', `${domain} named an actor on another instance`);
    }
    return this.get(actorUri, { refresh: true });
  }

  /** The cached actor, fetched (again) when missing, stale or `refresh` is asked for. */
  async get(actorUri: string, options: { refresh?: boolean } = {}): Promise<CachedActor> {
    const cached = await this.cached(actorUri);
    if (cached && !options.refresh && Date.now() - cached.fetchedAt.getTime() < REFRESH_AFTER_MS) {
      return cached;
    }
    return this.store(await this.fetchActor(actorUri));
  }

  async cached(actorUri: string): Promise<CachedActor | undefined> {
    const result = await this.deps.db.execute<{
      actor_uri: string;
      profile_id: string;
      domain: string;
      inbox_url: string | null;
      shared_inbox_url: string | null;
      fetched_at: string;
    }>(sql`select c.actor_uri, c.profile_id, p.domain, c.inbox_url, c.shared_inbox_url, c.fetched_at
             from private.ap_actor_cache c join public.profiles p on p.id = c.profile_id
            where c.actor_uri = ${actorUri}`);
    const row = result.rows[0];
    if (!row) return undefined;
    return {
      actorUri: row.actor_uri,
      profileId: row.profile_id,
      domain: row.domain,
      inboxUrl: row.inbox_url,
      sharedInboxUrl: row.shared_inbox_url,
      fetchedAt: new Date(row.fetched_at),
    };
  }

  /** Fetches an actor document; Fedify refuses one whose id is not where it was fetched from. */
  async fetchActor(actorUri: string | URL): Promise<Actor> {
    const context = this.deps.federation.createContext(new URL(this.deps.config.origin));
    let object: unknown;
    try {
      object = await context.lookupObject(actorUri);
    } catch (error) {
      throw new RemoteLookupError('unreachable', `could not fetch ${actorUri}: ${describe(error)}`);
    }
    if (!isActor(object) || !object.id)
      throw new RemoteLookupError('not_found', `${actorUri} is not an actor`);
    return object;
  }

  /** Caches a fetched (or signature-verified) actor as a remote profile. */
  async store(actor: Actor): Promise<CachedActor> {
    const id = actor.id as URL;
    const key = await actor.getPublicKey().catch(() => null);
    const pem = key?.publicKey ? await exportSpki(key.publicKey) : null;
    const icon = await actor.getIcon().catch(() => null);
    const iconUrl = icon?.url instanceof URL ? icon.url.href : null;
    const result = await this.deps.db.execute<{ profile_id: string | null }>(
      sql`select private.cache_remote_actor(
            ${id.href}, ${id.host}, ${String(actor.preferredUsername ?? id.pathname.split('/').pop() ?? 'user')},
            ${actor.name ? String(actor.name) : null}, ${iconUrl},
            ${actor.inboxId?.href ?? null}, ${actor.endpoints?.sharedInbox?.href ?? null},
            ${actor.outboxId?.href ?? null}, ${pem}) as profile_id`,
    );
    if (!result.rows[0]?.profile_id) {
      throw new RemoteLookupError('blocked', `${id.host} is blocked on this instance`);
    }
    const cached = await this.cached(id.href);
    if (!cached) throw new Error(`actor ${id.href} was not cached`);
    return cached;
  }

  private async webFinger(user: string, domain: string): Promise<string> {
    // Local instances in tests/dev serve plain http; everything else is https.
    const scheme = this.deps.config.allowPrivateAddresses ? 'http' : 'https';
    const resource = `acct:${user}@${domain}`;
    let response: Response;
    try {
      response = await this.deps.fetch(
        `${scheme}://${domain}/.well-known/webfinger?resource=${encodeURIComponent(resource)}`,
        { headers: { Accept: 'application/jrd+json, application/json' } },
      );
    } catch (error) {
      throw new RemoteLookupError('unreachable', `could not reach ${domain}: ${describe(error)}`);
    }
    if (response.status === 404) throw new RemoteLookupError('not_found', `${resource} does not exist`);
    if (!response.ok) throw new RemoteLookupError('unreachable', `${domain} answered ${response.status}`);
    const jrd = (await response.json().catch(() => null)) as {
      links?: { rel?: string; type?: string; href?: string }[];
    } | null;
    const self = jrd?.links?.find(
      (link) =>
        link.rel === 'self' &&
        typeof link.href === 'string' &&
        /^application\/(activity\+json|ld\+json)/.test(link.type ?? ''),
    );
    if (!self?.href || !URL.canParse(self.href)) {
      throw new RemoteLookupError('not_found', `${resource} has no ActivityPub actor`);
    }
    return self.href;
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
