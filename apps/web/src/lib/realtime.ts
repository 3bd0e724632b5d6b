import type { RealtimeChannel, RealtimePostgresChangesPayload } from '@supabase/supabase-js';
import {
  announceAccessChange,
  type OwnAccessHandlers,
  onOwnAccessChange,
  onServerAccessChange,
} from '../features/access/access-events.js';
import type { HarmonyClient } from './supabase.js';
import type { Message, Notification, Reaction } from './types.js';

export type ConnectionState = 'idle' | 'connecting' | 'connected' | 'reconnecting';

/** What the manager reports to the stores. */
export interface RealtimeHandlers extends OwnAccessHandlers {
  /** A new or changed message in a channel on screen. */
  message(message: Message): void;
  /** A new message in any readable channel of a watched server (unread counts). */
  unreadMessage(message: Message): void;
  /** The user's friends or friend requests changed (on any device, or by the other person). */
  friendsChanged(): void;
  /** The user's read marker moved (on any device). */
  readState(channelId: string, lastReadSeq: number): void;
  reaction(reaction: Reaction, removed: boolean): void;
  notification(notification: Notification): void;
  /** Server structure or access changed (channels, roles, members, overrides): reload it. */
  serverChanged(serverId: string): void;
  presence(serverId: string, online: Record<string, PresenceInfo>): void;
  /** Someone started (or, with `typing` false, stopped) typing in a channel on screen. */
  typing(channelId: string, profileId: string, displayName: string, typing: boolean): void;
  /**
   * Fetch what may have been missed: the channels' messages, and with `everything` (a
   * reconnect, a wake-up) the rest (unread counts) too.
   */
  resync(channelIds: string[], everything: boolean): void;
  state(state: ConnectionState): void;
}

export interface PresenceInfo {
  profileId: string;
  /** `invisible` is never sent: an invisible user stops tracking instead. */
  status: 'online' | 'idle' | 'dnd' | 'invisible';
  voiceChannelId?: string | null;
}

/**
 * One socket for the whole app: subscribes to what the user is looking at and nothing
 * else, routes every event to the stores, and re-syncs through the sequence-number RPC
 * whenever the connection may have dropped events (reconnect, tab wake-up).
 */
export class RealtimeConnectionManager {
  private readonly channels = new Map<string, RealtimeChannel>();
  /** Topics the app wants live, and removals still under way (a topic's channel is reused until gone). */
  private readonly wanted = new Set<string>();
  private readonly closing = new Map<string, Promise<unknown>>();
  /** Per server, the readable channels whose new messages count as unread (sorted, comma-joined). */
  private readonly unreadChannels = new Map<string, string>();
  private readonly joinedServers = new Set<string>();
  private personal: RealtimeChannel | null = null;
  private everConnected = false;
  private state: ConnectionState = 'idle';
  private presenceInfo: Omit<PresenceInfo, 'profileId'> = { status: 'online', voiceChannelId: null };

  constructor(
    private readonly client: HarmonyClient,
    private readonly profileId: string,
    private readonly handlers: RealtimeHandlers,
  ) {}

  /** The user's own events: notifications, reactions on anything they can read, own access. */
  start(): void {
    this.setState('connecting');
    const personal = this.client.channel(`user:${this.profileId}`, { config: { private: true } });
    onOwnAccessChange(personal, this.profileId, this.handlers);
    this.personal = personal
      .on(
        'postgres_changes',
        {
          event: 'INSERT',
          schema: 'public',
          table: 'notifications',
          filter: `recipient_id=eq.${this.profileId}`,
        },
        (payload) => this.handlers.notification(payload.new as Notification),
      )
      .on('postgres_changes', { event: '*', schema: 'public', table: 'message_reactions' }, (payload) =>
        this.onReaction(payload as RealtimePostgresChangesPayload<Reaction>),
      )
      // Friend requests and friendships change on other devices and by the other person.
      .on(
        'postgres_changes',
        {
          event: '*',
          schema: 'public',
          table: 'friend_requests',
          filter: `recipient_id=eq.${this.profileId}`,
        },
        () => this.handlers.friendsChanged(),
      )
      .on(
        'postgres_changes',
        { event: '*', schema: 'public', table: 'friend_requests', filter: `sender_id=eq.${this.profileId}` },
        () => this.handlers.friendsChanged(),
      )
      .on(
        'postgres_changes',
        { event: '*', schema: 'public', table: 'friendships', filter: `profile_a=eq.${this.profileId}` },
        () => this.handlers.friendsChanged(),
      )
      .on(
        'postgres_changes',
        { event: '*', schema: 'public', table: 'friendships', filter: `profile_b=eq.${this.profileId}` },
        () => this.handlers.friendsChanged(),
      )
      .on(
        'postgres_changes',
        { event: '*', schema: 'public', table: 'read_states', filter: `profile_id=eq.${this.profileId}` },
        (payload) => {
          const row = payload.new as { channel_id?: string; last_read_seq?: number };
          if (row.channel_id) this.handlers.readState(row.channel_id, Number(row.last_read_seq ?? 0));
        },
      )
      .subscribe((status) => this.onStatus(status));
    if (typeof document !== 'undefined') document.addEventListener('visibilitychange', this.onVisibility);
    // Back online: fetch what was missed now, over HTTP, rather than after the socket's next retry.
    if (typeof window !== 'undefined') window.addEventListener('online', this.onOnline);
  }

