import type { Federation, RequestContext } from '@fedify/fedify';
import { Follow, Mention, Note } from '@fedify/vocab';
import { sql } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { FOLLOWS_PATH, NOTES_PATH } from './actors.js';
import { textToNoteHtml } from './content.js';

/** A DM message written here, as the private Note that carries it to its remote recipient. */
export interface DmNote {
  messageId: string;
  authorId: string;
  content: string;
  recipientActorUri: string;
}

/** The Note our Create/Update of a DM message carries, and what GET on its id answers. */
export function dmNote(ctx: { origin: string; getActorUri(id: string): URL }, note: DmNote): Note {
  const recipient = new URL(note.recipientActorUri);
  return new Note({
    id: new URL(`${NOTES_PATH}${note.messageId}`, ctx.origin),
    attribution: ctx.getActorUri(note.authorId),
    to: recipient,
    content: textToNoteHtml(note.content),
    tags: [new Mention({ href: recipient })],
  });
}

/** A local user's DM message to a remote user, unless deleted. */
export async function findDmNote(db: Database, messageId: string): Promise<DmNote | null> {
  if (!UUID.test(messageId)) return null;
  const result = await db.execute<{
    author_id: string;
    content: string;
    recipient_actor_uri: string;
  }>(sql`select d.author_id, d.content, d.recipient_actor_uri
           from private.dm_note_for_delivery(${messageId}::uuid) d
           join public.profiles author on author.id = d.author_id and author.domain is null
          where not d.deleted`);
  const row = result.rows[0];
  if (!row) return null;
  return {
    messageId,
    authorId: row.author_id,
    content: row.content,
    recipientActorUri: row.recipient_actor_uri,
  };
}

interface LocalFollow {
  followerId: string;
  followeeActorUri: string;
}

/** A Follow a local user sent to a remote one (its id is FOLLOWS_PATH + the remote_follows row id). */
async function findLocalFollow(db: Database, origin: string, followId: string): Promise<LocalFollow | null> {
  if (!UUID.test(followId)) return null;
  const uri = new URL(`${FOLLOWS_PATH}${followId}`, origin);
  const result = await db.execute<{ follower_id: string; actor_uri: string }>(
    sql`select f.follower_id, c.actor_uri
          from public.remote_follows f
          join public.profiles follower on follower.id = f.follower_id and follower.domain is null
          join private.ap_actor_cache c on c.profile_id = f.followee_id
         where f.id = ${followId}::uuid and f.activity_uri = ${uri.href}`,
  );
  const row = result.rows[0];
  return row ? { followerId: row.follower_id, followeeActorUri: row.actor_uri } : null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Whether the request is signed by the actor the object is addressed to (authorized fetch). */
async function signedBy(ctx: RequestContext<void>, actorUri: string | undefined): Promise<boolean> {
  if (!actorUri) return false;
  const owner = await ctx.getSignedKeyOwner().catch(() => null);
  return owner?.id?.href === actorUri;
}

/**
 * The ids we mint answer a GET: a DM's Note (the Create/Update/Delete ids are fragments of it)
 * and a Follow. Both are private: only a request signed by the remote actor they are
 * addressed to gets them (401 otherwise, 404 for what does not exist or was deleted).
 */
export function registerObjects(federation: Federation<void>, db: Database): void {
  federation
    .setObjectDispatcher(Note, `${NOTES_PATH}{id}`, async (ctx, { id }) => {
      const note = await findDmNote(db, id);
      return note ? dmNote(ctx, note) : null;
    })
    .authorize(async (ctx, { id }) => signedBy(ctx, (await findDmNote(db, id))?.recipientActorUri));
  federation
    .setObjectDispatcher(Follow, `${FOLLOWS_PATH}{id}`, async (ctx, { id }) => {
      const follow = await findLocalFollow(db, ctx.origin, id);
      if (!follow) return null;
      const followee = new URL(follow.followeeActorUri);
      return new Follow({
        id: new URL(`${FOLLOWS_PATH}${id}`, ctx.origin),
        actor: ctx.getActorUri(follow.followerId),
        object: followee,
        to: followee,
      });
    })
    .authorize(async (ctx, { id }) =>
      signedBy(ctx, (await findLocalFollow(db, ctx.origin, id))?.followeeActorUri),
    );
}
