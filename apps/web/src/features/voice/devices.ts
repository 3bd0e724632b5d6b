import { useEffect, useState } from 'react';

export type DeviceKind = 'audioinput' | 'audiooutput' | 'videoinput';

const STORAGE_KEY = 'harmony.voice.devices';

/** The devices a person picked, remembered across sessions (ids are stable per origin). */
export function preferredDevice(kind: DeviceKind): string {
  try {
    return (JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '{}') as Record<string, string>)[kind] ?? '';
  } catch {
    return '';
  }
}

export function rememberDevice(kind: DeviceKind, deviceId: string): void {
  try {
    const all = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '{}') as Record<string, string>;
    localStorage.setItem(STORAGE_KEY, JSON.stringify({ ...all, [kind]: deviceId }));
  } catch {
    // Storage full or disabled: the choice lasts for this session only.
  }
}

/**
 * The device to use now: the remembered one while it is plugged in, otherwise the system
 * default (''), so unplugging a headset falls back and plugging it in again returns to it.
 */
export function usableDevice(kind: DeviceKind, devices: MediaDeviceInfo[]): string {
  const wanted = preferredDevice(kind);
  return devices.some((d) => d.kind === kind && d.deviceId === wanted) ? wanted : '';
}

/** Calls `changed` with every media device now and after each plug/unplug (devicechange). */
export function watchDevices(changed: (devices: MediaDeviceInfo[]) => void): () => void {
  const media = typeof navigator === 'undefined' ? undefined : navigator.mediaDevices;
  if (!media) return () => undefined;
  let live = true;
  const refresh = () =>
    void media
      .enumerateDevices()
      .then((all) => live && changed(all))
      .catch(() => undefined);
  refresh();
  media.addEventListener('devicechange', refresh);
  return () => {
    live = false;
    media.removeEventListener('devicechange', refresh);
  };
}

/** The devices of one kind, kept current across plugging and unplugging. */
export function useDevices(kind: DeviceKind): MediaDeviceInfo[] {
  const [devices, setDevices] = useState<MediaDeviceInfo[]>([]);
  useEffect(() => watchDevices((all) => setDevices(all.filter((d) => d.kind === kind))), [kind]);
  return devices;
}
