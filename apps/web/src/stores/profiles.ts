import { createStore } from 'zustand/vanilla';
import type { HarmonyClient } from '../lib/supabase.js';
import type { Profile, ProfileChange } from '../lib/types.js';

export interface ProfilesState {
  byId: Record<string, Profile>;
  /** Fetches the given profiles unless already known; batched per call. */
  ensure(ids: string[]): Promise<void>;
  put(profiles: Profile[]): void;
  /** A known profile changed (profile_update); an unknown one is fetched when first shown. */
  changed(change: ProfileChange): void;
  /** Reads every known profile again (after a connection drop, changes may have been missed). */
  refresh(): Promise<void>;
}

/** Ids per request: keeps the `in.(…)` filter's URL short. */
const REFRESH_BATCH = 100;

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
    async refresh() {
      const ids = Object.keys(get().byId);
      for (let i = 0; i < ids.length; i += REFRESH_BATCH) {
        const { data } = await client
          .from('profiles')
          .select('*')
          .in('id', ids.slice(i, i + REFRESH_BATCH));
        get().put(data ?? []);
      }
    },
    changed(change) {
      const known = get().byId[change.id];
      if (known) get().put([{ ...known, ...change }]);
    },
  }));
}
