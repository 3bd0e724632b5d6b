/**
 * Runs `task(key)` at most once at a time per key. Calls made while it runs share one more run
 * after it, so a burst of change events costs two loads, and the last load always starts after
 * the last event (an older response never overwrites a newer one).
 */
export function coalesced<K>(task: (key: K) => Promise<void>): (key: K) => Promise<void> {
  const running = new Map<K, Promise<void>>();
  const queued = new Map<K, Promise<void>>();
  const start = (key: K) => {
    const run = task(key).finally(() => {
      if (running.get(key) === run) running.delete(key);
    });
    running.set(key, run);
    return run;
  };
  return (key) => {
    const waiting = queued.get(key);
    if (waiting) return waiting;
    const current = running.get(key);
    if (!current) return start(key);
    const next = current
      .catch(() => undefined)
      .then(() => {
        queued.delete(key);
        return start(key);
      });
    queued.set(key, next);
    return next;
  };
}

/** Starts background work whose failure a later event or resync retries: never an unhandled rejection. */
export function inBackground(work: Promise<unknown>): void {
  work.catch(() => undefined);
}
