import { useEffect, useState } from 'react';

/**
 * A module loaded on demand: undefined until `enabled` is first true and the import resolves.
 * Keeps code only some people need (drag and drop for managers) out of everyone's first load.
 */
export function useLazyModule<T>(load: () => Promise<T>, enabled: boolean): T | undefined {
  const [module, setModule] = useState<T>();
  useEffect(() => {
    if (!enabled || module) return;
    let live = true;
    load()
      .then((loaded) => {
        if (live) setModule(() => loaded);
      })
      .catch(() => undefined); // a failed chunk leaves the static list, which still works
    return () => {
      live = false;
    };
  }, [enabled, module, load]);
  return module;
}
