import type { Federation, InboxContext } from '@fedify/fedify';
import {
  Accept,
  type Activity,
  Announce,
  Create,
  Delete,
  Follow,
  Note,
  PUBLIC_COLLECTION,
  Reject,
  Undo,
  Update,
} from '@fedify/vocab';
import { sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Database } from '../db/client.js';
import { FOLLOWS_PATH, INBOX_PATH, SHARED_INBOX_PATH } from './actors.js';
import { noteHtmlToText } from './content.js';
import { queueDelivery } from './delivery.js';
import type { CachedActor, RemoteActors } from './remote.js';
import { groupAnnounce, groupAnswer, groupCreate, groupFollow, groupUndo, groupUpdate } from './servers.js';

export interface InboxDeps {
  db: Database;
  log: Logger;
  remote: RemoteActors;
}

/**
 * Inbound activities. Fedify has verified the HTTP signature and that the signing key belongs
 * to activity.actor before a listener runs; listeners check that the objects belong to that
 * actor too, and write through private.receive_* functions, where a replay changes nothing.
 */
export function registerInbox(federation: Federation<void>, deps: InboxDeps): void {
  federation
    .setInboxListeners(INBOX_PATH, SHARED_INBOX_PATH)
    .on(Follow, async (ctx, follow) => {
      if (await groupFollow(ctx, deps, follow)) return;
      const followee = localUserOf(ctx, follow.objectId);
      const sender = await senderOf(deps, follow);
      if (!followee || !sender || !follow.id) return;
      const result = await deps.db.execute<{ state: string }>(
        sql`select (private.receive_follow(${follow.id.href}, ${sender.profileId}::uuid, ${followee}::uuid)).state`,
      );
      const accepted = result.rows[0]?.state === 'accepted';
      const actorUri = ctx.getActorUri(followee);
      const Answer = accepted ? Accept : Reject;
      const answer = new Answer({
        id: new URL(`#${accepted ? 'accept' : 'reject'}/${crypto.randomUUID()}`, actorUri),
        actor: actorUri,
        object: new Follow({ id: follow.id, actor: follow.actorId, object: follow.objectId }),
        to: follow.actorId,
      });
      await queueDelivery(deps.db, followee, answer, [sender]);
    })
    .on(Accept, async (ctx, accept) => {
      if (!(await groupAnswer(ctx, deps, accept, true))) await answerToFollow(ctx, deps, accept, true);
    })
    .on(Reject, async (ctx, reject) => {
      if (!(await groupAnswer(ctx, deps, reject, false))) await answerToFollow(ctx, deps, reject, false);
    })
    .on(Undo, async (ctx, undo) => {
      if (await groupUndo(ctx, deps, undo)) return;
      const sender = await senderOf(deps, undo);
      const object = await undo.getObject({ crossOrigin: 'ignore' }).catch(() => null);
      if (!sender || !(object instanceof Follow)) return;
      // Only the follower undoes a follow.
      if (object.actorId?.href !== sender.actorUri) return;
      const followee = localUserOf(ctx, object.objectId);
      if (!followee) return;
      await deps.db.execute(
        sql`select private.receive_unfollow(${sender.profileId}::uuid, ${followee}::uuid)`,
      );
    })
    .on(Create, async (ctx, create) => {
      if (await groupCreate(ctx, deps, create)) return;
      const dm = await privateNoteOf(ctx, deps, create);
      if (!dm) return;
      for (const recipient of dm.recipients) {
        await deps.db.execute(
          sql`select private.receive_remote_note(${dm.note.id?.href}, ${dm.sender.profileId}::uuid,
                ${recipient}::uuid, ${dm.text})`,
        );
      }
    })
    .on(Update, async (ctx, update) => {
      if (await groupUpdate(ctx, deps, update)) return;
      const dm = await privateNoteOf(ctx, deps, update);
      if (!dm) return;
      await deps.db.execute(
        sql`select private.receive_remote_note_update(${dm.note.id?.href}, ${dm.sender.profileId}::uuid, ${dm.text})`,
      );
    })
    .on(Delete, async (_ctx, del) => {
      const sender = await senderOf(deps, del);
      const objectId = del.objectId;
      // Only what the sender's own instance holds can be deleted by them (the database also
      // checks the author).
      if (!sender || !objectId || objectId.origin !== new URL(sender.actorUri).origin) return;
      await deps.db.execute(
        sql`select private.receive_remote_note_delete(${objectId.href}, ${sender.profileId}::uuid)`,
      );
    })
    .on(Announce, (ctx, announce) => groupAnnounce(ctx, deps, announce))
    .onError((_ctx, error) => deps.log.warn({ err: error }, 'inbound activity failed'));
}

/** The local user an activity's object names (an actor URI of this instance), if any. */
export function localUserOf(ctx: InboxContext<void>, uri: URL | null): string | null {
  const parsed = ctx.parseUri(uri);
  return parsed?.type === 'actor' ? parsed.identifier : null;
}

/** The (verified) sender, cached as a remote profile; null for actors of blocked instances. */
export async function senderOf(deps: InboxDeps, activity: Activity): Promise<CachedActor | null> {
  if (!activity.actorId) return null;
  const cached = await deps.remote.cached(activity.actorId.href);
  if (cached) return cached;
  try {
    return await deps.remote.get(activity.actorId.href);
  } catch (error) {
    deps.log.info({ err: error, actor: activity.actorId.href }, 'inbound activity from an actor not taken');
    return null;
  }
}

async function answerToFollow(
  ctx: InboxContext<void>,
  deps: InboxDeps,
  answer: Accept | Reject,
  accepted: boolean,
) {
  const sender = await senderOf(deps, answer);
  // The answer names our Follow by its id (embedded or not); the database takes it only from
  // that Follow's followee.
  const followId = answer.objectId;
  if (!sender || !followId?.href.startsWith(new URL(FOLLOWS_PATH, ctx.origin).href)) return;
  await deps.db.execute(
    sql`select private.receive_follow_answer(${followId.href}, ${sender.profileId}::uuid, ${accepted})`,
  );
}

/**
 * A Create/Update of a private Note written by the sender, and the local users it is for.
 * Public Notes are not DMs; a Note attributed to someone else, or living on another
 * instance than its author, is refused.
 */
async function privateNoteOf(ctx: InboxContext<void>, deps: InboxDeps, activity: Create | Update) {
  const sender = await senderOf(deps, activity);
  const note = await activity.getObject({ crossOrigin: 'ignore' }).catch(() => null);
  if (!sender || !(note instanceof Note) || !note.id) return null;
  if (note.attributionId?.href !== sender.actorUri || note.id.origin !== new URL(sender.actorUri).origin)
    return null;
  const audience = [...note.toIds, ...note.ccIds];
  if (audience.some((uri) => uri.href === PUBLIC_COLLECTION.href)) return null;
  const recipients = [
    ...new Set(audience.map((uri) => localUserOf(ctx, uri)).filter((id): id is string => !!id)),
  ];
  if (recipients.length === 0) return null;
  return { sender, note, recipients, text: noteHtmlToText(note.content?.toString() ?? '') };
}
