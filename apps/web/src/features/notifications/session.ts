import type { Notification } from '../../lib/types.js';
import { type AttentionDeps, startAttention } from './attention.js';
import { devicePush } from './device-push.js';
import { startHeartbeat } from './heartbeat.js';
import { registerServiceWorker } from './service-worker.js';

export interface NotificationsSession {
  /** A notification that just arrived live. */
  notify(notification: Notification): void;
  stop(): void;
}

/**
 * What runs while someone is signed in: the presence heartbeat (with this device's push
 * endpoint), the tab title and icon badge, the chime and desktop notifications, and this
 * browser's push subscription state.
 */
export function startNotifications(deps: AttentionDeps): NotificationsSession {
  registerServiceWorker();
  const stopHeartbeat = startHeartbeat(deps.client, () => devicePush.getState().endpoint);
  const attention = startAttention(deps);
  void devicePush
    .getState()
    .refresh()
    .catch(() => undefined);
  return {
    notify: (notification) => attention.notify(notification),
    stop() {
      stopHeartbeat();
      attention.stop();
    },
  };
}