  /** Structure, presence and new messages (for unread counts) of a server the user belongs to. */
  watchServer(serverId: string): void {
    this.open(`server:${serverId}`, () => this.subscribeServer(serverId));
  }

  private subscribeServer(serverId: string): RealtimeChannel {
    const key = `server:${serverId}`;
    const channel = this.client.channel(key, {
      config: { private: true, presence: { key: this.profileId } },
    });
    onServerAccessChange(channel, serverId, () => this.handlers.serverChanged(serverId));
    const readable = this.unreadChannels.get(serverId)?.split(',').filter(Boolean) ?? [];
    // Realtime takes at most 100 values in an `in` filter.
    for (let i = 0; i < readable.length; i += 100) {
      channel.on(
        'postgres_changes',
        {
          event: 'INSERT',
          schema: 'public',
          table: 'messages',
          filter: `channel_id=in.(${readable.slice(i, i + 100).join(',')})`,
        },
        (payload) => this.handlers.unreadMessage(payload.new as Message),
      );
    }
    channel
      .on('presence', { event: 'sync' }, () => {
        const online: Record<string, PresenceInfo> = {};
        for (const [profileId, metas] of Object.entries(
          channel.presenceState<Omit<PresenceInfo, 'profileId'>>(),
        )) {
          const meta = metas.at(-1);
          if (meta)
            online[profileId] = {
              profileId,
              status: meta.status,
              voiceChannelId: meta.voiceChannelId ?? null,
            };
        }
        this.handlers.presence(serverId, online);
      })
      .subscribe((status) => {
        if (status !== 'SUBSCRIBED') return;
        void this.publishPresence(channel);
        // Joined again (new channel set, reconnect): messages of the gap count through a reload.
        if (this.joinedServers.has(serverId)) this.handlers.resync([], true);
        this.joinedServers.add(serverId);
      });
    return channel;
  }

  unwatchServer(serverId: string): void {
    this.unreadChannels.delete(serverId);
    this.remove(`server:${serverId}`);
  }

  /**
   * Which of a server's channels count as unread when a message arrives (the readable ones).
   * A change re-subscribes the server: a channel's bindings are fixed when it joins.
   */
  async setUnreadChannels(serverId: string, channelIds: readonly string[]): Promise<void> {
    const wanted = [...channelIds].sort().join(',');
    if (this.unreadChannels.get(serverId) === wanted) return;
    this.unreadChannels.set(serverId, wanted);
    const key = `server:${serverId}`;
    if (!this.channels.has(key)) return;
    await this.close(key);
    this.watchServer(serverId);
  }

  /** Messages and typing in a channel on screen. */
  watchChannel(channelId: string): void {
    this.open(`channel:${channelId}`, () => this.subscribeChannel(channelId));
  }

  private subscribeChannel(channelId: string): RealtimeChannel {
    const key = `channel:${channelId}`;
    return (
      this.client
        .channel(key, { config: { private: true, broadcast: { self: false } } })
        .on(
          'postgres_changes',
          { event: '*', schema: 'public', table: 'messages', filter: `channel_id=eq.${channelId}` },
          (payload) => {
            if (payload.eventType !== 'DELETE') this.handlers.message(payload.new as Message);
          },
        )
        .on('broadcast', { event: 'typing' }, ({ payload }) => {
          const { profileId, displayName, typing } = payload as {
            profileId: string;
            displayName: string;
            typing?: boolean;
          };
          if (profileId !== this.profileId)
            this.handlers.typing(channelId, profileId, displayName, typing !== false);
        })
        // Anything sent between the page load and the subscription going live is fetched once it is.
        .subscribe((status) => {
          if (status === 'SUBSCRIBED') this.handlers.resync([channelId], false);
        })
    );
  }

