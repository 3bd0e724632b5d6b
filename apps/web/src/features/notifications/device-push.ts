import { createStore } from 'zustand/vanilla';
import { client } from '../../app/stores.js';
import type { HarmonyClient } from '../../lib/supabase.js';
import type { Row } from '../../lib/types.js';
import { deviceName } from './device-name.js';
import { serviceWorker } from './service-worker.js';

export type PushDevice = Pick<
  Row<'push_subscriptions'>,
  'id' | 'endpoint' | 'device_name' | 'created_at' | 'last_active_at'
>;

/**
 * Where this browser stands with Web Push: `unsupported` (no service worker or PushManager),
 * `unconfigured` (this deployment has no VAPID key), `off` (not subscribed), `on` (subscribed
 * and saved), `unavailable` (the browser could not get a subscription from its push service).
 */
export type PushState = 'unsupported' | 'unconfigured' | 'off' | 'on' | 'unavailable';

export interface DevicePushState {
  permission: NotificationPermission | 'unsupported';
  push: PushState;
  /** This browser's push endpoint, once subscribed (the heartbeat marks it in use). */
  endpoint: string | null;
  /** The user's devices that receive pushes. */
  devices: PushDevice[];
  /** Reads the permission and this browser's subscription, and loads the devices. */
  refresh(): Promise<void>;
  /** From a click: asks for the permission, then subscribes this browser and saves it. */
  enable(): Promise<void>;
  removeDevice(id: string): Promise<void>;
}

export const PUSH_UNAVAILABLE = 'Push notifications are not available in this browser.';

/** Chromium without its push service hangs instead of failing: give up after this long. */
const SUBSCRIBE_TIMEOUT_MS = 15_000;

const vapidKey = (): string | undefined => import.meta.env.VITE_VAPID_PUBLIC_KEY || undefined;

function pushSupported(): boolean {
  return 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;
}

function base64UrlBytes(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text.replaceAll('-', '+').replaceAll('_', '/'));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

function sameKey(subscription: PushSubscription, key: string): boolean {
  const current = subscription.options.applicationServerKey;
  if (!current) return false;
  const expected = base64UrlBytes(key);
  const bytes = new Uint8Array(current);
  return bytes.length === expected.length && bytes.every((b, i) => b === expected[i]);
}

async function subscribe(registration: ServiceWorkerRegistration, key: string): Promise<PushSubscription> {
  const existing = await registration.pushManager.getSubscription();
  if (existing && sameKey(existing, key)) return existing;
  // Subscribed under another deployment's key: that subscription cannot receive our pushes.
  await existing?.unsubscribe();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('push subscription timed out')), SUBSCRIBE_TIMEOUT_MS);
  });
  try {
    return await Promise.race([
      registration.pushManager.subscribe({
        userVisibleOnly: true,
        applicationServerKey: base64UrlBytes(key),
      }),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export function createDevicePushStore(client: HarmonyClient) {
  return createStore<DevicePushState>()((set, get) => {
    const loadDevices = async () => {
      const { data, error } = await client
        .from('push_subscriptions')
        .select('id, endpoint, device_name, created_at, last_active_at')
        .order('created_at');
      if (error) throw error;
      set({ devices: data ?? [] });
    };

    const save = async (subscription: PushSubscription) => {
      const { p256dh, auth } = subscription.toJSON().keys ?? {};
      const { error } = await client.rpc('register_push_subscription', {
        p_endpoint: subscription.endpoint,
        p_p256dh: p256dh ?? '',
        p_auth: auth ?? '',
        p_device_name: deviceName(navigator.userAgent),
      });
      if (error) throw error;
      set({ endpoint: subscription.endpoint, push: 'on' });
    };

    return {
      permission: 'Notification' in globalThis ? Notification.permission : 'unsupported',
      push: 'off',
      endpoint: null,
      devices: [],

      async refresh() {
        const permission = 'Notification' in window ? Notification.permission : 'unsupported';
        set({ permission });
        const key = vapidKey();
        if (!pushSupported()) set({ push: 'unsupported' });
        else if (!key) set({ push: 'unconfigured' });
        else {
          const registration = await serviceWorker();
          const existing = await registration?.pushManager.getSubscription();
          // A subscription the browser kept (this user's, or another's before): saved again for this user.
          if (existing && permission === 'granted' && sameKey(existing, key)) await save(existing);
          else if (get().push === 'on') set({ push: 'off', endpoint: null });
        }
        await loadDevices();
      },

      async enable() {
        if (!('Notification' in window)) return set({ permission: 'unsupported' });
        const permission = await Notification.requestPermission();
        set({ permission });
        if (permission !== 'granted') return;
        const key = vapidKey();
        if (!pushSupported()) return set({ push: 'unsupported' });
        if (!key) return set({ push: 'unconfigured' });
        const registration = await serviceWorker();
        if (!registration) return set({ push: 'unavailable' });
        let subscription: PushSubscription;
        try {
          subscription = await subscribe(registration, key);
        } catch {
          // No push service (or none reachable): desktop notifications still work while a tab is open.
          return set({ push: 'unavailable' });
        }
        await save(subscription);
        await loadDevices();
      },

      async removeDevice(id) {
        const device = get().devices.find((d) => d.id === id);
        const { error } = await client.from('push_subscriptions').delete().eq('id', id);
        if (error) throw error;
        if (device && device.endpoint === get().endpoint) {
          const registration = await serviceWorker(1_000);
          await (await registration?.pushManager.getSubscription())?.unsubscribe();
          set({ push: 'off', endpoint: null });
        }
        set((s) => ({ devices: s.devices.filter((d) => d.id !== id) }));
      },
    };
  });
}

/** This browser's push state (loaded with the signed-in session, not with the first screen). */
export const devicePush = createDevicePushStore(client);
