import { useAuth, useProfiles, useSocial } from '../../app/stores.js';
import { type DmChannel, dmDisplayName, profileName } from '../../stores/social.js';

/** The name a DM or group DM shows to the signed-in user (the other person's name for 1:1 DMs). */
export function useDmName(dm: Pick<DmChannel, 'type' | 'name' | 'recipientIds'> | undefined): string {
  const me = useAuth((s) => s.profile?.id ?? null);
  // The whole map: it changes only when profiles are loaded, which is rare.
  const byId = useProfiles((s) => s.byId);
  return dm ? dmDisplayName(dm, me, (id) => profileName(byId[id])) : '';
}

/** The DM with this id, if the user is in it. */
export function useDm(channelId: string | null): DmChannel | undefined {
  return useSocial((s) => (channelId ? s.dms.find((d) => d.id === channelId) : undefined));
}
