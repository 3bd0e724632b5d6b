import { createHash } from 'node:crypto';
import pg from 'pg';
import type { Logger } from 'pino';
import { WebSocketServer } from 'ws';
import type { StackContext } from '../context.js';
import { isDatabaseUnavailable } from '../db-errors.js';
import { ACCESS_PUBLICATION, ensureAccessPublication } from './access-watch.js';
import { deliverBroadcast, type OutgoingBroadcast } from './broadcast.js';
import { Catalog } from './changes/catalog.js';
import { ChangeDispatcher } from './changes/dispatcher.js';
import { ReplicationReader } from './changes/reader.js';
import { type Channel, joinChannel } from './channel.js';
import { type BroadcastHost, DatabaseBroadcasts, MESSAGES_PUBLICATION } from './from-database.js';
import { MessagesJanitor } from './janitor.js';
import { loadLimits, type RealtimeLimits } from './limits.js';
import { PresenceTopic } from './presence.js';
import { type Incoming, RealtimeSocket, type SocketHost, type SocketInfo } from './socket.js';

export const PUBLICATION = 'supabase_realtime';

/** How long a join waits for the replication stream to open before reporting an error. */
const STREAM_WAIT_MS = 10_000;

/**
 * `<prefix><database>` as a valid slot name (lowercase, digits, underscores, ≤63): slots are
 * per cluster, so the database tells apart stacks sharing one. Too long: cut, plus a hash.
 */
