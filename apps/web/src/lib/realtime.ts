import type { RealtimeChannel } from '@supabase/supabase-js';
import {
  type OwnAccessHandlers,
  onOwnAccessChange,
  onRestrictedChannelChange,
  onServerAccessChange,
} from '../features/access/access-events.js';
import {
  friendPresenceTopic,
  MAX_FRIEND_PRESENCE_TOPICS,
  onPresenceSync,
} from '../features/presence/presence-topic.js';
import { type BroadcastChange, onDatabaseEvents } from '../features/realtime/broadcast.js';
import {
  onChannelTopicEvents,
  onProfileChange,
  onUserTopicEvents,
  type UserTopicHandlers,
} from '../features/realtime/topic-events.js';
import { TopicRegistry } from '../features/realtime/topic-registry.js';
import type { HarmonyClient } from './supabase.js';
import type { Message, Reaction } from './types.js';

export type ConnectionState = 'idle' | 'connecting' | 'connected' | 'reconnecting';

/** What the manager reports to the stores. */
export interface RealtimeHandlers extends OwnAccessHandlers, UserTopicHandlers {
  /** A server the user is in was deleted (by its owner, on any device). */
  serverDeleted(serverId: string): void;
  /** A new or changed message in a channel on screen. */
  message(message: Message): void;
  /** A new message in any readable channel of a watched server (unread counts). */
  unreadMessage(message: Message): void;
  reaction(reaction: Reaction, removed: boolean): void;
  /** A thread of a channel whose topic is joined was created, changed or deleted (features/threads). */
  thread(change: BroadcastChange): void;
  /** Who is online on a presence topic: `serverId` for a server's, `presence:<id>` for a friend's. */
  presence(topic: string, online: Record<string, PresenceInfo>): void;
  /** Someone started (or, with `typing` false, stopped) typing in a channel on screen. */
  typing(channelId: string, profileId: string, displayName: string, typing: boolean): void;
  /**
   * Fetch what may have been missed: the channels' messages, and with `everything` (a
   * reconnect, a wake-up) the rest (unread counts) too.
   */
  resync(channelIds: string[], everything: boolean): void;
  /**
   * The connection came back after a drop (or the browser after being offline): events sent
   * meanwhile (names, pictures, servers' structure) are lost, so what they would have changed is
   * read again.
   */
  reconnected(): void;
  state(state: ConnectionState): void;
}

export interface PresenceInfo {
  profileId: string;
  /** `invisible` is never sent: an invisible user stops tracking instead. */
  status: 'online' | 'idle' | 'dnd' | 'invisible';
  voiceChannelId?: string | null;
  /** How they are in voice: shown next to their name under the voice channel. */
  voiceFlags?: VoiceFlags | null;
}

export interface VoiceFlags {
  muted: boolean;
  deafened: boolean;
  streaming: boolean;
  camera: boolean;
}

/**
 * One socket for the whole app, on the private topics the database broadcasts to
 * (docs-source/realtime.md): `user:<me>`, `server:<id>` for each server of the user, and
 * `channel:<id>` for the channels on screen and the restricted channels counted as unread. Routes
 * every event to the stores, leaves a channel's topic once the user no longer sees it, and
 * re-syncs through the sequence-number RPC whenever events may have been dropped (reconnect,
 * rejoin, tab wake-up).
 */
export class RealtimeConnectionManager {
  private readonly topics: TopicRegistry;
  /** Channels on screen. */
  private readonly viewing = new Set<string>();
  /** Per server, the channels whose new messages count as unread, and those of them only their own topic carries. */
  private readonly readable = new Map<string, Set<string>>();
  private readonly restricted = new Map<string, Set<string>>();
  /** Per server, the channels the user sees; a channel once listed and now missing is left. */
  private readonly visible = new Map<string, Set<string>>();
  private readonly serverOfChannel = new Map<string, string>();
  private readonly joined = new Set<string>();
  /** The friends' presence topics joined (friendPresenceTopic). */
  private friendTopics = new Set<string>();
  private personal: RealtimeChannel | null = null;
  private everConnected = false;
  private state: ConnectionState = 'idle';
  private presenceInfo: Omit<PresenceInfo, 'profileId'> = { status: 'online', voiceChannelId: null };

  constructor(
    private readonly client: HarmonyClient,
    private readonly profileId: string,
    private readonly handlers: RealtimeHandlers,
  ) {
    this.topics = new TopicRegistry(client);
  }

