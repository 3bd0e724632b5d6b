import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { defineJob } from './job.js';

/**
 * An @everyone/@here message: creates the mention notifications of the members who have a push
 * subscription (everyone else's stay lazy, made by their own client), each of which enqueues its
 * send-push. Idempotent: a notification exists once per member and message.
 */
export const pushEveryoneMention = defineJob({
  name: 'push-everyone-mention',
  payload: z.object({ messageId: z.string().uuid() }),
  async run({ messageId }, context) {
    const result = await context.db.execute<{ created: number }>(
      sql`select private.create_everyone_push_notifications(${messageId}::uuid) as created`,
    );
    const created = Number(result.rows[0]?.created ?? 0);
    if (created > 0) context.log.debug({ messageId, created }, '@everyone notifications created for push');
  },
});
