import type { Federation } from '@fedify/fedify';
import { Endpoints, Group, Image, Person } from '@fedify/vocab';
import { sql } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import type { ActorKeys } from './keys.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const ACTOR_PATH = '/ap/actors/{identifier}';
export const INBOX_PATH = '/ap/actors/{identifier}/inbox';
export const SHARED_INBOX_PATH = '/ap/inbox';
/** Our Follow activities' ids: FOLLOWS_PATH + the remote_follows row id. */
export const FOLLOWS_PATH = '/ap/follows/';
/** Our Notes' ids (DMs): NOTES_PATH + the message id. */
export const NOTES_PATH = '/ap/notes/';

type LocalActor = {
  kind: 'user' | 'server';
  id: string;
  username: string;
  name: string | null;
  summary: string;
  icon: string | null;
};

/**
 * This instance's actors: each local user is a Person (identifier = profile id, so renaming
 * keeps the actor), each server marked federated a Group (identifier = server id). Remote
 * profiles and bots are not actors here.
 */
export async function findLocalActor(db: Database, identifier: string): Promise<LocalActor | null> {
  if (!UUID.test(identifier)) return null;
  const result = await db.execute<LocalActor>(sql`
    select 'user' as kind, p.id, p.username, p.display_name as name, p.bio as summary, p.avatar_url as icon
      from public.profiles p
     where p.id = ${identifier}::uuid and p.domain is null and p.user_id is not null and not p.is_bot
    union all
    select 'server', s.id, s.id::text, s.name, coalesce(s.description, ''), s.icon_url
      from public.servers s join private.server_federation f on f.server_id = s.id and f.federated
     where s.id = ${identifier}::uuid`);
  return result.rows[0] ?? null;
}

/** Maps a WebFinger handle (a local username, or a federated server's id) to its actor identifier. */
async function handleToIdentifier(db: Database, handle: string): Promise<string | null> {
  if (UUID.test(handle)) return (await findLocalActor(db, handle))?.id ?? null;
  const result = await db.execute<{ id: string }>(sql`
    select p.id from public.profiles p
     where p.username = ${handle.toLowerCase()} and p.domain is null and p.user_id is not null and not p.is_bot`);
  return result.rows[0]?.id ?? null;
}

export function registerActors(federation: Federation<void>, db: Database, keys: ActorKeys): void {
  federation
    .setActorDispatcher(ACTOR_PATH, async (ctx, identifier) => {
      const actor = await findLocalActor(db, identifier);
      if (!actor) return null;
      const pairs = await ctx.getActorKeyPairs(identifier);
      const common = {
        id: ctx.getActorUri(identifier),
        preferredUsername: actor.username,
        name: actor.name ?? actor.username,
        summary: actor.summary || null,
        icon: URL.canParse(actor.icon ?? '') ? new Image({ url: new URL(actor.icon as string) }) : null,
        inbox: ctx.getInboxUri(identifier),
        endpoints: new Endpoints({ sharedInbox: ctx.getInboxUri() }),
        publicKey: pairs[0]?.cryptographicKey ?? null,
        assertionMethods: pairs.map((pair) => pair.multikey),
      };
      return actor.kind === 'user' ? new Person(common) : new Group(common);
    })
    .setKeyPairsDispatcher(async (_ctx, identifier) =>
      (await findLocalActor(db, identifier)) ? [await keys.get(identifier)] : [],
    )
    .mapHandle((_ctx, handle) => handleToIdentifier(db, handle));
}
