import { EventEmitter } from 'node:events';
import pg from 'pg';
import type { Logger } from 'pino';
import { isDatabaseUnavailable } from '../../db-errors.js';
import {
  type DeleteMessage,
  decodeCopyData,
  decodePgoutput,
  formatLsn,
  type InsertMessage,
  type Lsn,
  type RelationMessage,
  standbyStatusUpdate,
  type UpdateMessage,
} from './pgoutput.js';

export type Change =
  | (InsertMessage & { relation: RelationMessage })
  | (UpdateMessage & { relation: RelationMessage })
  | (DeleteMessage & { relation: RelationMessage });

export interface Transaction {
  xid: number;
  /** LSN of the commit record; `endLsn` is just past it (what the slot is confirmed up to). */
  commitLsn: Lsn;
  endLsn: Lsn;
  /** Microseconds since 2000-01-01 (PostgreSQL epoch). */
  commitTime: bigint;
  changes: Change[];
}

export interface TransactionHandler {
  /**
   * Prepares a transaction's delivery (policy checks may run here, concurrently with other
   * transactions) and returns the function that delivers it. Deliveries run strictly in
   * commit order. A rejection is retried when it looks like a lost connection.
   */
  prepare(tx: Transaction): Promise<() => void>;
  /** A Relation message arrived: the table's shape may have changed. */
  relation(relation: RelationMessage): void;
}

export interface ReaderOptions {
  /** A role with REPLICATION (Supabase's Realtime connects as supabase_admin). */
  connectionString: string;
  /** Privileged pool for creating and dropping the slot. */
  admin: pg.Pool;
  slotName: string;
  /** Publications streamed through the slot (pgoutput takes several). */
  publications: string[];
  handler: TransactionHandler;
  log: Logger;
  /** Minimum interval between standby status updates after deliveries. */
  feedbackIntervalMs?: number;
}

/** A query object that keeps the walsender's CopyBoth stream flowing to us. */
class ReplicationQuery extends EventEmitter {
  constructor(readonly text: string) {
    super();
  }
  submit(connection: { query(text: string): void }): void {
    connection.query(this.text);
  }
  handleCopyData(msg: { chunk: Buffer }): void {
    this.emit('copyData', msg.chunk);
  }
  handleError(error: Error): void {
    this.emit('failed', error);
  }
  handleReadyForQuery(): void {
    this.emit('ended');
  }
  handleCommandComplete(): void {}
  handleRowDescription(): void {}
  handleDataRow(): void {}
  handleEmptyQuery(): void {}
  handlePortalSuspended(): void {}
  handleCopyInResponse(): void {}
}

interface PgConnection {
  sendCopyFromChunk(chunk: Buffer): void;
  on(event: 'replicationStart', listener: () => void): void;
}

/**
 * Streams publications (e.g. `supabase_realtime`) from a pgoutput logical replication slot.
 * The slot is confirmed only up to what has been delivered; after a lost connection the
 * reader reconnects and resumes from there, skipping transactions it already handled.
 */
export class ReplicationReader {
  private client: pg.Client | null = null;
  private generation = 0;
  private stopped = false;
  private started: Promise<void> | null = null;
  private readyWaiters: { resolve: () => void; reject: (error: Error) => void }[] = [];
  private streaming = false;
  private backoffMs = 100;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private feedbackTimer: NodeJS.Timeout | null = null;

  private readonly relations = new Map<number, RelationMessage>();
  private current: Transaction | null = null;
  /** Everything up to here has been delivered (or had nothing to deliver). */
  private confirmed: Lsn = 0n;
  /** Highest commit end queued for delivery: anything at or below it is a replay. */
  private received: Lsn = 0n;
  private lastFeedback: Lsn = 0n;
  private depth = 0;
  private tail: Promise<void> = Promise.resolve();

  constructor(private readonly options: ReaderOptions) {}

  /** Creates the slot and starts streaming; resolves once the stream is open. */
  start(): Promise<void> {
    if (!this.started) {
      this.started = (async () => {
        await this.createSlot(true);
        const ready = this.whenStreaming();
        this.connect();
        await ready;
      })();
      this.started.catch(() => {
        this.started = null;
      });
    }
    return this.started;
  }

