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
  message(message: Message): void;
  reaction(reaction: Reaction, removed: boolean): void;
  notification(notification: Notification): void;
  /** Server structure or access changed (channels, roles, members, overrides): reload it. */
  serverChanged(serverId: string): void;
  presence(serverId: string, online: Record<string, PresenceInfo>): void;
  typing(channelId: string, profileId: string, displayName: string): void;
  /** Called after a reconnect or a wake-up: fetch what may have been missed. */
  resync(channelIds: string[]): void;
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
      .subscribe((status) => this.onStatus(status));
    if (typeof document !== 'undefined') document.addEventListener('visibilitychange', this.onVisibility);
    // Back online: fetch what was missed now, over HTTP, rather than after the socket's next retry.
    if (typeof window !== 'undefined') window.addEventListener('online', this.onOnline);
  }

  /** Structure and presence of a server the user belongs to. */
  watchServer(serverId: string): void {
    const key = `server:${serverId}`;
    if (this.channels.has(key)) return;
    const channel = this.client.channel(key, {
      config: { private: true, presence: { key: this.profileId } },
    });
    onServerAccessChange(channel, serverId, () => this.handlers.serverChanged(serverId));
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
        if (status === 'SUBSCRIBED') void this.publishPresence(channel);
      });
    this.channels.set(key, channel);
  }

  unwatchServer(serverId: string): void {
    this.remove(`server:${serverId}`);
  }

  /** Messages and typing in a channel on screen. */
  watchChannel(channelId: string): void {
    const key = `channel:${channelId}`;
    if (this.channels.has(key)) return;
    const channel = this.client
      .channel(key, { config: { private: true, broadcast: { self: false } } })
      .on(
        'postgres_changes',
        { event: '*', schema: 'public', table: 'messages', filter: `channel_id=eq.${channelId}` },
        (payload) => {
          if (payload.eventType !== 'DELETE') this.handlers.message(payload.new as Message);
        },
      )
      .on('broadcast', { event: 'typing' }, ({ payload }) => {
        const { profileId, displayName } = payload as { profileId: string; displayName: string };
        if (profileId !== this.profileId) this.handlers.typing(channelId, profileId, displayName);
      })
      // Anything sent between the page load and the subscription going live is fetched once it is.
      .subscribe((status) => {
        if (status === 'SUBSCRIBED') this.handlers.resync([channelId]);
      });
    this.channels.set(key, channel);
  }

  unwatchChannel(channelId: string): void {
    this.remove(`channel:${channelId}`);
  }

  /** Tells the server's other members that this user changed who may see or do what. */
  async announceAccessChange(serverId: string): Promise<void> {
    const channel = this.channels.get(`server:${serverId}`);
    if (channel) await announceAccessChange(channel);
  }

  /** Tells the channel's other viewers that this user is typing (throttled by the caller). */
  async sendTyping(channelId: string, displayName: string): Promise<void> {
    await this.channels
      .get(`channel:${channelId}`)
      ?.send({ type: 'broadcast', event: 'typing', payload: { profileId: this.profileId, displayName } });
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
    this.handlers.resync(channelIds);
  }

  private onReaction(payload: RealtimePostgresChangesPayload<Reaction>): void {
    if (payload.eventType === 'DELETE') this.handlers.reaction(payload.old as Reaction, true);
    else this.handlers.reaction(payload.new as Reaction, false);
  }

  private remove(key: string): void {
    const channel = this.channels.get(key);
    if (!channel) return;
    this.channels.delete(key);
    void this.client.removeChannel(channel);
  }

  private setState(state: ConnectionState): void {
    if (this.state === state) return;
    this.state = state;
    this.handlers.state(state);
  }
}
