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
