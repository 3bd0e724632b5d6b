import { useEffect, useState } from 'react';

/** Modules already loaded, by loader: a component mounting later has them from its first render. */
const loaded = new WeakMap<() => Promise<unknown>, unknown>();

/**
 * A module loaded on demand: undefined until `enabled` is first true and the import resolves.
 * Keeps code only some people need (drag and drop for managers) out of everyone's first load.
 */
export function useLazyModule<T>(load: () => Promise<T>, enabled: boolean): T | undefined {
  const [module, setModule] = useState<T | undefined>(() => loaded.get(load) as T | undefined);
  useEffect(() => {
    if (!enabled || module) return;
    let live = true;
    load()
      .then((result) => {
        loaded.set(load, result);
        if (live) setModule(() => result);
      })
      .catch(() => undefined); // a failed chunk leaves the static list, which still works
    return () => {
      live = false;
    };
  }, [enabled, module, load]);
  return module;
}

/**
 * Starts loading a module before a component asks for it (alongside the boot requests), so the
 * components that use it render with it from their first render instead of twice.
 */
export function preloadModule(load: () => Promise<unknown>): void {
  if (loaded.has(load)) return;
  load()
    .then((result) => loaded.set(load, result))
    .catch(() => undefined); // the component's own load tries again
}
