import { createStore } from 'zustand/vanilla';
import type { HarmonyClient } from '../lib/supabase.js';
import type { Profile } from '../lib/types.js';

export interface ProfilesState {
  byId: Record<string, Profile>;
  /** Fetches the given profiles unless already known; batched per call. */
  ensure(ids: string[]): Promise<void>;
  put(profiles: Profile[]): void;
}

export function createProfilesStore(client: HarmonyClient) {
  const inFlight = new Set<string>();
  return createStore<ProfilesState>()((set, get) => ({
    byId: {},
    async ensure(ids) {
      const missing = [...new Set(ids)].filter((id) => id && !get().byId[id] && !inFlight.has(id));
      if (missing.length === 0) return;
      for (const id of missing) inFlight.add(id);
      try {
        const { data } = await client.from('profiles').select('*').in('id', missing);
        get().put(data ?? []);
      } finally {
        for (const id of missing) inFlight.delete(id);
      }
    },
    put(profiles) {
      if (profiles.length === 0) return;
      set((s) => ({ byId: { ...s.byId, ...Object.fromEntries(profiles.map((p) => [p.id, p])) } }));
    },
  }));
}