  /** The user's own events: notifications, read markers, memberships and roles, DMs and friends. */
  start(): void {
    this.setState('connecting');
    const personal = this.client.channel(`user:${this.profileId}`, { config: { private: true } });
    onOwnAccessChange(personal, this.handlers);
    onUserTopicEvents(personal, this.handlers);
    this.personal = personal.subscribe((status) => this.onStatus(status));
    const own = friendPresenceTopic(this.profileId);
    this.topics.open(own, () => this.subscribeFriendPresence(this.profileId));
    if (typeof document !== 'undefined') document.addEventListener('visibilitychange', this.onVisibility);
    // Back online: fetch what was missed now, over HTTP, rather than after the socket's next retry.
    if (typeof window !== 'undefined') window.addEventListener('online', this.onOnline);
  }

  /** Friends' live status, also of friends who share no server with the user: their presence topics. */
  watchFriends(friendIds: readonly string[]): void {
    const wanted = new Set(friendIds.slice(0, MAX_FRIEND_PRESENCE_TOPICS).map(friendPresenceTopic));
    for (const key of this.friendTopics) {
      if (wanted.has(key)) continue;
      void this.topics.remove(key);
      this.handlers.presence(key, {});
    }
    this.friendTopics = wanted;
    for (const key of wanted)
      this.topics.open(key, () => this.subscribeFriendPresence(key.slice('presence:'.length)));
  }

  /** The user's own presence topic (tracked there) or a friend's (read only). */
  private subscribeFriendPresence(profileId: string): RealtimeChannel {
    const key = friendPresenceTopic(profileId);
    const own = profileId === this.profileId;
    const channel = this.client.channel(key, {
      config: { private: true, presence: { key: this.profileId, enabled: true } },
    });
    if (!own) onPresenceSync(channel, (online) => this.handlers.presence(key, online));
    channel.subscribe((status) => {
      if (status !== 'SUBSCRIBED') return this.onClosed(key, channel, status);
      if (own) void this.publishPresence(channel, true);
    });
    return channel;
  }

  /** Structure, access, presence and new messages (for unread counts) of a server the user belongs to. */
  watchServer(serverId: string): void {
    this.topics.open(`server:${serverId}`, () => this.subscribeServer(serverId));
  }

  private subscribeServer(serverId: string): RealtimeChannel {
    const key = `server:${serverId}`;
    const channel = this.client.channel(key, {
      config: { private: true, presence: { key: this.profileId } },
    });
    onServerAccessChange(channel, () => this.handlers.serverChanged(serverId));
    onDatabaseEvents(channel, ['server_delete'], () => this.handlers.serverDeleted(serverId));
    onProfileChange(channel, this.handlers.profile);
    onDatabaseEvents<Message>(channel, ['unread_message'], ({ record }) => {
      if (record && this.readable.get(serverId)?.has(record.channel_id)) this.handlers.unreadMessage(record);
    });
    onPresenceSync(channel, (online) => this.handlers.presence(serverId, online));
    channel.subscribe((status) => {
      if (status !== 'SUBSCRIBED') return this.onClosed(key, channel, status);
      void this.publishPresence(channel);
      // Joined again (reconnect): messages of the gap count through a reload.
      if (this.joined.has(key)) this.handlers.resync([], true);
      this.joined.add(key);
    });
    return channel;
  }

  unwatchServer(serverId: string): void {
    this.setUnreadChannels(serverId, [], []);
    this.setVisibleChannels(serverId, []);
    void this.topics.remove(`server:${serverId}`);
  }

  /**
   * Which of a server's channels count as unread when a message arrives (the readable ones), and
   * which of those are restricted: their messages arrive on their own topic only, so it is joined.
   */
  setUnreadChannels(serverId: string, readable: readonly string[], restricted: readonly string[]): void {
    this.readable.set(serverId, new Set(readable));
    const before = this.restricted.get(serverId) ?? new Set<string>();
    this.restricted.set(serverId, new Set(restricted));
    for (const id of new Set([...before, ...restricted])) this.syncChannel(id);
  }

  /** The channels of a server the user sees now: topics of channels no longer among them are left. */
  setVisibleChannels(serverId: string, channelIds: readonly string[]): void {
    const before = this.visible.get(serverId) ?? new Set<string>();
    this.visible.set(serverId, new Set(channelIds));
    for (const id of channelIds) this.serverOfChannel.set(id, serverId);
    for (const id of new Set([...before, ...channelIds])) this.syncChannel(id);
  }

  /** Messages and typing in a channel on screen. */
  watchChannel(channelId: string): void {
    this.viewing.add(channelId);
    this.syncChannel(channelId);
  }

  unwatchChannel(channelId: string): void {
    this.viewing.delete(channelId);
    this.syncChannel(channelId);
  }

  private isRestricted(channelId: string): boolean {
    return [...this.restricted.values()].some((ids) => ids.has(channelId));
  }