  /** Resolves when the stream is open (immediately if it is). */
  whenStreaming(): Promise<void> {
    if (this.streaming) return Promise.resolve();
    return new Promise((resolve, reject) => this.readyWaiters.push({ resolve, reject }));
  }

  get isStreaming(): boolean {
    return this.streaming;
  }

  /** The backend pid of the walsender, for tests that kill it. */
  async walsenderPid(): Promise<number | null> {
    const { rows } = await this.options.admin.query<{ pid: number | null }>(
      'select active_pid as pid from pg_replication_slots where slot_name = $1',
      [this.options.slotName],
    );
    return rows[0]?.pid ?? null;
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    if (this.feedbackTimer) clearTimeout(this.feedbackTimer);
    for (const waiter of this.readyWaiters.splice(0)) waiter.reject(new Error('replication stopped'));
    const client = this.client;
    this.client = null;
    this.streaming = false;
    if (client) {
      this.sendFeedback(client, true);
      await client.end().catch(() => undefined);
    }
    if (this.started) await this.dropSlot();
  }

  private async createSlot(fresh: boolean): Promise<void> {
    const { admin, slotName } = this.options;
    if (fresh) {
      // A slot left by a previous run has nobody waiting for its changes: start clean.
      await admin.query(
        `select pg_drop_replication_slot(slot_name) from pg_replication_slots
          where slot_name = $1 and not active`,
        [slotName],
      );
    }
    const { rows } = await admin.query<{ lsn: string | null }>(
      `select (pg_create_logical_replication_slot($1, 'pgoutput')).lsn::text as lsn
        where not exists (select from pg_replication_slots where slot_name = $1)`,
      [slotName],
    );
    if (fresh && !rows.length) throw new Error(`replication slot ${slotName} is in use by another process`);
  }

  private async dropSlot(): Promise<void> {
    const { admin, slotName } = this.options;
    for (let attempt = 0; attempt < 40; attempt++) {
      try {
        const { rows } = await admin.query<{ active: boolean; pid: number | null }>(
          'select active, active_pid as pid from pg_replication_slots where slot_name = $1',
          [slotName],
        );
        const slot = rows[0];
        if (!slot) return;
        if (!slot.active) {
          await admin.query('select pg_drop_replication_slot($1)', [slotName]);
          return;
        }
        // Our walsender is on its way out; after a while, make sure of it.
        if (attempt >= 10 && slot.pid) await admin.query('select pg_terminate_backend($1)', [slot.pid]);
      } catch (error) {
        if (attempt === 39)
          this.options.log.warn({ err: error }, 'realtime: could not drop replication slot');
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  private connect(): void {
    if (this.stopped) return;
    const generation = ++this.generation;
    const client = new pg.Client({
      connectionString: this.options.connectionString,
      replication: 'database',
      // Values are rendered in the session's time zone and date style, as on Supabase (UTC, ISO).
      options: '-c TimeZone=UTC -c DateStyle=ISO,MDY -c IntervalStyle=postgres -c extra_float_digits=1',
    } as pg.ClientConfig);
    this.client = client;
    const lost = (error?: unknown) => {
      if (generation !== this.generation || this.stopped) return;
      this.generation++;
      // Said once per outage: the retries while the database stays down are only debug.
      const level = this.streaming ? 'warn' : 'debug';
      this.streaming = false;
      this.client = null;
      this.current = null;
      client.end().catch(() => undefined);
      this.options.log[level]({ err: error }, 'realtime: replication connection lost, reconnecting');
      this.scheduleReconnect();
    };
    client.on('error', lost);
    client.on('end', () => lost(new Error('connection ended')));
    client
      .connect()
      .then(() => {
        if (generation !== this.generation) return;
        const start = formatLsn(this.confirmed);
        const query = new ReplicationQuery(
          `START_REPLICATION SLOT ${pg.escapeIdentifier(this.options.slotName)} LOGICAL ${start} ` +
            `(proto_version '1', publication_names ${pg.escapeLiteral(this.options.publications.map((p) => pg.escapeIdentifier(p)).join(','))})`,
        );
        const connection = (client as unknown as { connection: PgConnection }).connection;
        connection.on('replicationStart', () => {
          if (generation !== this.generation) return;
          this.streaming = true;
          this.backoffMs = 100;
          for (const waiter of this.readyWaiters.splice(0)) waiter.resolve();
        });
        query.on('copyData', (chunk: Buffer) => {
          if (generation !== this.generation) return;
          try {
            this.onCopyData(client, chunk);
          } catch (error) {
            lost(error);
          }
        });
        query.on('failed', (error: Error & { code?: string }) => {
          if (error.code === '42704' && !this.stopped) {
            // The slot vanished (database reset): create it again and carry on.
            this.createSlot(false).catch(() => undefined);
          }
          lost(error);
        });
        query.on('ended', () => lost(new Error('replication stream ended')));
        client.query(query as unknown as pg.QueryConfig);
      })
      .catch(lost);
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.reconnectTimer) return;
    const delay = this.backoffMs;
    // At most a second apart, so changes flow again within about a second of the database's return.
    this.backoffMs = Math.min(this.backoffMs * 2, 1_000);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.connect();
    }, delay);
  }

