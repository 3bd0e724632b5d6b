import { create } from 'zustand';
import { loadShowPreviews, saveShowPreviews } from './embeds-api.js';

interface LinkPreviewPrefs {
  /** user_settings.show_link_previews of the signed-in user; null until read (nothing shows). */
  show: boolean | null;
  loadedFor: string | null;
  load(profileId: string): Promise<void>;
  setShow(profileId: string, show: boolean): Promise<void>;
}

/** Whether the signed-in user sees link previews (User settings → Link previews). */
export const useLinkPreviewPrefs = create<LinkPreviewPrefs>()((set, get) => ({
  show: null,
  loadedFor: null,
  async load(profileId) {
    if (get().loadedFor === profileId) return;
    set({ loadedFor: profileId, show: null });
    const show = await loadShowPreviews(profileId).catch(() => true);
    if (get().loadedFor === profileId) set({ show });
  },
  async setShow(profileId, show) {
    // Shown at once; put back if the database refuses.
    const before = get().show;
    set({ show, loadedFor: profileId });
    try {
      await saveShowPreviews(profileId, show);
    } catch (error) {
      set({ show: before });
      throw error;
    }
  },
}));