  private syncChannel(channelId: string): void {
    const server = this.serverOfChannel.get(channelId);
    const hidden = server !== undefined && !this.visible.get(server)?.has(channelId);
    const key = `channel:${channelId}`;
    if (!hidden && (this.viewing.has(channelId) || this.isRestricted(channelId)))
      this.topics.open(key, () => this.subscribeChannel(channelId));
    else void this.topics.remove(key);
  }

  private subscribeChannel(channelId: string): RealtimeChannel {
    const key = `channel:${channelId}`;
    const channel = this.client.channel(key, { config: { private: true, broadcast: { self: false } } });
    onChannelTopicEvents(channel, {
      message: (message) => {
        if (this.viewing.has(channelId)) this.handlers.message(message);
      },
      created: (message) => {
        if (this.isRestricted(channelId)) this.handlers.unreadMessage(message);
      },
      reaction: (reaction, removed) => {
        if (this.viewing.has(channelId)) this.handlers.reaction(reaction, removed);
      },
    });
    onRestrictedChannelChange(channel, (serverId) => this.handlers.serverChanged(serverId));
    onDatabaseEvents(channel, ['thread_create', 'thread_update', 'thread_delete'], (change) =>
      this.handlers.thread(change),
    );
    channel.on('broadcast', { event: 'typing' }, ({ payload }) => {
      const { profileId, displayName, typing } = payload as {
        profileId: string;
        displayName: string;
        typing?: boolean;
      };
      if (profileId !== this.profileId)
        this.handlers.typing(channelId, profileId, displayName, typing !== false);
    });
    return channel.subscribe((status) => {
      if (status !== 'SUBSCRIBED') return this.onClosed(key, channel, status);
      const rejoined = this.joined.has(key);
      this.joined.add(key);
      // Anything sent between the page load (or the last connection) and now is fetched once live.
      if (this.viewing.has(channelId)) this.handlers.resync([channelId], false);
      else if (rejoined) this.handlers.resync([], true);
    });
  }

  /** A topic the server closed is joined again by the next change of what the user sees, if visible. */
  private onClosed(key: string, channel: RealtimeChannel, status: string): void {
    if (status === 'CLOSED') this.topics.closedByServer(key, channel);
  }

  /** Tells the channel's other viewers that this user is typing, or stopped (throttled by the caller). */
  async sendTyping(channelId: string, displayName: string, typing = true): Promise<void> {
    await this.topics.get(`channel:${channelId}`)?.send({
      type: 'broadcast',
      event: 'typing',
      payload: { profileId: this.profileId, displayName, typing },
    });
  }

  /** Updates what other members see: status and the voice channel the user is in. */
  async setPresence(info: Partial<Omit<PresenceInfo, 'profileId'>>): Promise<void> {
    this.presenceInfo = { ...this.presenceInfo, ...info };
    const own = this.topics.get(friendPresenceTopic(this.profileId));
    await Promise.all([
      ...this.topics.withPrefix('server:').map((channel) => this.publishPresence(channel)),
      own && this.publishPresence(own, true),
    ]);
  }

  /** Friends see the status only; where the user is in voice stays with the servers' members. */
  private async publishPresence(channel: RealtimeChannel, forFriends = false): Promise<unknown> {
    if (this.presenceInfo.status === 'invisible') return channel.untrack();
    return channel.track(forFriends ? { status: this.presenceInfo.status } : this.presenceInfo);
  }

  connectionState(): ConnectionState {
    return this.state;
  }

  async stop(): Promise<void> {
    if (typeof document !== 'undefined') document.removeEventListener('visibilitychange', this.onVisibility);
    if (typeof window !== 'undefined') window.removeEventListener('online', this.onOnline);
    const personal = this.personal;
    this.viewing.clear();
    this.friendTopics.clear();
    this.personal = null;
    await Promise.all([this.topics.clear(), personal && this.client.removeChannel(personal)]);
    this.setState('idle');
  }

  private onStatus(status: string): void {
    if (status === 'SUBSCRIBED') {
      const reconnected = this.everConnected;
      this.everConnected = true;
      this.setState('connected');
      if (reconnected) {
        this.resync();
        this.handlers.reconnected();
      }
    } else if (status === 'CHANNEL_ERROR' || status === 'TIMED_OUT' || status === 'CLOSED') {
      this.setState(this.everConnected ? 'reconnecting' : 'connecting');
    }
  }

  private readonly onVisibility = () => {
    if (document.visibilityState === 'visible') this.resync();
  };

  /** Back online: the socket may not have noticed it was cut off, and may have missed events. */
  private readonly onOnline = () => {
    this.resync();
    this.handlers.reconnected();
  };

  private resync(): void {
    this.handlers.resync([...this.viewing], true);
  }

  private setState(state: ConnectionState): void {
    if (this.state === state) return;
    this.state = state;
    this.handlers.state(state);
  }
}
