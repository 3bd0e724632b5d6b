import { createStore } from 'zustand/vanilla';
import type { MemberSettingsModal } from '../features/server-admin/member-dialogs.js';
import type { ConnectionState, PresenceInfo } from '../lib/realtime.js';
import type { Message } from '../lib/types.js';

export type Modal =
  | { kind: 'createServer' }
  | { kind: 'joinServer'; code?: string }
  | { kind: 'addBot'; botId: string; permissions: bigint }
  | { kind: 'invite'; serverId: string }
  /** `type` is what the dialog starts with: the category's kind (Voice Channels offers voice). */
  | { kind: 'createChannel'; serverId: string; categoryId?: string; type: 'text' | 'voice' }
  | { kind: 'channelSettings'; serverId: string; channelId: string }
  /** Without `categoryId`: a new category. */
  | { kind: 'category'; serverId: string; categoryId?: string }
  | { kind: 'userSettings' }
  /** Notification settings, nickname, leaving (features/server-admin/member-dialogs.tsx). */
  | MemberSettingsModal
  | { kind: 'serverSettings'; serverId: string }
  | { kind: 'search'; serverId: string | null; channelId: string | null }
  | { kind: 'pins'; channelId: string }
  | { kind: 'createGroupDm' }
  | { kind: 'deleteMessage'; message: Message }
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
  /** serverId (or presence:<friend id>) → presence of who is online there */
  presence: Record<string, Record<string, PresenceInfo>>;
  memberListOpen: boolean;
  /** On touch screens, the message whose toolbar a tap opened. */
  toolbarMessageId: string | null;
  /** Narrow screens show one pane at a time: the channel list opens over the channel. */
  channelListOpen: boolean;
  navigate(serverId: string | null, channelId: string | null): void;
  openModal(modal: Modal): void;
  toast(text: string, tone?: Toast['tone']): void;
  dismissToast(id: number): void;
  setConnection(state: ConnectionState): void;
  setOnline(online: boolean): void;
  /** Someone is typing in a channel (or stopped: `typing` false, or their message arrived). */
  setTyping(channelId: string, profileId: string, name: string, typing?: boolean): void;
  setPresence(topic: string, online: Record<string, PresenceInfo>): void;
  toggleMemberList(): void;
  showToolbar(messageId: string | null): void;
  setChannelListOpen(open: boolean): void;
}

const TYPING_MS = 6000;
/** The width below which the layout shows one pane at a time (app.css uses the same). */
export const NARROW_PX = 720;
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
    // Narrow screens open the member list over the channel only when asked.
    memberListOpen: typeof window === 'undefined' || window.innerWidth > NARROW_PX,
    toolbarMessageId: null,
    channelListOpen: false,
    navigate: (activeServerId, activeChannelId) =>
      set((s) => ({
        activeServerId,
        activeChannelId,
        channelListOpen: false,
        memberListOpen:
          typeof window !== 'undefined' && window.innerWidth <= NARROW_PX ? false : s.memberListOpen,
      })),
    openModal: (modal) => set({ modal }),
    toast: (text, tone = 'error') => {
      const id = nextToast++;
      set((s) => ({ toasts: [...s.toasts, { id, text, tone }] }));
      setTimeout(() => set((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) })), 6000);
    },
    dismissToast: (id) => set((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) })),
    setConnection: (connection) => set({ connection }),
    setOnline: (online) => set({ online }),
    setTyping: (channelId, profileId, name, typing = true) =>
      set((s) => {
        const { [profileId]: _previous, ...others } = s.typing[channelId] ?? {};
        const now = typing ? { [profileId]: { name, until: Date.now() + TYPING_MS } } : {};
        return { typing: { ...s.typing, [channelId]: { ...others, ...now } } };
      }),
    setPresence: (serverId, online) => set((s) => ({ presence: { ...s.presence, [serverId]: online } })),
    toggleMemberList: () => set((s) => ({ memberListOpen: !s.memberListOpen })),
    showToolbar: (toolbarMessageId) => set({ toolbarMessageId }),
    setChannelListOpen: (channelListOpen) => set({ channelListOpen }),
  }));
}
