import type { RealtimeChannel } from '@supabase/supabase-js';
import type { PresenceInfo } from '../../lib/realtime.js';

/** Calls `online` with who is on the server's topic, and what they share, after every presence sync. */
export function onPresenceSync(
  channel: RealtimeChannel,
  online: (present: Record<string, PresenceInfo>) => void,
): void {
  channel.on('presence', { event: 'sync' }, () => {
    const present: Record<string, PresenceInfo> = {};
    for (const [profileId, metas] of Object.entries(
      channel.presenceState<Omit<PresenceInfo, 'profileId'>>(),
    )) {
      const meta = metas.at(-1);
      if (meta)
        present[profileId] = {
          profileId,
          status: meta.status,
          voiceChannelId: meta.voiceChannelId ?? null,
          voiceFlags: meta.voiceFlags ?? null,
        };
    }
    online(present);
  });
}

/**
 * presence:<id>: a person's live status for their friends, also those who share no server with
 * them. Only its owner tracks there; the database lets only friends join (migration
 * 20261206192000_friend_presence.sql).
 */
export const friendPresenceTopic = (profileId: string): string => `presence:${profileId}`;

/**
 * At most this many friends' topics are joined (Realtime allows 100 topics per socket, which the
 * servers and channels on screen share); friends beyond it show their status where a server is shared.
 */
export const MAX_FRIEND_PRESENCE_TOPICS = 50;
