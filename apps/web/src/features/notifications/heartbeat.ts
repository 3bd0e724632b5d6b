import type { HarmonyClient } from '../../lib/supabase.js';

/** apps/server counts a device as in use for 90 s after a heartbeat: one a minute keeps it so. */
const HEARTBEAT_MS = 60_000;

/**
 * Tells the database this user is here while a tab is visible: on start, every minute while
 * visible, and when the tab comes back or gets focus. It keeps the stored presence from
 * expiring, and with this device's push endpoint, keeps pushes off a device in use.
 * Returns the function that stops it.
 */
export function startHeartbeat(client: HarmonyClient, pushEndpoint: () => string | null): () => void {
  let last = 0;
  const beat = () => {
    if (document.visibilityState !== 'visible') return;
    // Focus and visibility often fire together: one call is enough.
    if (Date.now() - last < 5_000) return;
    last = Date.now();
    const endpoint = pushEndpoint();
    void client.rpc('touch_presence', endpoint ? { p_push_endpoint: endpoint } : {}).then(({ error }) => {
      // A failed beat is retried by the next one; let a later attempt go out at once.
      if (error) last = 0;
    });
  };
  beat();
  const timer = setInterval(beat, HEARTBEAT_MS);
  document.addEventListener('visibilitychange', beat);
  window.addEventListener('focus', beat);
  return () => {
    clearInterval(timer);
    document.removeEventListener('visibilitychange', beat);
    window.removeEventListener('focus', beat);
  };
}
