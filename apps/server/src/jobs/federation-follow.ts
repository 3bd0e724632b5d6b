import { Follow, Undo } from '@fedify/vocab';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { FOLLOWS_PATH } from '../federation/actors.js';
import { queueDelivery } from '../federation/delivery.js';
import type { HarmonyFederation } from '../federation/index.js';
import type { JobContext } from './job.js';
import { defineJob } from './job.js';

function federationOf(context: JobContext): HarmonyFederation {
  if (!context.federation) throw new Error('federation is off (FEDERATION_ORIGIN is not set)');
  return context.federation;
}

async function remoteActorUri(context: JobContext, profileId: string): Promise<string | undefined> {
  const result = await context.db.execute<{ actor_uri: string }>(
    sql`select actor_uri from private.ap_actor_cache where profile_id = ${profileId}::uuid`,
  );
  return result.rows[0]?.actor_uri;
}

/** A local user followed a remote one (follow_remote): send the Follow. */
export const federationFollowJob = defineJob({
  name: 'federation-follow',
  payload: z.object({ follow_id: z.string().uuid() }),
  async run({ follow_id }, context) {
    const federation = federationOf(context);
    const id = new URL(`${FOLLOWS_PATH}${follow_id}`, federation.origin);
    const result = await context.db.execute<{ follower_id: string; followee_id: string; state: string }>(
      sql`select follower_id, followee_id, state from private.set_follow_activity(${follow_id}::uuid, ${id.href})`,
    );
    const follow = result.rows[0];
    // Unfollowed before the job ran, or already answered.
    if (!follow?.follower_id || follow.state !== 'pending') return;
    const followeeUri = await remoteActorUri(context, follow.followee_id);
    if (!followeeUri) return;
    const followee = await federation.remote.get(followeeUri);
    const actor = federation.federation
      .createContext(new URL(federation.origin))
      .getActorUri(follow.follower_id);
    await queueDelivery(
      context.db,
      follow.follower_id,
      new Follow({ id, actor, object: new URL(followeeUri), to: new URL(followeeUri) }),
      [followee],
    );
  },
});

/** A local user unfollowed a remote one (unfollow_remote): send Undo(Follow). */
export const federationUnfollowJob = defineJob({
  name: 'federation-unfollow',
  payload: z.object({
    follower_id: z.string().uuid(),
    followee_id: z.string().uuid(),
    activity_uri: z.string().url(),
  }),
  async run(payload, context) {
    const federation = federationOf(context);
    const followeeUri = await remoteActorUri(context, payload.followee_id);
    if (!followeeUri) return;
    const followee = await federation.remote.get(followeeUri);
    const actor = federation.federation
      .createContext(new URL(federation.origin))
      .getActorUri(payload.follower_id);
    const object = new URL(followeeUri);
    await queueDelivery(
      context.db,
      payload.follower_id,
      new Undo({
        id: new URL(`#undo/${crypto.randomUUID()}`, payload.activity_uri),
        actor,
        object: new Follow({ id: new URL(payload.activity_uri), actor, object }),
        to: object,
      }),
      [followee],
    );
  },
});
