import pg from 'pg';
import type { Logger } from 'pino';
import { WebSocketServer } from 'ws';
import type { StackContext } from '../context.js';
import { Catalog } from './changes/catalog.js';
import { ChangeDispatcher } from './changes/dispatcher.js';
import { ReplicationReader } from './changes/reader.js';
import { type Channel, joinChannel } from './channel.js';
import { loadLimits, type RealtimeLimits } from './limits.js';
import { PresenceTopic } from './presence.js';
import { type Incoming, RealtimeSocket, type SocketHost, type SocketInfo } from './socket.js';

export const PUBLICATION = 'supabase_realtime';

/** How long a join waits for the replication stream to open before reporting an error. */
const STREAM_WAIT_MS = 10_000;

/** `harmony_realtime_<database>`, as a valid slot name (lowercase, digits, underscores, ≤63). */
export function slotNameFor(connectionString: string): string {
  const db = decodeURIComponent(new URL(connectionString).pathname.replace(/^\//, '') || 'postgres');
  return `harmony_realtime_${db.toLowerCase().replace(/[^a-z0-9_]/g, '_')}`.slice(0, 63);
}

/**
 * The Realtime server: WebSocket clients and their channels, topics for broadcast and
 * presence, and (started on the first postgres_changes subscription) the replication
 * stream feeding postgres_changes.
 */
export class RealtimeService implements SocketHost {
  readonly log: Logger;
  readonly limits: RealtimeLimits = loadLimits();
  readonly catalog: Catalog;
  readonly dispatcher: ChangeDispatcher;
  readonly wss: WebSocketServer;
  /** Own authenticator pool for RLS checks, so change fan-out never starves the REST API. */
  private readonly rlsPool: pg.Pool;
  private reader: ReplicationReader | null = null;
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

  /** Opens the replication stream (creating the slot) if needed; resolves once it streams. */
  async ensureChanges(): Promise<void> {
    if (this.stopped) throw new Error('Realtime is shutting down');
    if (!this.reader) {
      const connectionString = this.ctx.db.admin.options.connectionString as string;
      this.reader = new ReplicationReader({
        connectionString,
        admin: this.ctx.db.admin,
        slotName: slotNameFor(connectionString),
        publication: PUBLICATION,
        handler: this.dispatcher,
        log: this.log,
      });
    }
    const reader = this.reader;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error('the replication stream did not open in time')),
        STREAM_WAIT_MS,
      );
    });
    try {
      await Promise.race([reader.start().then(() => reader.whenStreaming()), timeout]);
    } catch (error) {
      if (this.reader === reader && !reader.isStreaming) {
        // Start over on the next subscription rather than keep a reader that never streamed.
        this.log.error({ err: error }, 'realtime: could not open the replication stream');
      }
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
    await this.reader?.stop();
    await this.rlsPool.end().catch(() => undefined);
  }
}
