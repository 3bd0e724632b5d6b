import { useStore } from 'zustand';
import { createStore } from 'zustand/vanilla';

/** Where a card or menu opens: the element it belongs to, or the pointer. */
export interface Anchor {
  x: number;
  y: number;
}

export interface MemberCardState {
  serverId: string;
  profileId: string;
  anchor: Anchor;
  /** 'menu' opens the actions alone (right-click, long-press, the "…" button). */
  view: 'card' | 'menu';
  /** Where focus goes back when the card closes (the name or picture that opened it). */
  opener?: HTMLElement;
}

/** A report the action resolves (from the reports queue), and the reason the dialog starts with. */
export interface ResolvingReport {
  id: number;
  reason: string;
}

export type ModerationDialog =
  | { kind: 'timeout' | 'kick' | 'ban'; serverId: string; profileId: string; report?: ResolvingReport }
  | { kind: 'nickname' | 'reportMember'; serverId: string; profileId: string }
  | { kind: 'reportMessage'; serverId: string; profileId: string; messageId: string };

interface ModerationUiState {
  card: MemberCardState | null;
  dialog: ModerationDialog | null;
  openCard(card: MemberCardState): void;
  closeCard(): void;
  openDialog(dialog: ModerationDialog): void;
  closeDialog(): void;
}

/** Which member card, menu or moderation dialog is open (one at a time). */
export const moderationUi = createStore<ModerationUiState>()((set) => ({
  card: null,
  dialog: null,
  openCard: (card) => set({ card }),
  closeCard: () => set({ card: null }),
  openDialog: (dialog) => set({ dialog, card: null }),
  closeDialog: () => set({ dialog: null }),
}));

export const useModerationUi = <T>(selector: (state: ModerationUiState) => T): T =>
  useStore(moderationUi, selector);
