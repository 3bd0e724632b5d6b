import { useUi } from '../../app/stores.js';
import type { PresenceInfo } from '../../lib/realtime.js';

export type LiveStatus = 'online' | 'idle' | 'dnd' | 'offline';

/**
 * A person's live status, from the presence they share on the servers' realtime topics (what
 * the member list shows) and, for friends, on their own presence topic. Anyone else: offline.
 */
export function liveStatus(
  presence: Record<string, Record<string, PresenceInfo>>,
  profileId: string,
): LiveStatus {
  for (const online of Object.values(presence)) {
    const status = online[profileId]?.status;
    if (status && status !== 'invisible') return status;
  }
  return 'offline';
}

export function useLiveStatus(profileId: string): LiveStatus {
  return useUi((s) => liveStatus(s.presence, profileId));
}

export const STATUS_TEXT: Record<LiveStatus, string> = {
  online: 'Online',
  idle: 'Idle',
  dnd: 'Do not disturb',
  offline: 'Offline',
};
