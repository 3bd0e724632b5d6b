import { lazy, Suspense, useEffect, useMemo } from 'react';
import { isArchived } from './thread-api.js';
import { threadsStore, useThreads } from './threads-store.js';

const SidebarThreadList = lazy(() =>
  import('./SidebarThreadList.js').then((m) => ({ default: m.SidebarThreadList })),
);

/** Under a channel in the sidebar: the active threads of it the user follows, as Discord lists them. */
export function SidebarThreads({ serverId, parentId }: { serverId: string; parentId: string }) {
  const byId = useThreads((s) => s.byId);
  useEffect(() => {
    void threadsStore.getState().loadJoined(serverId);
  }, [serverId]);
  const threads = useMemo(
    () =>
      Object.values(byId)
        .filter((t) => t.parent_id === parentId && t.joined && !isArchived(t))
        .sort((a, b) => a.created_at.localeCompare(b.created_at)),
    [byId, parentId],
  );
  if (threads.length === 0) return null;
  return (
    <Suspense fallback={null}>
      <SidebarThreadList threads={threads} />
    </Suspense>
  );
}
