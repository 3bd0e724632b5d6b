/// <reference lib="webworker" />
import { cleanupOutdatedCaches, precacheAndRoute } from 'workbox-precaching';

/**
 * Harmony's service worker: the app shell offline (precached by vite-plugin-pwa; the app routes
 * in the URL hash, so every navigation is to index.html), Web Push from apps/server, and
 * opening the message when a notification is clicked.
 */
declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: Parameters<typeof precacheAndRoute>[0] };

/** apps/server's send-push payload (apps/server/src/jobs/send-push.ts PushPayload). */
interface PushPayload {
  notificationId: string;
  title: string;
  body: string;
  url: string;
  tag: string;
  icon: string | null;
  timestamp: number;
}

/** What the page and this worker put in a notification's data: where a click goes. */
interface NotificationData {
  url: string;
  notificationId?: string;
}

cleanupOutdatedCaches();
precacheAndRoute(self.__WB_MANIFEST);

// A new version takes over at once: the shell and the push handling stay in step with the page.
self.addEventListener('install', () => void self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

function readPayload(event: PushEvent): PushPayload | null {
  try {
    return (event.data?.json() as PushPayload | undefined) ?? null;
  } catch {
    return null;
  }
}

self.addEventListener('push', (event) => {
  const payload = readPayload(event);
  // userVisibleOnly: every push must show something, even one we cannot read.
  const title = payload?.title || 'Harmony';
  const data: NotificationData = { url: payload?.url ?? '/', notificationId: payload?.notificationId };
  event.waitUntil(
    self.registration.showNotification(title, {
      body: payload?.body ?? 'You have a new notification',
      tag: payload?.tag,
      icon: payload?.icon ?? '/pwa-192.png',
      badge: '/pwa-192.png',
      timestamp: payload?.timestamp,
      data,
    } as NotificationOptions),
  );
});

/** Focuses a Harmony tab and shows the message there, or opens one. */
async function openMessage(data: NotificationData | undefined): Promise<void> {
  const target = new URL(data?.url ?? '/', self.location.origin);
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  const tab = windows.find((w) => new URL(w.url).origin === target.origin);
  if (!tab) {
    await self.clients.openWindow(target.href);
    return;
  }
  // The page moves to the route itself (a hash change, no reload): see features/notifications.
  tab.postMessage({ type: 'harmony:open', hash: target.hash });
  await tab.focus();
}

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  event.waitUntil(openMessage(event.notification.data as NotificationData | undefined));
});
