import type { Federation, InboxContext } from '@fedify/fedify';
import { Accept, type Activity, Follow, Reject, Undo } from '@fedify/vocab';
import { sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Database } from '../db/client.js';
import { FOLLOWS_PATH, INBOX_PATH, SHARED_INBOX_PATH } from './actors.js';
import { queueDelivery } from './delivery.js';
import type { CachedActor, RemoteActors } from './remote.js';

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
    .on(Accept, (ctx, accept) => answerToFollow(ctx, deps, accept, true))
    .on(Reject, (ctx, reject) => answerToFollow(ctx, deps, reject, false))
    .on(Undo, async (ctx, undo) => {
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
