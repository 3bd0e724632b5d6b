import { createStore } from 'zustand/vanilla';
import { MESSAGE_PAGE, takeEarlyMessages } from '../boot/early-fetch.js';
import { inBackground } from '../lib/coalesce.js';
import { describeError } from '../lib/errors.js';
import { contiguousNewestSeq, mergeMessages } from '../lib/message-list.js';
import type { HarmonyClient } from '../lib/supabase.js';
import type { Attachment, Message, PendingMessage, Reaction } from '../lib/types.js';

const PAGE = MESSAGE_PAGE;

export interface ChannelMessages {
  items: Message[];
  pending: PendingMessage[];
  /** False once the first message of the channel is loaded. */
  hasOlder: boolean;
  loading: boolean;
  error: string | null;
}

export interface MessagesState {
  channels: Record<string, ChannelMessages>;
  /** Reactions by message id. */
  reactions: Record<string, Reaction[]>;
  /** The message a jump landed on: the list scrolls to it and highlights it. */
  focused: { channelId: string; messageId: string } | null;
  clearFocus(): void;
  loadLatest(channelId: string): Promise<void>;
  loadOlder(channelId: string): Promise<void>;
  /**
   * Shows the history around one message (search results, notifications): the list restarts
   * as the page around it, and the newer messages are fetched after it.
   */
  jumpTo(channelId: string, messageId: string): Promise<void>;
  /**
   * Fetches everything after the newest message known without a gap: reconnects, tab wake-ups,
   * a live message whose predecessors never arrived. Before the first page, loads that page.
   */
  catchUp(channelId: string): Promise<number>;
  send(
    channelId: string,
    content: string,
    options?: { replyToId?: string; attachments?: Attachment[] },
  ): Promise<void>;
  retry(channelId: string, nonce: string): Promise<void>;
  discard(channelId: string, nonce: string): void;
  edit(messageId: string, content: string): Promise<void>;
  remove(messageId: string): Promise<void>;
  toggleReaction(messageId: string, emoji: string, profileId: string): Promise<void>;
  /** Realtime: a message row was inserted or updated (ownWrite: the answer to this client's insert or edit). */
  receive(message: Message, ownWrite?: boolean): void;
  receiveReaction(reaction: Reaction, removed: boolean): void;
}

const empty = (): ChannelMessages => ({
  items: [],
  pending: [],
  hasOlder: true,
  loading: false,
  error: null,
});

