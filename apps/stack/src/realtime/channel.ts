import { randomUUID } from 'node:crypto';
import { databaseReachable } from '../db.js';
import { isDatabaseUnavailable } from '../db-errors.js';
import {
  type Extension,
  emptyPolicies,
  type Policies,
  type PolicyContext,
  PolicyError,
  policyContext,
  readPolicies,
  writePolicies,
} from './authorize.js';
import { broadcastFromClient, sendPresenceDiff } from './broadcast.js';
import { bindingId, type ChangeParams, type ChangeTarget } from './changes/dispatcher.js';
import { WindowCounter } from './limits.js';
import type { RealtimeService } from './service.js';
import { type Incoming, type RealtimeSocket, UserBroadcastPush } from './socket.js';
import { checkToken } from './token.js';

/** Why Realtime closes a channel whose read access is gone (on a token refresh, here also on a permission change). */
export const REVOKED_REASON = (subTopic: string) =>
  `You no longer have permission to read from this Channel topic: ${subTopic}`;

/** Why Realtime refuses or closes a channel it cannot authorise for want of the database. */
export const UNAVAILABLE_REASON = 'Realtime was unable to connect to the project database';

/** Realtime's @confirm_token_ms_interval: tokens are re-checked at least this often. */
const CONFIRM_TOKEN_INTERVAL_MS = 5 * 60_000;

const asObject = (value: unknown): Record<string, unknown> =>
  value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};

/** Ecto's FlexibleBoolean: booleans and their common string spellings. */
const flag = (value: unknown) => value === true || value === 'true' || value === 'True';

export interface JoinConfig {
  isPrivate: boolean;
  selfBroadcast: boolean;
  ackBroadcast: boolean;
  presenceEnabled: boolean;
  presenceKey: string;
  changes: ChangeParams[];
  waitForChanges: boolean;
}

function joinConfig(payload: Record<string, unknown>): JoinConfig {
  const config = asObject(payload.config);
  const broadcast = asObject(config.broadcast);
  const presence = asObject(config.presence);
  const key = presence.key;
  const changes = Array.isArray(config.postgres_changes)
    ? config.postgres_changes.filter(
        (p): p is ChangeParams => !!p && typeof p === 'object' && !Array.isArray(p),
      )
    : [];
  return {
    isPrivate: flag(config.private),
    selfBroadcast: flag(broadcast.self),
    ackBroadcast: flag(broadcast.ack),
    presenceEnabled: flag(presence.enabled),
    presenceKey: key === null || key === undefined || key === '' ? randomUUID() : String(key),
    changes,
    waitForChanges: flag(asObject(config.postgres_changes_options).wait),
  };
}

/** One joined topic on one socket (a Phoenix channel process in Realtime). */
export class Channel implements ChangeTarget {
  readonly subTopic: string;
  /** Public and private channels of the same name are separate topics. */
  readonly topicKey: string;
  context: PolicyContext;
  accessToken: string;
  policies: Policies | null = null;
  presenceEnabled: boolean;
  private tracked: string | null = null;
  private readonly presenceCalls: WindowCounter;
  private tokenTimer: NodeJS.Timeout | null = null;
  /** Set while joining when a permission change concerning this topic commits. */
  authorizationStale = false;
  closed = false;

  constructor(
    readonly service: RealtimeService,
    readonly socket: RealtimeSocket,
    readonly topic: string,
    readonly joinRef: string | null,
    readonly config: JoinConfig,
    context: PolicyContext,
    accessToken: string,
  ) {
    this.subTopic = topic.slice('realtime:'.length);
    this.topicKey = `${config.isPrivate ? 'private' : 'public'}:${this.subTopic}`;
    this.context = context;
    this.accessToken = accessToken;
    this.presenceEnabled = config.presenceEnabled;
    this.presenceCalls = new WindowCounter(service.limits.presenceWindowMs);
  }

