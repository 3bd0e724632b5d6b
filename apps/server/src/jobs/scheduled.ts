import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { defineJob, type JobContext } from './job.js';

/** What graphile-worker's crontab puts in a scheduled job's payload. */
export const CronPayload = z
  .object({ _cron: z.object({ ts: z.string(), backfilled: z.boolean().optional() }) })
  .partial();

/** The `count` column of a maintenance function's one row. */
export async function countOf(context: JobContext, query: ReturnType<typeof sql>): Promise<number> {
  const result = await context.db.execute<{ count: number }>(query);
  return Number(result.rows[0]?.count ?? 0);
}

/** Clears timeouts whose end has passed (members and their clients see them lifted). */
export const expireTimeouts = defineJob({
  name: 'expire-timeouts',
  payload: CronPayload,
  async run(_payload, context) {
    const count = await countOf(context, sql`select private.expire_timeouts() as count`);
    if (count > 0) context.log.info({ count }, 'timeouts expired');
  },
});

/** Deletes invites expired, used up or revoked more than a day ago. */
export const expireInvites = defineJob({
  name: 'expire-invites',
  payload: CronPayload,
  async run(_payload, context) {
    const count = await countOf(context, sql`select private.expire_invites() as count`);
    if (count > 0) context.log.info({ count }, 'old invites deleted');
  },
});

/** Shows as offline the profiles whose clients stopped sending heartbeats. */
export const expirePresence = defineJob({
  name: 'expire-presence',
  payload: CronPayload,
  async run(_payload, context) {
    const stale = `${context.config.presenceStaleMinutes} minutes`;
    const count = await countOf(context, sql`select private.expire_presence(${stale}::interval) as count`);
    if (count > 0) context.log.info({ count }, 'stale presence set offline');
  },
});

/** Trims realtime.messages older than 72 hours where the platform has no janitor for it. */
export const cleanRealtimeMessages = defineJob({
  name: 'clean-realtime-messages',
  payload: CronPayload,
  async run(_payload, context) {
    let total = 0;
    for (let batch = await deleteBatch(context); batch > 0; batch = await deleteBatch(context))
      total += batch;
    if (total > 0) context.log.info({ count: total }, 'old realtime messages deleted');
  },
});

const deleteBatch = (context: JobContext) =>
  countOf(context, sql`select private.clean_realtime_messages() as count`);

/** Forgets which devices week-old notifications reached. */
export const prunePushDeliveries = defineJob({
  name: 'prune-push-deliveries',
  payload: CronPayload,
  async run(_payload, context) {
    const count = await countOf(context, sql`select private.prune_push_deliveries() as count`);
    if (count > 0) context.log.info({ count }, 'old push deliveries pruned');
  },
});