  private onCopyData(client: pg.Client, chunk: Buffer): void {
    const message = decodeCopyData(chunk);
    if (!message) return;
    if (message.tag === 'keepalive') {
      // Nothing in flight: everything the server has sent so far is handled.
      if (!this.current && this.depth === 0 && message.walEnd > this.confirmed) {
        this.confirmed = message.walEnd;
        if (message.walEnd > this.received) this.received = message.walEnd;
      }
      if (message.replyRequested) this.sendFeedback(client, true);
      return;
    }
    const msg = decodePgoutput(message.body);
    switch (msg.tag) {
      case 'begin':
        this.current = {
          xid: msg.xid,
          commitLsn: msg.finalLsn,
          endLsn: 0n,
          commitTime: msg.commitTime,
          changes: [],
        };
        return;
      case 'relation':
        this.relations.set(msg.relid, msg);
        this.options.handler.relation(msg);
        return;
      case 'insert':
      case 'update':
      case 'delete': {
        const relation = this.relations.get(msg.relid);
        if (this.current && relation) this.current.changes.push({ ...msg, relation } as Change);
        return;
      }
      case 'commit': {
        const tx = this.current;
        this.current = null;
        if (!tx) return;
        tx.endLsn = msg.endLsn;
        this.enqueue(tx);
        return;
      }
      default:
        return;
    }
  }

  private enqueue(tx: Transaction): void {
    if (tx.endLsn <= this.received) return; // resent after a reconnect: already handled
    this.received = tx.endLsn;
    this.depth++;
    const prepared = tx.changes.length ? this.prepareWithRetry(tx) : Promise.resolve(null);
    this.tail = this.tail.then(async () => {
      const deliver = await prepared;
      try {
        deliver?.();
      } catch (error) {
        this.options.log.error({ err: error }, 'realtime: delivering changes failed');
      }
      if (tx.endLsn > this.confirmed) this.confirmed = tx.endLsn;
      this.depth--;
      this.scheduleFeedback();
    });
  }

  private async prepareWithRetry(tx: Transaction): Promise<(() => void) | null> {
    let delay = 100;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.options.handler.prepare(tx);
      } catch (error) {
        if (this.stopped || !isDatabaseUnavailable(error) || attempt >= 100) {
          this.options.log.error({ err: error, xid: tx.xid }, 'realtime: dropping a transaction');
          return null;
        }
        await new Promise((resolve) => setTimeout(resolve, delay));
        delay = Math.min(delay * 2, 2_000);
      }
    }
  }

  private scheduleFeedback(): void {
    if (this.feedbackTimer || this.stopped) return;
    this.feedbackTimer = setTimeout(() => {
      this.feedbackTimer = null;
      if (this.client && this.streaming) this.sendFeedback(this.client, false);
    }, this.options.feedbackIntervalMs ?? 1_000);
  }

  private sendFeedback(client: pg.Client, force: boolean): void {
    if (!force && this.confirmed === this.lastFeedback) return;
    try {
      const connection = (client as unknown as { connection: PgConnection }).connection;
      connection.sendCopyFromChunk(standbyStatusUpdate(this.confirmed));
      this.lastFeedback = this.confirmed;
    } catch {
      // The connection is going away; the next one resumes from `confirmed`.
    }
  }
}
