import { lazy, Suspense } from 'react';
import { useThreads } from './threads-store.js';

// The panel (thread view, list, create form) loads on first use: it stays out of the initial JS.
const ThreadPanel = lazy(() => import('./ThreadPanel.js').then((m) => ({ default: m.ThreadPanel })));

/** Beside the channel (over it on narrow screens) while a thread, the list or the create form is open. */
export function ThreadPanelHost() {
  const open = useThreads((s) => s.panel !== null);
  if (!open) return null;
  return (
    <Suspense fallback={null}>
      <ThreadPanel />
    </Suspense>
  );
}