  unwatchChannel(channelId: string): void {
    this.remove(`channel:${channelId}`);
  }

  /** Tells the server's other members that this user changed who may see or do what. */
  async announceAccessChange(serverId: string): Promise<void> {
    const channel = this.channels.get(`server:${serverId}`);
    if (channel) await announceAccessChange(channel);
  }

  /** Tells the channel's other viewers that this user is typing, or stopped (throttled by the caller). */
  async sendTyping(channelId: string, displayName: string, typing = true): Promise<void> {
    await this.channels.get(`channel:${channelId}`)?.send({
      type: 'broadcast',
      event: 'typing',
      payload: { profileId: this.profileId, displayName, typing },
    });
  }

  /** Updates what other members see: status and the voice channel the user is in. */
  async setPresence(info: Partial<Omit<PresenceInfo, 'profileId'>>): Promise<void> {
    this.presenceInfo = { ...this.presenceInfo, ...info };
    await Promise.all(
      [...this.channels.entries()]
        .filter(([key]) => key.startsWith('server:'))
        .map(([, channel]) => this.publishPresence(channel)),
    );
  }

  private async publishPresence(channel: RealtimeChannel): Promise<unknown> {
    return this.presenceInfo.status === 'invisible' ? channel.untrack() : channel.track(this.presenceInfo);
  }

  connectionState(): ConnectionState {
    return this.state;
  }

  async stop(): Promise<void> {
    if (typeof document !== 'undefined') document.removeEventListener('visibilitychange', this.onVisibility);
    if (typeof window !== 'undefined') window.removeEventListener('online', this.onOnline);
    const all = [...this.channels.values(), ...(this.personal ? [this.personal] : [])];
    this.channels.clear();
    this.wanted.clear();
    this.personal = null;
    await Promise.all(all.map((c) => this.client.removeChannel(c)));
    this.setState('idle');
  }

  private onStatus(status: string): void {
    if (status === 'SUBSCRIBED') {
      const reconnected = this.everConnected;
      this.everConnected = true;
      this.setState('connected');
      if (reconnected) this.resync();
    } else if (status === 'CHANNEL_ERROR' || status === 'TIMED_OUT' || status === 'CLOSED') {
      this.setState(this.everConnected ? 'reconnecting' : 'connecting');
    }
  }

  private readonly onVisibility = () => {
    if (document.visibilityState === 'visible') this.resync();
  };

  private readonly onOnline = () => this.resync();

  private resync(): void {
    const channelIds = [...this.channels.keys()]
      .filter((key) => key.startsWith('channel:'))
      .map((key) => key.slice('channel:'.length));
    this.handlers.resync(channelIds, true);
  }

  private onReaction(payload: RealtimePostgresChangesPayload<Reaction>): void {
    if (payload.eventType === 'DELETE') this.handlers.reaction(payload.old as Reaction, true);
    else this.handlers.reaction(payload.new as Reaction, false);
  }

  /**
   * Subscribes a topic unless it already is. supabase-js hands out the existing channel of a
   * topic until its removal finishes, so a topic being closed is reopened after that.
   */
  private open(key: string, subscribe: () => RealtimeChannel): void {
    this.wanted.add(key);
    if (this.channels.has(key)) return;
    const closing = this.closing.get(key);
    if (closing) {
      void closing.then(() => {
        if (this.wanted.has(key)) this.open(key, subscribe);
      });
      return;
    }
    this.channels.set(key, subscribe());
  }

  private remove(key: string): void {
    this.wanted.delete(key);
    void this.close(key);
  }

  private close(key: string): Promise<unknown> {
    const channel = this.channels.get(key);
    if (!channel) return this.closing.get(key) ?? Promise.resolve();
    this.channels.delete(key);
    const done = this.client.removeChannel(channel).finally(() => {
      if (this.closing.get(key) === done) this.closing.delete(key);
    });
    this.closing.set(key, done);
    return done;
  }

  private setState(state: ConnectionState): void {
    if (this.state === state) return;
    this.state = state;
    this.handlers.state(state);
  }
}