  get isPrivate(): boolean {
    return this.config.isPrivate;
  }

  /** Whether broadcasts on this topic reach this channel. */
  get canReadBroadcast(): boolean {
    return !this.isPrivate || this.policies?.broadcast.read === true;
  }

  get canReadPresence(): boolean {
    return !this.isPrivate || this.policies?.presence.read === true;
  }

  push(event: string, payload: unknown): void {
    this.socket.sendJson(this.joinRef, null, this.topic, event, payload);
  }

  deliverChange(ids: number[], dataJson: string): void {
    if (this.closed) return;
    this.socket.sendText(
      encodeChange(this.socket.vsn, this.topic, `{"ids":${JSON.stringify(ids)},"data":${dataJson}}`),
    );
  }

  systemMessage(extension: string, status: 'ok' | 'error', message: string): void {
    this.push('system', { extension, status, message, channel: this.subTopic });
  }

  async handle(message: Incoming): Promise<void> {
    switch (message.event) {
      case 'broadcast':
        await this.handleBroadcast(message);
        return;
      case 'presence':
        await this.handlePresence(message);
        return;
      case 'access_token':
        await this.refreshToken(asObject(message.payload).access_token);
        return;
      case 'phx_leave':
        this.socket.reply(message, 'ok', {});
        this.close();
        return;
      default:
        this.socket.reply(message, 'error', {
          reason: `UnknownEvent: Unexpected message from client of type \`${message.event}\``,
        });
    }
  }

  async ensurePolicies(kind: 'read' | 'write', extensions: Extension[]): Promise<Policies> {
    const policies = this.policies ?? emptyPolicies();
    this.policies = policies;
    const missing = extensions.filter((ext) => policies[ext][kind] === undefined);
    if (missing.length) {
      const check = kind === 'read' ? readPolicies : writePolicies;
      const result = await check(
        this.service.ctx.db.admin,
        this.context,
        this.subTopic,
        missing,
        this.headers(),
      );
      for (const ext of missing) policies[ext][kind] = result[ext] ?? false;
    }
    return policies;
  }

  /** Write decisions are made again on the next send or track (after a permission change). */
  forgetWritePolicies(): void {
    if (!this.policies) return;
    this.policies.broadcast.write = undefined;
    this.policies.presence.write = undefined;
  }

