import { useStore } from 'zustand';
import { createStore } from 'zustand/vanilla';

/** How many times each server's report queue changed since the app started (live events). */
export const reportSignal = createStore<{
  changes: Record<string, number>;
  changed(serverId: string): void;
}>()((set) => ({
  changes: {},
  changed: (serverId) =>
    set((s) => ({ changes: { ...s.changes, [serverId]: (s.changes[serverId] ?? 0) + 1 } })),
}));

export const useReportChanges = (serverId: string) => useStore(reportSignal, (s) => s.changes[serverId] ?? 0);
