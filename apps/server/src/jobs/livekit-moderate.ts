import { createHmac } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { defineJob, type JobContext } from './job.js';

const payload = z.object({
  room: z.string().uuid(),
  identity: z.string().uuid(),
  action: z.enum(['mute', 'unmute', 'deafen', 'undeafen', 'disconnect', 'move']),
  destination: z.string().uuid().nullable(),
});

type LiveKitAdmin = {
  api_key: string;
  api_secret: string;
  server_url: string;
};

/** LiveKit's protobuf names for the track sources the database grants. */
const SOURCE = {
  microphone: 'MICROPHONE',
  camera: 'CAMERA',
  screen_share: 'SCREEN_SHARE',
  screen_share_audio: 'SCREEN_SHARE_AUDIO',
} as const;

const base64url = (data: string | Buffer) => Buffer.from(data).toString('base64url');

/** A short-lived access token with roomAdmin in the rooms it acts on (LiveKit's server API auth). */
export function adminToken(admin: LiveKitAdmin, grant: { room: string; destinationRoom?: string }): string {
  const now = Math.floor(Date.now() / 1000);
  const claims = { iss: admin.api_key, nbf: now, exp: now + 60, video: { ...grant, roomAdmin: true } };
  const input = `${base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${base64url(JSON.stringify(claims))}`;
  return `${input}.${createHmac('sha256', admin.api_secret).update(input).digest('base64url')}`;
}

/** Calls a RoomService method over Twirp (JSON); a participant no longer in the room is a no-op. */
async function roomService(
  admin: LiveKitAdmin,
  method: string,
  body: Record<string, unknown>,
  grant: { room: string; destinationRoom?: string },
): Promise<'done' | 'not in room'> {
  const base = admin.server_url.replace(/^ws/, 'http').replace(/\/$/, '');
  const response = await fetch(`${base}/twirp/livekit.RoomService/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken(admin, grant)}` },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  if (response.ok) return 'done';
  const error = (await response.json().catch(() => ({}))) as { code?: string; msg?: string };
  if (response.status === 404 && error.code === 'not_found') return 'not in room';
  // Thrown: graphile-worker retries with backoff (LiveKit down, restarting).
  throw new Error(`LiveKit ${method}: ${response.status} ${error.code ?? ''} ${error.msg ?? ''}`.trim());
}

async function participantPermission(context: JobContext, room: string, identity: string) {
  const result = await context.db.execute<{ permission: { canPublishSources: (keyof typeof SOURCE)[] } }>(
    sql`select private.livekit_participant_permission(${room}::uuid, ${identity}::uuid) as permission`,
  );
  const permission = result.rows[0]?.permission;
  if (!permission) throw new Error('no permission computed');
  return { ...permission, canPublishSources: permission.canPublishSources.map((s) => SOURCE[s]) };
}

/**
 * Applies a voice moderation (moderate_voice) in the LiveKit room now: mute/deafen and their
 * undoing set the participant's permission to what a new token would grant (LiveKit unpublishes
 * a track whose source is no longer allowed, and stops subscriptions without canSubscribe);
 * disconnect removes the participant; move sends them to the destination room.
 */
export const liveKitModerateJob = defineJob({
  name: 'livekit-moderate',
  payload,
  async run({ room, identity, action, destination }, context) {
    const result = await context.db.execute<LiveKitAdmin>(sql`select * from private.livekit_admin_config()`);
    const admin = result.rows[0];
    if (!admin) return context.log.info({ action }, 'voice is not configured: nothing to apply');
    let outcome: 'done' | 'not in room';
    if (action === 'disconnect')
      outcome = await roomService(admin, 'RemoveParticipant', { room, identity }, { room });
    else if (action === 'move') {
      if (!destination) throw new Error('move without a destination');
      outcome = await roomService(
        admin,
        'MoveParticipant',
        { room, identity, destinationRoom: destination },
        { room, destinationRoom: destination },
      );
    } else {
      const permission = await participantPermission(context, room, identity);
      outcome = await roomService(admin, 'UpdateParticipant', { room, identity, permission }, { room });
    }
    context.log.info({ action, room, outcome }, 'voice moderation applied');
  },
});
