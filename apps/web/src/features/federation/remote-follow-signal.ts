import { useStore } from 'zustand';
import { createStore } from 'zustand/vanilla';

/** Counts the user's remote follows changing (remote_follow_* on their topic); the panel reloads on it. */
export const remoteFollowSignal = createStore<{ changes: number; changed(): void }>()((set) => ({
  changes: 0,
  changed: () => set((s) => ({ changes: s.changes + 1 })),
}));

export const useRemoteFollowChanges = () => useStore(remoteFollowSignal, (s) => s.changes);