  headers(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(this.socket.info.headers))
      if (typeof v === 'string' && k !== 'cookie') out[k] = v;
    return out;
  }

  private async handleBroadcast(message: Incoming): Promise<void> {
    if (this.isPrivate) {
      try {
        const policies = await this.ensurePolicies('write', ['broadcast', 'presence']);
        if (!policies.broadcast.write) return; // Realtime ignores it without a reply
      } catch (error) {
        this.service.log.warn({ err: error, topic: this.topic }, 'realtime: RlsPolicyError');
        return;
      }
    }
    const payload = message.payload;
    const size =
      payload instanceof UserBroadcastPush
        ? payload.data.length
        : Buffer.byteLength(JSON.stringify(payload ?? null));
    if (size > this.service.limits.maxPayloadBytes) {
      this.service.log.warn(
        { topic: this.topic, bytes: size, limit: this.service.limits.maxPayloadBytes },
        'realtime: broadcast over the payload size limit dropped',
      );
      // As Realtime: an error reply (its response is the bare reason) only when acks were asked for.
      if (this.config.ackBroadcast) this.socket.reply(message, 'error', 'payload_size_exceeded');
      return;
    }
    if (payload instanceof UserBroadcastPush) {
      broadcastFromClient(this.service, this, {
        kind: 'user',
        event: payload.userEvent,
        encoding: payload.encoding,
        data: payload.data,
      });
    } else {
      broadcastFromClient(this.service, this, { kind: 'json', payload: asObject(payload) });
    }
    if (this.config.ackBroadcast) this.socket.reply(message, 'ok', {});
  }

  private async handlePresence(message: Incoming): Promise<void> {
    const payload = asObject(message.payload);
    if (typeof payload.event !== 'string') {
      this.socket.reply(message, 'ok', {});
      return;
    }
    const event = payload.event.toLowerCase();
    if (!this.presenceCalls.take(this.service.limits.maxPresenceCalls)) {
      this.shutdown('Client presence rate limit exceeded');
      return;
    }
    if (event === 'track') {
      if (this.isPrivate) {
        try {
          await this.ensurePolicies('read', ['presence']);
          const policies = await this.ensurePolicies('write', ['broadcast', 'presence']);
          if (!policies.presence.write) {
            this.socket.reply(message, 'error', {});
            return;
          }
        } catch (error) {
          this.service.log.warn({ err: error, topic: this.topic }, 'realtime: RlsPolicyError');
          this.socket.reply(message, 'error', {});
          return;
        }
      }
      const track = payload.payload === undefined ? {} : payload.payload;
      if (!track || typeof track !== 'object' || Array.isArray(track)) {
        this.socket.reply(message, 'error', { reason: 'Presence track payload must be a map' });
        return;
      }
      const json = JSON.stringify(track);
      if (Buffer.byteLength(json) > this.service.limits.maxPayloadBytes) {
        this.shutdown('Track message size exceeded');
        return;
      }
      this.presenceEnabled = true;
      if (json !== this.tracked) {
        this.tracked = json;
        const diff = this.service
          .presenceOf(this.topicKey)
          .track(this, this.config.presenceKey, track as Record<string, unknown>);
        sendPresenceDiff(this.service, this.topicKey, diff);
      }
      this.socket.reply(message, 'ok', {});
      return;
    }
    if (event === 'untrack') {
      this.untrack();
      this.socket.reply(message, 'ok', {});
      return;
    }
    this.socket.reply(message, 'error', {});
  }

  private untrack(): void {
    if (this.tracked === null) return;
    this.tracked = null;
    const presence = this.service.presenceOf(this.topicKey);
    const diff = presence.untrack(this, this.config.presenceKey);
    this.service.dropPresenceIfEmpty(this.topicKey);
    if (diff) sendPresenceDiff(this.service, this.topicKey, diff);
  }

  /** Arms the re-check at expiry (or within 5 minutes) of the current token. */
  scheduleTokenCheck(exp: number): void {
    if (this.tokenTimer) clearTimeout(this.tokenTimer);
    const ms = Math.max(0, Math.min(CONFIRM_TOKEN_INTERVAL_MS, exp * 1000 - Date.now()));
    this.tokenTimer = setTimeout(() => void this.confirmToken(), ms);
    this.tokenTimer.unref();
  }

  private async confirmToken(): Promise<void> {
    if (this.closed) return;
    const check = await checkToken(this.accessToken, this.service.ctx.config.jwtKeys);
    if (!check.ok) {
      this.shutdown(check.message);
      return;
    }
    this.scheduleTokenCheck(check.exp);
  }

  private async refreshToken(token: unknown): Promise<void> {
    if (typeof token !== 'string' || token.startsWith('sb_') || token === this.accessToken) return;
    const check = await checkToken(token, this.service.ctx.config.jwtKeys);
    if (!check.ok) {
      this.shutdown(check.message);
      return;
    }
    const previous = this.policies;
    this.accessToken = token;
    this.context = policyContext(check.claims);
    this.policies = null;
    if (this.isPrivate) {
      try {
        const extensions: Extension[] = this.presenceEnabled ? ['broadcast', 'presence'] : ['broadcast'];
        const policies = await this.ensurePolicies('read', extensions);
        const revoked =
          (previous?.broadcast.read && !policies.broadcast.read) ||
          (previous?.presence.read && !policies.presence.read);
        if (revoked) {
          this.shutdown(REVOKED_REASON(this.subTopic));
          return;
        }
        if (!policies.broadcast.read && !policies.presence.read) {
          this.shutdown(`You do not have permissions to read from this Channel topic: ${this.subTopic}`);
          return;
        }
      } catch (error) {
        if (isDatabaseUnavailable(error)) {
          this.shutdown(UNAVAILABLE_REASON);
          return;
        }
        this.service.log.warn({ err: error }, 'realtime: RlsPolicyError');
        this.shutdown(`You do not have permissions to read from this Channel topic: ${this.subTopic}`);
        return;
      }
    }
    this.scheduleTokenCheck(check.exp);
    if (this.config.changes.length) {
      const error = await this.subscribeChanges();
      if (!this.closed) this.reportChanges(error);
    }
  }

  /** (Re)creates this channel's postgres_changes subscriptions; returns the error, if any. */
  async subscribeChanges(): Promise<string | null> {
    try {
      await this.service.ensureChanges();
    } catch (error) {
      return `Unable to subscribe to changes: ${(error as Error).message}`;
    }
    if (this.closed) return null;
    const result = await this.service.dispatcher.subscribe(this, this.config.changes);
    if (this.closed) this.service.dispatcher.unsubscribe(this);
    return result.error;
  }

  /** The system message that follows a postgres_changes subscription. */
  reportChanges(error: string | null): void {
    if (error) this.systemMessage('postgres_changes', 'error', error);
    else this.systemMessage('postgres_changes', 'ok', 'Subscribed to PostgreSQL');
  }

  /** Server-side stop: a system error message, then phx_close. */
  shutdown(reason: string): void {
    if (this.closed) return;
    this.systemMessage('system', 'error', reason);
    this.close();
  }

  /** Leaves the topic and tells the client (phx_close, join_ref in both ref slots). */
  close(): void {
    if (this.closed) return;
    this.teardown();
    this.socket.sendJson(this.joinRef, this.joinRef, this.topic, 'phx_close', {});
  }

  /** Releases everything the channel holds, without telling the client. */
  teardown(): void {
    if (this.closed) return;
    this.untrack();
    this.closed = true;
    if (this.tokenTimer) clearTimeout(this.tokenTimer);
    this.service.dispatcher.unsubscribe(this);
    this.service.removeChannel(this);
    if (this.socket.channels.get(this.topic) === this) this.socket.channels.delete(this.topic);
  }
}

