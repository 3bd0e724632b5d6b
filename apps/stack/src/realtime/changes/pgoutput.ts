/**
 * Decoder for the logical replication protocol as a walsender streams it: the CopyData
 * envelopes (XLogData, primary keepalive) and the pgoutput plugin's messages inside them
 * (protocol version 1: Begin, Relation, Insert, Update, Delete, Truncate, Commit).
 */

/** Microseconds between the Unix epoch and PostgreSQL's epoch (2000-01-01). */
const PG_EPOCH_MICROS = 946_684_800_000_000n;

export type Lsn = bigint;

export function formatLsn(lsn: Lsn): string {
  return `${(lsn >> 32n).toString(16).toUpperCase()}/${(lsn & 0xffffffffn).toString(16).toUpperCase()}`;
}

export function parseLsn(text: string): Lsn {
  const [high, low] = text.split('/');
  return (BigInt(`0x${high}`) << 32n) | BigInt(`0x${low}`);
}

/** PostgreSQL timestamps (µs since 2000-01-01) as Unix microseconds. */
export function pgMicrosToUnixMicros(value: bigint): bigint {
  return value + PG_EPOCH_MICROS;
}

export function nowAsPgMicros(): bigint {
  return BigInt(Date.now()) * 1000n - PG_EPOCH_MICROS;
}

export interface RelationColumn {
  /** Part of the replica identity (pgoutput's key flag). */
  key: boolean;
  name: string;
  typeOid: number;
  typeMod: number;
}

export interface RelationMessage {
  tag: 'relation';
  relid: number;
  schema: string;
  table: string;
  /** d = default (primary key), n = nothing, f = full, i = index. */
  replicaIdentity: string;
  columns: RelationColumn[];
}

/** One column of a tuple: null, an unchanged TOASTed value (not sent) or its text form. */
export type TupleValue = null | undefined | string;

/** A tuple's values by column name; columns not sent (unchanged TOAST) are left out. */
export function tupleMap(relation: RelationMessage, tuple: TupleValue[] | null): Map<string, string | null> {
  const row = new Map<string, string | null>();
  if (!tuple) return row;
  relation.columns.forEach((col, i) => {
    const v = tuple[i];
    if (v !== undefined) row.set(col.name, v);
  });
  return row;
}

export interface BeginMessage {
  tag: 'begin';
  finalLsn: Lsn;
  commitTime: bigint;
  xid: number;
}

export interface CommitMessage {
  tag: 'commit';
  commitLsn: Lsn;
  endLsn: Lsn;
  commitTime: bigint;
}

export interface InsertMessage {
  tag: 'insert';
  relid: number;
  newTuple: TupleValue[];
}

export interface UpdateMessage {
  tag: 'update';
  relid: number;
  /** 'K' = identity key only, 'O' = the full old row (REPLICA IDENTITY FULL), null = not sent. */
  oldKind: 'K' | 'O' | null;
  oldTuple: TupleValue[] | null;
  newTuple: TupleValue[];
}

export interface DeleteMessage {
  tag: 'delete';
  relid: number;
  oldKind: 'K' | 'O';
  oldTuple: TupleValue[];
}

export interface TruncateMessage {
  tag: 'truncate';
  relids: number[];
}

export interface OtherMessage {
  tag: 'other';
  code: string;
}

export type PgoutputMessage =
  | BeginMessage
  | CommitMessage
  | RelationMessage
  | InsertMessage
  | UpdateMessage
  | DeleteMessage
  | TruncateMessage
  | OtherMessage;

class Reader {
  offset = 0;
  constructor(private readonly buf: Buffer) {}
  byte(): number {
    const v = this.buf.readUInt8(this.offset);
    this.offset += 1;
    return v;
  }
  char(): string {
    return String.fromCharCode(this.byte());
  }
  int16(): number {
    const v = this.buf.readInt16BE(this.offset);
    this.offset += 2;
    return v;
  }
  int32(): number {
    const v = this.buf.readInt32BE(this.offset);
    this.offset += 4;
    return v;
  }
  uint32(): number {
    const v = this.buf.readUInt32BE(this.offset);
    this.offset += 4;
    return v;
  }
  int64(): bigint {
    const v = this.buf.readBigInt64BE(this.offset);
    this.offset += 8;
    return v;
  }
  uint64(): bigint {
    const v = this.buf.readBigUInt64BE(this.offset);
    this.offset += 8;
    return v;
  }
  cstring(): string {
    const end = this.buf.indexOf(0, this.offset);
    if (end < 0) throw new Error('pgoutput: unterminated string');
    const v = this.buf.toString('utf8', this.offset, end);
    this.offset = end + 1;
    return v;
  }
  bytes(length: number): Buffer {
    const v = this.buf.subarray(this.offset, this.offset + length);
    this.offset += length;
    return v;
  }
  tuple(): TupleValue[] {
    const count = this.int16();
    const values: TupleValue[] = new Array(count);
    for (let i = 0; i < count; i++) {
      const kind = this.char();
      if (kind === 'n') values[i] = null;
      else if (kind === 'u') values[i] = undefined;
      else if (kind === 't' || kind === 'b') values[i] = this.bytes(this.int32()).toString('utf8');
      else throw new Error(`pgoutput: unknown tuple value kind ${kind}`);
    }
    return values;
  }
}

