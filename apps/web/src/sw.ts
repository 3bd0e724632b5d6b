/// <reference lib="webworker" />
import { cleanupOutdatedCaches, getCacheKeyForURL, precacheAndRoute } from 'workbox-precaching';

/**
 * Harmony's service worker: the app shell offline (precached by vite-plugin-pwa; the app routes
 * in the URL hash, so every navigation is to index.html), the lazy chunks cached as first used,
 * Web Push from apps/server, and opening the message when a notification is clicked.
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

/** Built files outside the precached shell (lazy chunks, their styles), kept as first fetched. */
const ASSETS_CACHE = 'harmony-assets';

/** A same-origin built file the precache does not answer. */
function isLazyAsset(url: URL): boolean {
  return (
    url.origin === self.location.origin && url.pathname.startsWith('/assets/') && !getCacheKeyForURL(url.href)
  );
}

/** Chrome's ServiceWorker static routing (not in TypeScript's lib yet): the part used here. */
interface RouterRule {
  condition: { not: { urlPattern: string } };
  source: 'network';
}
type RoutingInstallEvent = ExtendableEvent & { addRoutes?: (rules: RouterRule[]) => Promise<void> };

/**
 * Requests to other origins (the Supabase API, avatars, link previews) go straight to the network
 * without a fetch event, since this worker answers only this origin's files: a worker stopped while
 * idle is not started for the next API call (17–31 ms instead of 5–13 ms for such a fetch in a
 * minimal page). Where static routing is missing or refused, the fetch handler below lets those
 * requests pass as before.
 */
function bypassOtherOrigins(event: RoutingInstallEvent): void {
  const rules: RouterRule[] = [
    { condition: { not: { urlPattern: `${self.location.origin}/*` } }, source: 'network' },
  ];
  if (event.addRoutes) event.waitUntil(event.addRoutes(rules).catch(() => undefined));
}

// A new version takes over at once: the shell and the push handling stay in step with the page.
// Its chunks have new names: the old ones are dropped (the page sends the ones it uses again).
self.addEventListener('install', (event) => {
  bypassOtherOrigins(event);
  void self.skipWaiting();
});
self.addEventListener('activate', (event) =>
  event.waitUntil(Promise.all([self.clients.claim(), caches.delete(ASSETS_CACHE)])),
);

/** Cache first: a built file's name changes with its content, so a cached one is never stale. */
async function cachedAsset(request: Request): Promise<Response> {
  const cache = await caches.open(ASSETS_CACHE);
  // Module scripts are requested with an Origin header, the handed-over copies without one.
  const hit = await cache.match(request, { ignoreVary: true });
  if (hit) return hit;
  const response = await fetch(request);
  if (response.ok) void cache.put(request, response.clone());
  return response;
}

self.addEventListener('fetch', (event) => {
  if (event.request.method === 'GET' && isLazyAsset(new URL(event.request.url)))
    event.respondWith(cachedAsset(event.request));
});

// The page lists the chunks it loaded before this worker controlled it, so they work offline too.
self.addEventListener('message', (event) => {
  const message = event.data as { type?: string; urls?: unknown } | null;
  if (message?.type !== 'harmony:cache-assets' || !Array.isArray(message.urls)) return;
  const urls = message.urls.filter((u): u is string => typeof u === 'string' && isLazyAsset(new URL(u)));
  event.waitUntil(
    caches
      .open(ASSETS_CACHE)
      .then((cache) =>
        Promise.all(
          urls.map(
            async (url) =>
              (await cache.match(url, { ignoreVary: true })) ?? cache.add(url).catch(() => undefined),
          ),
        ),
      ),
  );
});

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