function encodeChange(vsn: string, topic: string, payloadJson: string): string {
  if (vsn === '2.0.0') return `[null,null,${JSON.stringify(topic)},"postgres_changes",${payloadJson}]`;
  return `{"topic":${JSON.stringify(topic)},"event":"postgres_changes","payload":${payloadJson},"ref":null}`;
}

const joinError = (socket: RealtimeSocket, message: Incoming, reason: string) =>
  socket.reply(message, 'error', { reason });

/** Realtime's join error while the project database cannot be reached. */
const DATABASE_UNAVAILABLE = `UnableToConnectToProject: ${UNAVAILABLE_REASON}`;

/** phx_join: validates the token and limits, authorises private topics, subscribes changes. */
export async function joinChannel(
  service: RealtimeService,
  socket: RealtimeSocket,
  message: Incoming,
): Promise<void> {
  const { topic } = message;
  if (!topic.startsWith('realtime:')) {
    joinError(socket, message, 'unmatched topic');
    return;
  }
  const subTopic = topic.slice('realtime:'.length);
  if (subTopic === '') {
    joinError(socket, message, 'TopicNameRequired: You must provide a topic name');
    return;
  }
  // A second join on a joined topic replaces the first one (Phoenix closes the old channel).
  const existing = socket.channels.get(topic);
  if (existing) existing.close();

  const payload = asObject(message.payload);
  const config = joinConfig(payload);
  const limits = service.limits;
  if (!socket.joins.take(limits.maxJoinsPerSecond)) {
    joinError(socket, message, 'ClientJoinRateLimitReached: Too many joins per second');
    socket.close(1008, 'Too many joins per second');
    return;
  }
  if (socket.channels.size >= limits.maxChannelsPerClient) {
    joinError(socket, message, 'ChannelRateLimitReached: Too many channels');
    return;
  }
  const offered = typeof payload.access_token === 'string' ? payload.access_token : payload.user_token;
  const accessToken = typeof offered === 'string' && !offered.startsWith('sb_') ? offered : socket.info.token;
  const check = await checkToken(accessToken, service.ctx.config.jwtKeys);
  if (!check.ok) {
    joinError(socket, message, `${check.code}: ${check.message}`);
    return;
  }
  const channel = new Channel(
    service,
    socket,
    topic,
    message.joinRef,
    config,
    policyContext(check.claims),
    accessToken,
  );
  if (config.isPrivate) {
    const denied = `Unauthorized: You do not have permissions to read from this Channel topic: ${subTopic}`;
    try {
      // Broadcast from Database flows before the reply, so a row committed after SUBSCRIBED
      // is never missed (a public join finds the database down below, a private one here).
      await service.ensureBroadcasts();
      const extensions: Extension[] = config.presenceEnabled ? ['broadcast', 'presence'] : ['broadcast'];
      // A permission change re-checked while this check ran would miss this channel (not
      // registered yet) and flags it instead: check again. Registration follows synchronously.
      let policies: Policies;
      service.pendingJoins.add(channel);
      try {
        do {
          channel.authorizationStale = false;
          channel.policies = null;
          policies = await channel.ensurePolicies('read', extensions);
        } while (channel.authorizationStale);
      } finally {
        service.pendingJoins.delete(channel);
      }
      if (!policies.broadcast.read && !policies.presence.read) {
        joinError(socket, message, denied);
        return;
      }
    } catch (error) {
      if (isDatabaseUnavailable(error) || !(error instanceof PolicyError)) {
        if (!isDatabaseUnavailable(error))
          service.log.warn({ err: error, topic }, 'realtime: Broadcast from Database is not streaming');
        joinError(socket, message, DATABASE_UNAVAILABLE);
        return;
      }
      service.log.warn({ err: error.cause, topic }, 'realtime: RlsPolicyError');
      joinError(socket, message, denied);
      return;
    }
  } else if (!(await databaseReachable(service.ctx.db.admin))) {
    // Every join needs the database, as in Realtime (a private one found out above): refuse it
    // rather than promise a channel whose changes cannot flow. The client rejoins by itself.
    joinError(socket, message, DATABASE_UNAVAILABLE);
    return;
  } else {
    try {
      await service.ensureBroadcasts();
    } catch (error) {
      service.log.warn({ err: error, topic }, 'realtime: Broadcast from Database is not streaming');
      joinError(socket, message, DATABASE_UNAVAILABLE);
      return;
    }
  }
  if (socket.closed) return;

  socket.channels.set(topic, channel);
  service.addChannel(channel);
  channel.scheduleTokenCheck(check.exp);

  // Subscriptions exist (and the replication stream is open) before the reply, so a change
  // committed after SUBSCRIBED is never missed. With `postgres_changes_options.wait` a failure
  // fails the join; otherwise the outcome follows the reply as a system message, as in Realtime.
  let changesError: string | null = null;
  if (config.changes.length) {
    changesError = await channel.subscribeChanges();
    if (channel.closed) return;
    if (changesError && config.waitForChanges) {
      channel.teardown();
      joinError(socket, message, `RealtimeDisabledForConfiguration: ${changesError}`);
      return;
    }
  }
  const reply = config.changes.map((params) => ({ ...params, id: bindingId(params) }));
  socket.reply(message, 'ok', { postgres_changes: reply });
  if (config.changes.length) channel.reportChanges(changesError);
  if (channel.presenceEnabled && channel.canReadPresence)
    channel.push('presence_state', service.presenceOf(channel.topicKey).state());
}