/** One store per client, so tests can drive it against a real stack with their own session. */
export function createMessagesStore(client: HarmonyClient) {
  return createStore<MessagesState>()((set, get) => {
    /** The newest-page load of each channel, once started: a catch-up waits for it. */
    const latestLoads = new Map<string, Promise<void>>();
    const loadingLatest = new Set<string>();
    const channel = (id: string) => get().channels[id] ?? empty();
    const patch = (id: string, update: (c: ChannelMessages) => Partial<ChannelMessages>) =>
      set((s) => {
        const current = s.channels[id] ?? empty();
        return { channels: { ...s.channels, [id]: { ...current, ...update(current) } } };
      });

    const fetchPage = async (channelId: string, before: number | null, after: number | null) => {
      const early = before === null && after === null ? takeEarlyMessages(channelId) : null;
      const earlyPage = early && (await early);
      if (earlyPage) return earlyPage as Message[];
      const { data, error } = await client.rpc('get_messages', {
        p_channel_id: channelId,
        p_before_seq: before ?? undefined,
        p_after_seq: after ?? undefined,
        p_limit: PAGE,
      });
      if (error) throw error;
      return (data ?? []) as Message[];
    };

    const loadReactions = async (messages: Message[]) => {
      if (messages.length === 0) return;
      const ids = messages.map((m) => m.id);
      const { data } = await client.from('message_reactions').select('*').in('message_id', ids);
      const grouped: Record<string, Reaction[]> = {};
      for (const id of ids) grouped[id] = [];
      for (const r of data ?? []) grouped[r.message_id]?.push(r);
      set((s) => ({ reactions: { ...s.reactions, ...grouped } }));
    };

    const insert = async (pending: PendingMessage) => {
      const { data, error } = await client
        .from('messages')
        .insert({
          channel_id: pending.channelId,
          content: pending.content,
          reply_to_id: pending.replyToId,
          attachments: pending.attachments as never,
          nonce: pending.nonce,
        })
        .select()
        .single();
      // 23505 on the nonce: an earlier attempt got through; realtime or catch-up delivers it.
      if (error && error.code !== '23505') {
        patch(pending.channelId, (c) => ({
          pending: c.pending.map((p) =>
            p.nonce === pending.nonce
              ? { ...p, status: 'failed' as const, error: describeError(error, 'send messages here') }
              : p,
          ),
        }));
        return;
      }
      if (data) get().receive(data as Message, true);
      else await get().catchUp(pending.channelId);
    };

    /** The page of history just below `before` (the newest page for null). */
    const loadPageBefore = async (channelId: string, before: number | null) => {
      patch(channelId, () => ({ loading: true, error: null }));
      try {
        const page = await fetchPage(channelId, before, null);
        patch(channelId, (c) => ({
          items: mergeMessages(c.items, page),
          hasOlder: page.length === PAGE,
          loading: false,
        }));
        await loadReactions(page);
      } catch (error) {
        patch(channelId, () => ({ loading: false, error: describeError(error) }));
      }
    };

    return {
      channels: {},
      reactions: {},
      focused: null,

      loadLatest(channelId) {
        // A load already under way (the boot prefetch, a view mounting) is shared, not repeated.
        if (loadingLatest.has(channelId)) return latestLoads.get(channelId) as Promise<void>;
        loadingLatest.add(channelId);
        const load = loadPageBefore(channelId, null).finally(() => loadingLatest.delete(channelId));
        latestLoads.set(channelId, load);
        return load;
      },

      async loadOlder(channelId) {
        const current = channel(channelId);
        const oldest = current.items[0]?.seq;
        if (current.loading || !current.hasOlder || oldest === undefined) return;
        await loadPageBefore(channelId, oldest);
      },

      async jumpTo(channelId, messageId) {
        const known = channel(channelId).items.find((m) => m.id === messageId);
        if (!known) {
          const { data, error } = await client.from('messages').select('seq').eq('id', messageId).single();
          if (error) throw error;
          const from = Math.max(0, data.seq - PAGE / 2);
          const page = await fetchPage(channelId, null, from);
          patch(channelId, () => ({
            items: mergeMessages([], page),
            hasOlder: from > 0,
            loading: false,
            error: null,
          }));
          await loadReactions(page);
          await get().catchUp(channelId);
        }
        set({ focused: { channelId, messageId } });
      },

      clearFocus() {
        set({ focused: null });
      },

      async catchUp(channelId) {
        await latestLoads.get(channelId);
        // Never loaded, or the first page failed (offline, no access): load it (again) instead.
        if (!latestLoads.has(channelId) || (channel(channelId).error && !channel(channelId).items.length)) {
          await get().loadLatest(channelId);
          return channel(channelId).items.length;
        }
        let fetched = 0;
        for (;;) {
          const after = contiguousNewestSeq(channel(channelId).items);
          const page = await fetchPage(channelId, null, after);
          patch(channelId, (c) => ({ items: mergeMessages(c.items, page) }));
          fetched += page.length;
          await loadReactions(page);
          if (page.length < PAGE) return fetched;
        }
      },

      async send(channelId, content, options = {}) {
        const pending: PendingMessage = {
          nonce: crypto.randomUUID(),
          channelId,
          content,
          replyToId: options.replyToId ?? null,
          attachments: options.attachments ?? [],
          createdAt: new Date().toISOString(),
          status: 'sending',
        };
        patch(channelId, (c) => ({ pending: [...c.pending, pending] }));
        await insert(pending);
      },

      async retry(channelId, nonce) {
        const pending = channel(channelId).pending.find((p) => p.nonce === nonce);
        if (!pending) return;
        const again = { ...pending, status: 'sending' as const, error: undefined };
        patch(channelId, (c) => ({ pending: c.pending.map((p) => (p.nonce === nonce ? again : p)) }));
        await insert(again);
      },

      discard(channelId, nonce) {
        patch(channelId, (c) => ({ pending: c.pending.filter((p) => p.nonce !== nonce) }));
      },

      async edit(messageId, content) {
        const { data, error } = await client
          .from('messages')
          .update({ content })
          .eq('id', messageId)
          .select()
          .single();
        if (error) throw error;
        get().receive(data as Message, true);
      },

      async remove(messageId) {
        const { error } = await client.rpc('delete_message', { p_message_id: messageId });
        if (error) throw error;
      },

      async toggleReaction(messageId, emoji, profileId) {
        const mine = get().reactions[messageId]?.some((r) => r.emoji === emoji && r.profile_id === profileId);
        const { error } = mine
          ? await client
              .from('message_reactions')
              .delete()
              .match({ message_id: messageId, emoji, profile_id: profileId })
          : // profile_id is the caller's by the column default; the API cannot write it.
            await client.from('message_reactions').insert({ message_id: messageId, emoji });
        if (error) throw error;
        get().receiveReaction(
          { message_id: messageId, emoji, profile_id: profileId, created_at: new Date().toISOString() },
          Boolean(mine),
        );
      },

      receive(message, ownWrite = false) {
        const known = channel(message.channel_id).items;
        // A gap before a live message (events lost while reconnecting): fetch what is missing.
        const gap = known.length > 0 && message.seq > (known.at(-1)?.seq ?? 0) + 1;
        patch(message.channel_id, (c) => ({
          items: mergeMessages(c.items, [message], { keepOnTie: ownWrite }),
          pending: message.nonce ? c.pending.filter((p) => p.nonce !== message.nonce) : c.pending,
        }));
        if (gap) inBackground(get().catchUp(message.channel_id));
      },

      receiveReaction(reaction, removed) {
        set((s) => {
          const list = (s.reactions[reaction.message_id] ?? []).filter(
            (r) => !(r.emoji === reaction.emoji && r.profile_id === reaction.profile_id),
          );
          return {
            reactions: { ...s.reactions, [reaction.message_id]: removed ? list : [...list, reaction] },
          };
        });
      },
    };
  });
}
