import type { TaskList } from 'graphile-worker';
import { federationDeliverJob } from './federation-deliver.js';
import { federationFollowJob, federationUnfollowJob } from './federation-follow.js';
import { federationLookupJob } from './federation-lookup.js';
import { federationNoteJob } from './federation-note.js';
import {
  federationGroupRemoveJob,
  federationRelayJob,
  federationServerJoinJob,
  federationServerLeaveJob,
  federationServerNoteJob,
} from './federation-servers.js';
import { fetchPreviewJob, pruneLinkPreviews } from './fetch-preview.js';
import type { JobContext, JobDefinition } from './job.js';
import { liveKitModerateJob } from './livekit-moderate.js';
import { pushEveryoneMention } from './push-everyone-mention.js';
import {
  cleanRealtimeMessages,
  expireInvites,
  expirePresence,
  expireTimeouts,
  prunePushDeliveries,
} from './scheduled.js';
import { sendPushJob } from './send-push.js';

export const JOBS: JobDefinition[] = [
  sendPushJob,
  pushEveryoneMention,
  liveKitModerateJob,
  expireTimeouts,
  expireInvites,
  expirePresence,
  cleanRealtimeMessages,
  prunePushDeliveries,
  fetchPreviewJob,
  pruneLinkPreviews,
  federationDeliverJob,
  federationFollowJob,
  federationUnfollowJob,
  federationLookupJob,
  federationNoteJob,
  federationServerJoinJob,
  federationServerNoteJob,
  federationServerLeaveJob,
  federationRelayJob,
  federationGroupRemoveJob,
];

/**
 * graphile-worker's crontab: one job per slot across all replicas (it records what ran in
 * known_crontabs), `?max=5` attempts for each.
 */
export const CRONTAB = `
* * * * * expire-timeouts ?max=5
*/5 * * * * expire-presence ?max=5
7 * * * * expire-invites ?max=5
17 */4 * * * clean-realtime-messages ?max=5
23 3 * * * prune-push-deliveries ?max=5
37 3 * * * prune-link-previews ?max=5
`;

/** graphile-worker tasks: the payload is checked (a malformed one fails the job with the reason). */
export function taskList(context: JobContext, jobs: JobDefinition[] = JOBS): TaskList {
  return Object.fromEntries(
    jobs.map((job) => [
      job.name,
      async (raw: unknown, helpers: Parameters<JobDefinition['run']>[2]) => {
        const payload = job.payload.parse(raw);
        await job.run(
          payload,
          { ...context, log: context.log.child({ job: job.name, jobId: helpers.job.id }) },
          helpers,
        );
      },
    ]),
  );
}
