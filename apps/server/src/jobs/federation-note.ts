import { Create, Delete, Tombstone, Update } from '@fedify/vocab';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { queueDelivery } from '../federation/delivery.js';
import { dmNote } from '../federation/objects.js';
import { defineJob } from './job.js';

/**
 * A local message in a DM with a remote user, sent as a private Note: Create when sent, Update
 * when edited, Delete when deleted (queued by the federate_dm_message trigger).
 */
export const federationNoteJob = defineJob({
  name: 'federation-note',
  payload: z.object({
    message_id: z.string().uuid(),
    action: z.enum(['create', 'update', 'delete']),
    at: z.string(),
  }),
  async run({ message_id, action, at }, context) {
    const federation = context.federation;
    if (!federation) throw new Error('federation is off (FEDERATION_ORIGIN is not set)');
    const result = await context.db.execute<{
      author_id: string;
      content: string;
      recipient_actor_uri: string;
    }>(sql`select * from private.dm_note_for_delivery(${message_id}::uuid)`);
    const row = result.rows[0];
    if (!row) return;
    const recipientUri = new URL(row.recipient_actor_uri);
    const recipient = await federation.remote.get(recipientUri.href);
    const ctx = federation.federation.createContext(new URL(federation.origin));
    const actor = ctx.getActorUri(row.author_id);
    const note = dmNote(ctx, {
      messageId: message_id,
      authorId: row.author_id,
      content: row.content,
      recipientActorUri: recipientUri.href,
    });
    const id = note.id as URL;
    const stamp = Date.parse(at);
    const activity =
      action === 'create'
        ? new Create({ id: new URL(`${id.href}#create`), actor, object: note, to: recipientUri })
        : action === 'update'
          ? new Update({ id: new URL(`${id.href}#update/${stamp}`), actor, object: note, to: recipientUri })
          : new Delete({
              id: new URL(`${id.href}#delete`),
              actor,
              object: new Tombstone({ id }),
              to: recipientUri,
            });
    await queueDelivery(context.db, row.author_id, activity, [recipient]);
  },
});
