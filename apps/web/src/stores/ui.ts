import { createStore } from 'zustand/vanilla';
import type { ConnectionState, PresenceInfo } from '../lib/realtime.js';

export type Modal =
  | { kind: 'createServer' }
  | { kind: 'joinServer'; code?: string }
  | { kind: 'invite'; serverId: string }
  | { kind: 'createChannel'; serverId: string; categoryId?: string }
  | { kind: 'userSettings' }
  | { kind: 'serverSettings'; serverId: string }
  | { kind: 'search'; serverId: string | null; channelId: string | null }
  | { kind: 'pins'; channelId: string }
  | { kind: 'createGroupDm' }
  | null;

export interface Toast {
  id: number;
  text: string;
  tone: 'error' | 'info';
}

export interface UiState {
  /** null = the direct-messages home. */
  activeServerId: string | null;
  activeChannelId: string | null;
  modal: Modal;
  connection: ConnectionState;
  online: boolean;
  toasts: Toast[];
  /** channelId → profileId → { name, until } */
  typing: Record<string, Record<string, { name: string; until: number }>>;
  /** serverId → presence of online members */
  presence: Record<string, Record<string, PresenceInfo>>;
  memberListOpen: boolean;
  /** Narrow screens show one pane at a time: the channel list opens over the channel. */
  channelListOpen: boolean;
  navigate(serverId: string | null, channelId: string | null): void;
  openModal(modal: Modal): void;
  toast(text: string, tone?: Toast['tone']): void;
  dismissToast(id: number): void;
  setConnection(state: ConnectionState): void;
  setOnline(online: boolean): void;
  setTyping(channelId: string, profileId: string, name: string): void;
  setPresence(serverId: string, online: Record<string, PresenceInfo>): void;
  toggleMemberList(): void;
  setChannelListOpen(open: boolean): void;
}

const TYPING_MS = 6000;
let nextToast = 1;

export function createUiStore() {
  return createStore<UiState>()((set) => ({
    activeServerId: null,
    activeChannelId: null,
    modal: null,
    connection: 'idle',
    online: typeof navigator === 'undefined' ? true : navigator.onLine,
    toasts: [],
    typing: {},
    presence: {},
    memberListOpen: true,
    channelListOpen: false,
    navigate: (activeServerId, activeChannelId) =>
      set({ activeServerId, activeChannelId, channelListOpen: false }),
    openModal: (modal) => set({ modal }),
    toast: (text, tone = 'error') => {
      const id = nextToast++;
      set((s) => ({ toasts: [...s.toasts, { id, text, tone }] }));
      setTimeout(() => set((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) })), 6000);
    },
    dismissToast: (id) => set((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) })),
    setConnection: (connection) => set({ connection }),
    setOnline: (online) => set({ online }),
    setTyping: (channelId, profileId, name) =>
      set((s) => ({
        typing: {
          ...s.typing,
          [channelId]: { ...s.typing[channelId], [profileId]: { name, until: Date.now() + TYPING_MS } },
        },
      })),
    setPresence: (serverId, online) => set((s) => ({ presence: { ...s.presence, [serverId]: online } })),
    toggleMemberList: () => set((s) => ({ memberListOpen: !s.memberListOpen })),
    setChannelListOpen: (channelListOpen) => set({ channelListOpen }),
  }));
}
