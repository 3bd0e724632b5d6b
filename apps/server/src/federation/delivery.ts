import { signRequest } from '@fedify/fedify';
import type { Activity } from '@fedify/vocab';
import { sql } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import type { CachedActor } from './remote.js';

export const DELIVER_TASK = 'federation-deliver';
/** Attempts before a delivery is dead-lettered (graphile-worker's backoff: about 2 hours in all). */
export const DELIVERY_ATTEMPTS = 8;

export interface DeliveryPayload {
  /** The local actor (profile or server id) whose key signs the request. */
  senderId: string;
  inbox: string;
  activityId: string;
  activity: Record<string, unknown>;
}

/** The inboxes that reach these actors: one shared inbox per instance where it has one. */
export function inboxesFor(recipients: CachedActor[]): string[] {
  const inboxes = recipients.map((actor) => actor.sharedInboxUrl ?? actor.inboxUrl);
  return [...new Set(inboxes.filter((inbox): inbox is string => Boolean(inbox)))];
}

/**
 * Queues an activity for delivery: one graphile-worker job per inbox (retried with backoff,
 * dead-lettered after DELIVERY_ATTEMPTS). The job key makes queueing the same activity to the
 * same inbox twice one delivery.
 */
export async function queueDelivery(
  db: Database,
  senderId: string,
  activity: Activity,
  recipients: CachedActor[],
): Promise<void> {
  if (!activity.id) throw new Error('an activity needs an id to be delivered');
  const json = (await activity.toJsonLd({ format: 'compact' })) as Record<string, unknown>;
  for (const inbox of inboxesFor(recipients)) {
    const payload: DeliveryPayload = { senderId, inbox, activityId: activity.id.href, activity: json };
    await db.execute(
      sql`select graphile_worker.add_job(${DELIVER_TASK}, ${JSON.stringify(payload)}::json,
            job_key => ${`${activity.id.href} ${inbox}`}, max_attempts => ${DELIVERY_ATTEMPTS})`,
    );
  }
}

/**
 * Signs a POST of the activity with the sender's key: RFC 9421 first, and again with
 * draft-cavage when the inbox does not take that (what most of the fediverse still speaks).
 */
export async function postSigned(
  fetch: (request: Request) => Promise<Response>,
  payload: DeliveryPayload,
  key: { privateKey: Parameters<typeof signRequest>[1]; keyId: URL },
  userAgent: string,
): Promise<Response> {
  const body = new TextEncoder().encode(JSON.stringify(payload.activity));
  const request = () =>
    new Request(payload.inbox, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/activity+json',
        Accept: 'application/activity+json',
        'User-Agent': userAgent,
      },
      body,
    });
  const first = await fetch(
    await signRequest(request(), key.privateKey, key.keyId, { spec: 'rfc9421', body: body.buffer }),
  );
  if (first.status !== 400 && first.status !== 401) return first;
  return fetch(
    await signRequest(request(), key.privateKey, key.keyId, {
      spec: 'draft-cavage-http-signatures-12',
      body: body.buffer,
    }),
  );
}
