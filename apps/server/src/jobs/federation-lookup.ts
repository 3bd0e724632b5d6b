import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { RemoteLookupError } from '../federation/remote.js';
import { defineJob } from './job.js';

/** Resolves an `@name@host` search (request_remote_lookup) and records the profile or why not. */
export const federationLookupJob = defineJob({
  name: 'federation-lookup',
  payload: z.object({ lookup_id: z.string().uuid() }),
  async run({ lookup_id }, context) {
    const result = await context.db.execute<{ handle: string | null }>(
      sql`select private.remote_lookup_handle(${lookup_id}::uuid) as handle`,
    );
    const handle = result.rows[0]?.handle;
    if (!handle) return;
    let profileId: string | null = null;
    let error: string | null = null;
    if (!context.federation) {
      error = 'federation is off on this instance';
    } else {
      try {
        profileId = (await context.federation.remote.lookup(handle)).profileId;
      } catch (failure) {
        if (!(failure instanceof RemoteLookupError)) throw failure;
        error = failure.message;
      }
    }
    await context.db.execute(
      sql`select private.finish_remote_lookup(${lookup_id}::uuid, ${profileId}::uuid, ${error})`,
    );
  },
});