export function slotNameFor(connectionString: string, prefix = 'harmony_realtime_'): string {
  const db = decodeURIComponent(new URL(connectionString).pathname.replace(/^\//, '') || 'postgres');
  const name = `${prefix}${db.toLowerCase().replace(/[^a-z0-9_]/g, '_')}`;
  if (name.length <= 63) return name;
  return `${name.slice(0, 54)}_${createHash('sha256').update(db).digest('hex').slice(0, 8)}`;
}

/** Realtime's Broadcast from Database slot (`supabase_realtime_messages_replication_slot_<suffix>`). */
const MESSAGES_SLOT_PREFIX = 'supabase_realtime_messages_replication_slot_';

/**
 * The Realtime server: WebSocket clients and their channels, topics for broadcast and
 * presence, two replication streams (started on the first join: realtime.messages for
 * Broadcast from Database plus the permission tables for revocation; started on the first
 * postgres_changes subscription: the tables feeding postgres_changes), and the janitor.
 */
export class RealtimeService implements SocketHost, BroadcastHost {
  readonly log: Logger;
  readonly limits: RealtimeLimits = loadLimits();
  readonly catalog: Catalog;
  readonly dispatcher: ChangeDispatcher;
  readonly wss: WebSocketServer;
  /** Own authenticator pool for RLS checks, so change fan-out never starves the REST API. */
  private readonly rlsPool: pg.Pool;
  private reader: ReplicationReader | null = null;
  private broadcastReader: ReplicationReader | null = null;
  private broadcastsStarted: Promise<void> | null = null;
  private readonly janitor: MessagesJanitor;
  readonly pendingJoins = new Set<Channel>();
  private readonly topics = new Map<string, Set<Channel>>();
  private readonly presences = new Map<string, PresenceTopic>();
  private readonly sockets = new Set<RealtimeSocket>();
  private stopped = false;

  constructor(readonly ctx: StackContext) {
    this.log = ctx.log;
    this.rlsPool = new pg.Pool({
      connectionString: ctx.db.authenticator.options.connectionString,
      max: 8,
      // Kept open: a change's fan-out should not wait for connections to be made.
      idleTimeoutMillis: 0,
    });
    this.rlsPool.on('error', () => undefined);
    this.catalog = new Catalog(ctx.db.admin);
    this.dispatcher = new ChangeDispatcher(this.catalog, this.rlsPool, PUBLICATION, this.log);
    this.janitor = new MessagesJanitor(ctx.db.admin, this.log);
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: this.limits.maxFrameBytes,
      perMessageDeflate: false,
    });
  }

  /** The replication reader, once postgres_changes has been used (tests use it). */
  get replication(): ReplicationReader | null {
    return this.reader;
  }

  /** The Broadcast from Database reader, once a channel has been joined (tests use it). */
  get broadcastReplication(): ReplicationReader | null {
    return this.broadcastReader;
  }

  get messagesJanitor(): MessagesJanitor {
    return this.janitor;
  }

  get admin(): pg.Pool {
    return this.ctx.db.admin;
  }

  get socketCount(): number {
    return this.sockets.size;
  }

  accept(ws: import('ws').WebSocket, info: SocketInfo): void {
    if (this.stopped) {
      ws.close(1001, 'server shutting down');
      return;
    }
    this.sockets.add(new RealtimeSocket(this, ws, info));
  }

  join(socket: RealtimeSocket, message: Incoming): Promise<void> {
    return joinChannel(this, socket, message);
  }

  socketClosed(socket: RealtimeSocket): void {
    this.sockets.delete(socket);
  }

  addChannel(channel: Channel): void {
    let set = this.topics.get(channel.topicKey);
    if (!set) {
      set = new Set();
      this.topics.set(channel.topicKey, set);
    }
    set.add(channel);
  }

  removeChannel(channel: Channel): void {
    const set = this.topics.get(channel.topicKey);
    if (!set) return;
    set.delete(channel);
    if (!set.size) this.topics.delete(channel.topicKey);
  }

  channelsOf(topicKey: string): ReadonlySet<Channel> | undefined {
    return this.topics.get(topicKey);
  }

  *privateReaders(): Iterable<Channel> {
    for (const [key, channels] of this.topics) if (key.startsWith('private:')) yield* channels;
  }

  deliver(topicKey: string, message: OutgoingBroadcast): void {
    deliverBroadcast(this, topicKey, message, null);
  }

  presenceOf(topicKey: string): PresenceTopic {
    let presence = this.presences.get(topicKey);
    if (!presence) {
      presence = new PresenceTopic();
      this.presences.set(topicKey, presence);
    }
    return presence;
  }

  dropPresenceIfEmpty(topicKey: string): void {
    if (this.presences.get(topicKey)?.isEmpty) this.presences.delete(topicKey);
  }

  /** Opens the postgres_changes stream (creating the slot) if needed; resolves once it streams. */
  ensureChanges(): Promise<void> {
    if (this.stopped) return Promise.reject(new Error('Realtime is shutting down'));
    if (!this.reader) {
      const connectionString = this.ctx.db.admin.options.connectionString as string;
      this.reader = new ReplicationReader({
        connectionString,
        admin: this.ctx.db.admin,
        slotName: slotNameFor(connectionString),
        publications: [PUBLICATION],
        handler: this.dispatcher,
        log: this.log,
      });
    }
    const reader = this.reader;
    return this.withinStreamWait(reader.start().then(() => reader.whenStreaming()));
  }

  /**
   * Opens the Broadcast from Database stream if needed (its publications made sure of first,
   * as Realtime does) and starts the janitor; resolves once it has streamed. Its slot keeps
   * rows committed while the stream reconnects, so later joins need not wait for that.
   */
  ensureBroadcasts(): Promise<void> {
    if (this.stopped) return Promise.reject(new Error('Realtime is shutting down'));
    this.broadcastsStarted ??= this.startBroadcasts().catch((error: unknown) => {
      this.broadcastsStarted = null;
      throw error;
    });
    return this.withinStreamWait(this.broadcastsStarted);
  }

  private async startBroadcasts(): Promise<void> {
    if (!this.broadcastReader) {
      const connectionString = this.ctx.db.admin.options.connectionString as string;
      this.broadcastReader = new ReplicationReader({
        connectionString,
        admin: this.ctx.db.admin,
        slotName: slotNameFor(connectionString, MESSAGES_SLOT_PREFIX),
        publications: await this.ensurePublications(),
        handler: new DatabaseBroadcasts(this),
        log: this.log,
      });
      this.janitor.start();
    }
    await this.broadcastReader.start();
  }

  /** The publications to stream: Realtime's, and the stack's own for revocation if it can be had. */
  private async ensurePublications(): Promise<string[]> {
    const admin = this.ctx.db.admin;
    await admin.query(
      `do $$ begin
         if not exists (select from pg_publication where pubname = '${MESSAGES_PUBLICATION}') then
           create publication ${MESSAGES_PUBLICATION} for table realtime.messages;
         end if;
       end $$`,
    );
    try {
      await ensureAccessPublication(admin);
      return [MESSAGES_PUBLICATION, ACCESS_PUBLICATION];
    } catch (error) {
      if (isDatabaseUnavailable(error)) throw error;
      this.log.warn(
        { err: error },
        'realtime: no access publication; private joins are re-checked on token refresh only',
      );
      return [MESSAGES_PUBLICATION];
    }
  }

  /** Waits for a stream to open, up to STREAM_WAIT_MS. */
  private async withinStreamWait(open: Promise<void>): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error('the replication stream did not open in time')),
        STREAM_WAIT_MS,
      );
    });
    try {
      await Promise.race([open, timeout]);
    } catch (error) {
      this.log.error({ err: error }, 'realtime: could not open the replication stream');
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Closes every socket, then stops replication (dropping the slot) and the pools. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const socket of [...this.sockets]) socket.close(1001, 'server shutting down');
    this.sockets.clear();
    // Give clients a moment to answer the close frame, then drop whoever has not.
    if (this.wss.clients.size) await new Promise((resolve) => setTimeout(resolve, 100));
    for (const ws of this.wss.clients) ws.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    await Promise.all([this.reader?.stop(), this.broadcastReader?.stop(), this.janitor.stop()]);
    await this.rlsPool.end().catch(() => undefined);
  }
}
