import { lazy, Suspense, useEffect } from 'react';
import { useServers, useUi } from '../../app/stores.js';
import { useThreads } from './threads-store.js';

// The panel (thread view, list, create form) loads on first use: it stays out of the initial JS.
const ThreadPanel = lazy(() => import('./ThreadPanel.js').then((m) => ({ default: m.ThreadPanel })));

/** Beside the channel (over it on narrow screens) while a thread, the list or the create form is open. */
export function ThreadPanelHost() {
  const open = useThreads((s) => s.panel !== null);
  const serverId = useUi((s) => s.activeServerId);
  const channelId = useUi((s) => s.activeChannelId);
  const unknown = useServers((s) => {
    const detail = serverId ? s.details[serverId] : undefined;
    return Boolean(detail && channelId && !detail.channels.some((c) => c.id === channelId));
  });
  // A link to a thread (a notification, a push, a shared URL) shows its channel with the thread open.
  useEffect(() => {
    if (unknown && serverId && channelId)
      void import('./thread-lookup.js').then((m) => m.openThreadLink(serverId, channelId));
  }, [unknown, serverId, channelId]);
  if (!open) return null;
  return (
    <Suspense fallback={null}>
      <ThreadPanel />
    </Suspense>
  );
}
