let registered = false;

/**
 * Registers the service worker (built by vite-plugin-pwa from src/sw.ts; in development served
 * by Vite as a module) after the page has loaded, so it never competes with the first screen,
 * and follows the worker's "open this message" requests from notification clicks.
 */
export function registerServiceWorker(): void {
  if (registered || !('serviceWorker' in navigator)) return;
  registered = true;
  navigator.serviceWorker.addEventListener('message', (event: MessageEvent) => {
    const message = event.data as { type?: string; hash?: unknown } | null;
    if (message?.type === 'harmony:open' && typeof message.hash === 'string' && message.hash.startsWith('#/'))
      window.location.hash = message.hash;
  });
  const register = () =>
    void navigator.serviceWorker
      .register(import.meta.env.DEV ? '/dev-sw.js?dev-sw' : '/sw.js', {
        scope: '/',
        type: import.meta.env.DEV ? 'module' : 'classic',
      })
      .then(() => navigator.serviceWorker.ready)
      .then(cacheLoadedAssets)
      .catch((error: unknown) => console.warn('service worker not registered', error));
  if (document.readyState === 'complete') register();
  else window.addEventListener('load', register, { once: true });
}

/**
 * The worker precaches only the shell and caches lazy chunks as they are fetched through it; the
 * ones this page loaded before it took control are handed over, so the app starts offline.
 */
function cacheLoadedAssets(registration: ServiceWorkerRegistration): void {
  const urls = performance
    .getEntriesByType('resource')
    .map((entry) => entry.name)
    .filter((url) => new URL(url).pathname.startsWith('/assets/'));
  if (urls.length > 0) registration.active?.postMessage({ type: 'harmony:cache-assets', urls });
}

/** The service worker's registration, or null when none is (or gets) registered soon. */
export async function serviceWorker(waitMs = 5_000): Promise<ServiceWorkerRegistration | null> {
  if (!('serviceWorker' in navigator)) return null;
  const timeout = new Promise<null>((resolve) => setTimeout(() => resolve(null), waitMs));
  return Promise.race([navigator.serviceWorker.ready, timeout]);
}
