import type { Logger } from 'pino';
import { type AccessHost, isAccessChange, recheckAccess } from './access-watch.js';
import type { OutgoingBroadcast } from './broadcast.js';
import { type RelationMessage, tupleMap } from './changes/pgoutput.js';
import type { Change, Transaction, TransactionHandler } from './changes/reader.js';

/** Realtime's publication for Broadcast from Database (ReplicationConnection.publication_name). */
export const MESSAGES_PUBLICATION = 'supabase_realtime_messages_publication';

/** What the handler needs from the Realtime service. */
export interface BroadcastHost extends AccessHost {
  readonly log: Logger;
  readonly limits: { maxPayloadBytes: number };
  /** Sends to the topic's channels that may read broadcasts. */
  deliver(topicKey: string, message: OutgoingBroadcast): void;
}

interface Outgoing {
  topicKey: string;
  message: OutgoingBroadcast;
}

/** realtime.messages or, on Supabase, one of its daily partitions (messages_YYYY_MM_DD). */
const isMessages = (relation: RelationMessage) =>
  relation.schema === 'realtime' && relation.table.startsWith('messages');

/**
 * Broadcast from Database, as Realtime's ReplicationConnection does it: every row inserted
 * into realtime.messages (by realtime.send, realtime.broadcast_changes or directly) goes to
 * the sockets joined to its topic (public rows to public channels, private rows to private
 * channels whose join passed the SELECT policies) as a user broadcast: `event` = the row's
 * event, `payload` = its payload (or binary_payload), `meta` = `{id}`. Rows without a
 * topic, event, private flag or payload are skipped, as are updates and deletes. The same
 * stream carries the permission tables, whose changes re-check affected private joins.
 */
export class DatabaseBroadcasts implements TransactionHandler {
  constructor(private readonly host: BroadcastHost) {}

  relation(): void {}

  async prepare(tx: Transaction): Promise<() => void> {
    const outgoing: Outgoing[] = [];
    const access: Change[] = [];
    for (const change of tx.changes) {
      if (isMessages(change.relation)) {
        if (change.tag !== 'insert') continue;
        const item = this.toBroadcast(tupleMap(change.relation, change.newTuple));
        if (item) outgoing.push(item);
      } else if (isAccessChange(change)) {
        access.push(change);
      }
    }
    const revoke = access.length ? await recheckAccess(this.host, tx.xid, access) : null;
    return () => {
      for (const { topicKey, message } of outgoing) this.host.deliver(topicKey, message);
      // The revoking transaction's own broadcasts still arrive (they may say why); nothing after.
      revoke?.();
    };
  }

  private toBroadcast(row: Map<string, string | null>): Outgoing | null {
    const topic = row.get('topic');
    const event = row.get('event');
    const id = row.get('id');
    const privateFlag = row.get('private');
    const binary = row.get('binary_payload');
    const json = row.get('payload');
    const skip = (reason: string) => {
      this.host.log.warn({ topic, reason }, 'realtime: UnableToBroadcastChanges');
      return null;
    };
    if (!row.get('inserted_at')) return skip('inserted_at_missing');
    if (!event) return skip('event_missing');
    if (!id) return skip('id_missing');
    if (!topic) return skip('topic_missing');
    if (!privateFlag) return skip('private_missing');
    let data: Buffer;
    let encoding: 'json' | 'binary';
    if (binary) {
      data = Buffer.from(binary.slice(2), 'hex'); // bytea text output: \x<hex>
      encoding = 'binary';
    } else if (json) {
      data = Buffer.from(json);
      encoding = 'json';
    } else {
      return skip('payload_missing');
    }
    if (data.length > this.host.limits.maxPayloadBytes) return skip('payload_size_exceeded');
    return {
      topicKey: `${privateFlag === 't' ? 'private' : 'public'}:${topic}`,
      message: { kind: 'user', event, encoding, data, metaJson: JSON.stringify({ id }) },
    };
  }
}
