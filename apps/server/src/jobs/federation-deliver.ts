import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { DELIVER_TASK, postSigned } from '../federation/delivery.js';
import { isFederationPaused } from '../federation/index.js';
import { defineJob } from './job.js';

/** Answers that will not change on a retry: the activity is dropped (and logged). */
const FINAL_REFUSALS = new Set([400, 401, 403, 404, 405, 410, 413, 422]);

/**
 * Sends one signed activity to one inbox. Paused federation and network or server errors throw
 * (graphile-worker retries with backoff; out of attempts the job is the dead letter); a blocked
 * instance or a final refusal ends the job.
 */
export const federationDeliverJob = defineJob({
  name: DELIVER_TASK,
  payload: z.object({
    senderId: z.string().uuid(),
    inbox: z.string().url(),
    activityId: z.string().url(),
    activity: z.record(z.string(), z.unknown()),
  }),
  async run(payload, context) {
    const federation = context.federation;
    if (!federation) throw new Error('federation is off (FEDERATION_ORIGIN is not set)');
    if (await isFederationPaused(context.db)) throw new Error('federation is paused; retried later');
    const domain = new URL(payload.inbox).host;
    const blocked = await context.db.execute(
      sql`select 1 from public.federated_instances where domain = ${domain} and status = 'blocked'`,
    );
    if (blocked.rows.length > 0) {
      context.log.info({ domain, activityId: payload.activityId }, 'not delivered: the instance is blocked');
      return;
    }
    const [pair] = await federation.federation
      .createContext(new URL(federation.origin))
      .getActorKeyPairs(payload.senderId);
    if (!pair) throw new Error(`no key pair for local actor ${payload.senderId}`);
    const { privateKey } = await federation.keys.get(payload.senderId);
    const response = await postSigned(
      federation.fetch,
      payload,
      { privateKey, keyId: pair.keyId },
      federation.userAgent,
    );
    if (response.ok) return;
    if (FINAL_REFUSALS.has(response.status)) {
      context.log.warn(
        { domain, status: response.status, activityId: payload.activityId },
        'delivery refused by the receiving instance; not retried',
      );
      return;
    }
    throw new Error(`${domain} answered HTTP ${response.status}`);
  },
});