export function decodePgoutput(buf: Buffer): PgoutputMessage {
  const r = new Reader(buf);
  const code = r.char();
  switch (code) {
    case 'B':
      return { tag: 'begin', finalLsn: r.uint64(), commitTime: r.int64(), xid: r.uint32() };
    case 'C': {
      r.byte(); // flags, unused
      return { tag: 'commit', commitLsn: r.uint64(), endLsn: r.uint64(), commitTime: r.int64() };
    }
    case 'R': {
      const relid = r.uint32();
      const schema = r.cstring();
      const table = r.cstring();
      const replicaIdentity = r.char();
      const count = r.int16();
      const columns: RelationColumn[] = [];
      for (let i = 0; i < count; i++) {
        const flags = r.byte();
        columns.push({ key: (flags & 1) === 1, name: r.cstring(), typeOid: r.uint32(), typeMod: r.int32() });
      }
      return { tag: 'relation', relid, schema, table, replicaIdentity, columns };
    }
    case 'I': {
      const relid = r.uint32();
      r.char(); // 'N'
      return { tag: 'insert', relid, newTuple: r.tuple() };
    }
    case 'U': {
      const relid = r.uint32();
      let kind = r.char();
      let oldKind: 'K' | 'O' | null = null;
      let oldTuple: TupleValue[] | null = null;
      if (kind === 'K' || kind === 'O') {
        oldKind = kind;
        oldTuple = r.tuple();
        kind = r.char();
      }
      if (kind !== 'N') throw new Error(`pgoutput: unexpected update tuple kind ${kind}`);
      return { tag: 'update', relid, oldKind, oldTuple, newTuple: r.tuple() };
    }
    case 'D': {
      const relid = r.uint32();
      const kind = r.char();
      if (kind !== 'K' && kind !== 'O') throw new Error(`pgoutput: unexpected delete tuple kind ${kind}`);
      return { tag: 'delete', relid, oldKind: kind, oldTuple: r.tuple() };
    }
    case 'T': {
      const count = r.int32();
      r.byte(); // options
      const relids: number[] = [];
      for (let i = 0; i < count; i++) relids.push(r.uint32());
      return { tag: 'truncate', relids };
    }
    default:
      // Origin ('O'), Type ('Y'), logical decoding messages ('M'): nothing Realtime forwards.
      return { tag: 'other', code };
  }
}

export type CopyDataMessage =
  | { tag: 'xlog'; walStart: Lsn; walEnd: Lsn; body: Buffer }
  | { tag: 'keepalive'; walEnd: Lsn; replyRequested: boolean };

/** The walsender's CopyData envelopes. */
export function decodeCopyData(buf: Buffer): CopyDataMessage | null {
  const code = String.fromCharCode(buf[0] ?? 0);
  if (code === 'w') {
    return {
      tag: 'xlog',
      walStart: buf.readBigUInt64BE(1),
      walEnd: buf.readBigUInt64BE(9),
      body: buf.subarray(25),
    };
  }
  if (code === 'k') {
    return { tag: 'keepalive', walEnd: buf.readBigUInt64BE(1), replyRequested: buf[17] === 1 };
  }
  return null;
}

/** Standby status update: everything up to `lsn` is written, flushed and applied. */
export function standbyStatusUpdate(lsn: Lsn, replyRequested = false): Buffer {
  const buf = Buffer.alloc(34);
  buf.write('r', 0, 'ascii');
  buf.writeBigUInt64BE(lsn, 1);
  buf.writeBigUInt64BE(lsn, 9);
  buf.writeBigUInt64BE(lsn, 17);
  buf.writeBigInt64BE(nowAsPgMicros(), 25);
  buf.writeUInt8(replyRequested ? 1 : 0, 33);
  return buf;
}
