import { useStore } from 'zustand';
import { createStore } from 'zustand/vanilla';
import type { Message } from '../../lib/types.js';

interface DraftState {
  replyTo: Record<string, Message | undefined>;
  setReply(channelId: string, message: Message | undefined): void;
}

const drafts = createStore<DraftState>()((set) => ({
  replyTo: {},
  setReply: (channelId, message) => set((s) => ({ replyTo: { ...s.replyTo, [channelId]: message } })),
}));

/** The message a channel's composer is replying to, shared by message actions and the composer. */
export function useComposerDraft(channelId: string) {
  const replyTo = useStore(drafts, (s) => s.replyTo[channelId]);
  const setReply = useStore(drafts, (s) => s.setReply);
  return {
    replyTo,
    setReply: (message: Message | undefined) => setReply(channelId, message),
  };
}
