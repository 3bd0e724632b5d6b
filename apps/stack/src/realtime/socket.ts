import type { IncomingHttpHeaders } from 'node:http';
import type { Logger } from 'pino';
import type WebSocket from 'ws';
import type { JwtClaims } from '../jwt.js';
import type { Channel } from './channel.js';
import { WindowCounter } from './limits.js';

/**
 * Phoenix socket framing as realtime-js speaks it. vsn 1.0.0: JSON objects; vsn 2.0.0:
 * JSON arrays `[join_ref, ref, topic, event, payload]` plus binary frames for user
 * broadcasts (kind 3 from clients, kind 4 to them).
 */
export type Vsn = '1.0.0' | '2.0.0';

/** A broadcast a v2 client sent as a binary kind-3 frame. */
export class UserBroadcastPush {
  constructor(
    readonly userEvent: string,
    readonly encoding: 'json' | 'binary',
    readonly data: Buffer,
    readonly metadata: Record<string, unknown>,
  ) {}
}

export interface Incoming {
  joinRef: string | null;
  ref: string | null;
  topic: string;
  event: string;
  payload: unknown;
}

export class FrameError extends Error {}

const KIND_USER_BROADCAST_PUSH = 3;
const KIND_USER_BROADCAST = 4;

const refOf = (value: unknown): string | null =>
  value === null || value === undefined ? null : typeof value === 'string' ? value : String(value);

export function decodeFrame(vsn: Vsn, data: Buffer, isBinary: boolean): Incoming {
  if (isBinary) {
    if (vsn !== '2.0.0') throw new FrameError('binary frames need vsn 2.0.0');
    return decodeBinary(data);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(data.toString('utf8'));
  } catch {
    throw new FrameError('invalid JSON');
  }
  if (vsn === '2.0.0') {
    if (!Array.isArray(parsed) || parsed.length < 5) throw new FrameError('expected V2 array');
    const [joinRef, ref, topic, event, payload] = parsed as unknown[];
    if (typeof topic !== 'string' || typeof event !== 'string')
      throw new FrameError('topic and event must be strings');
    return { joinRef: refOf(joinRef), ref: refOf(ref), topic, event, payload };
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new FrameError('expected a JSON object');
  const m = parsed as Record<string, unknown>;
  if (typeof m.topic !== 'string' || typeof m.event !== 'string' || !('payload' in m))
    throw new FrameError('topic, event and payload are required');
  return {
    joinRef: refOf(m.join_ref),
    ref: refOf(m.ref),
    topic: m.topic,
    event: m.event,
    payload: m.payload,
  };
}

function decodeBinary(data: Buffer): Incoming {
  if (data.length < 7 || data[0] !== KIND_USER_BROADCAST_PUSH)
    throw new FrameError('unsupported binary frame');
  const [joinRefLen, refLen, topicLen, eventLen, metaLen, encoding] = [...data.subarray(1, 7)] as number[];
  let offset = 7;
  const take = (n: number) => {
    if (offset + n > data.length) throw new FrameError('truncated binary frame');
    const s = data.subarray(offset, offset + n).toString('utf8');
    offset += n;
    return s;
  };
  const joinRef = take(joinRefLen as number);
  const ref = take(refLen as number);
  const topic = take(topicLen as number);
  const userEvent = take(eventLen as number);
  const metaText = take(metaLen as number);
  let metadata: Record<string, unknown> = {};
  if (metaText) {
    try {
      const parsed = JSON.parse(metaText) as unknown;
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
        metadata = parsed as Record<string, unknown>;
    } catch {
      throw new FrameError('invalid metadata JSON');
    }
  }
  const body = data.subarray(offset);
  return {
    joinRef: joinRef || null,
    ref: ref || null,
    topic,
    event: 'broadcast',
    payload: new UserBroadcastPush(
      userEvent,
      encoding === 0 ? 'binary' : 'json',
      Buffer.from(body),
      metadata,
    ),
  };
}

export function encodeText(
  vsn: Vsn,
  joinRef: string | null,
  ref: string | null,
  topic: string,
  event: string,
  payloadJson: string,
): string {
  const j = (v: string | null) => (v === null ? 'null' : JSON.stringify(v));
  if (vsn === '2.0.0')
    return `[${j(joinRef)},${j(ref)},${JSON.stringify(topic)},${JSON.stringify(event)},${payloadJson}]`;
  return `{"topic":${JSON.stringify(topic)},"event":${JSON.stringify(event)},"payload":${payloadJson},"ref":${j(ref)},"join_ref":${j(joinRef)}}`;
}

/**
 * Server → client user broadcast (kind 4), with optional JSON metadata (`meta` on the
 * client); null when a field is too long for the header.
 */
export function encodeUserBroadcast(
  topic: string,
  userEvent: string,
  encoding: 'json' | 'binary',
  data: Buffer,
  metadataJson?: string,
) {
  const t = Buffer.from(topic);
  const e = Buffer.from(userEvent);
  const m = Buffer.from(metadataJson ?? '');
  if (t.length > 255 || e.length > 255 || m.length > 255) return null;
  const header = Buffer.from([
    KIND_USER_BROADCAST,
    t.length,
    e.length,
    m.length,
    encoding === 'json' ? 1 : 0,
  ]);
  return Buffer.concat([header, t, e, m, data]);
}

export interface SocketInfo {
  vsn: Vsn;
  /** The API key's JWT the socket connected with: the default channel token. */
  token: string;
  claims: JwtClaims;
  headers: IncomingHttpHeaders;
}

/** What a socket needs from the service. */
export interface SocketHost {
  readonly log: Logger;
  readonly limits: import('./limits.js').RealtimeLimits;
  join(socket: RealtimeSocket, message: Incoming): Promise<void>;
  socketClosed(socket: RealtimeSocket): void;
}

/** Past this much unsent data the client is not keeping up and is disconnected. */
const MAX_BUFFERED_BYTES = 64 * 1024 * 1024;

/** One WebSocket connection: framing, heartbeats, limits, and routing to its channels. */
export class RealtimeSocket {
  readonly channels = new Map<string, Channel>();
  readonly joins = new WindowCounter(1_000);
  private readonly events = new WindowCounter(1_000);
  private badFrames = 0;
  private queue: Promise<void> = Promise.resolve();
  private lastSeen = Date.now();
  private idleTimer: NodeJS.Timeout;
  closed = false;

  constructor(
    private readonly host: SocketHost,
    private readonly ws: WebSocket,
    readonly info: SocketInfo,
  ) {
    ws.on('message', (data, isBinary) => this.onMessage(toBuffer(data), isBinary));
    ws.on('close', () => this.teardown());
    ws.on('error', () => this.teardown());
    const idle = host.limits.idleTimeoutMs;
    this.idleTimer = setInterval(
      () => {
        if (Date.now() - this.lastSeen > host.limits.idleTimeoutMs) this.close(1000, 'idle timeout');
      },
      Math.max(1_000, Math.floor(idle / 4)),
    );
    this.idleTimer.unref();
  }

  get vsn(): Vsn {
    return this.info.vsn;
  }

  private onMessage(data: Buffer, isBinary: boolean): void {
    this.lastSeen = Date.now();
    // Messages are handled one at a time, in order, as a Phoenix socket process would.
    this.queue = this.queue
      .then(() => this.handle(data, isBinary))
      .catch((error: unknown) => this.host.log.error({ err: error }, 'realtime: message handling failed'));
  }

  private async handle(data: Buffer, isBinary: boolean): Promise<void> {
    if (this.closed) return;
    let message: Incoming;
    try {
      message = decodeFrame(this.vsn, data, isBinary);
    } catch (error) {
      this.badFrames++;
      this.sendJson(null, null, 'phoenix', 'phx_reply', {
        status: 'error',
        response: { reason: `malformed message: ${(error as Error).message}` },
      });
      if (this.badFrames > this.host.limits.maxBadFrames) this.close(1008, 'too many malformed messages');
      return;
    }
    if (message.topic === 'phoenix') {
      if (message.event === 'heartbeat') this.reply(message, 'ok', {});
      else this.reply(message, 'error', { reason: 'unmatched topic' });
      return;
    }
    if (!this.events.take(this.host.limits.maxEventsPerSecond)) {
      this.reply(message, 'error', { reason: 'ClientRateLimitReached: Too many messages per second' });
      return;
    }
    if (message.event === 'phx_join') {
      await this.host.join(this, message);
      return;
    }
    const channel = this.channels.get(message.topic);
    if (!channel) {
      if (message.event === 'phx_leave') this.reply(message, 'ok', {});
      else this.reply(message, 'error', { reason: 'unmatched topic' });
      return;
    }
    await channel.handle(message);
  }

  reply(message: Incoming, status: 'ok' | 'error', response: unknown): void {
    if (message.ref === null && message.event !== 'phx_join') return;
    this.sendJson(message.joinRef, message.ref, message.topic, 'phx_reply', { status, response });
  }

  sendJson(joinRef: string | null, ref: string | null, topic: string, event: string, payload: unknown): void {
    this.sendText(encodeText(this.vsn, joinRef, ref, topic, event, JSON.stringify(payload)));
  }

  sendText(text: string): void {
    this.write(text);
  }

  sendBinary(data: Buffer): void {
    this.write(data);
  }

  private write(data: string | Buffer): void {
    if (this.closed || this.ws.readyState !== this.ws.OPEN) return;
    if (this.ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      this.close(1013, 'client is not reading fast enough');
      return;
    }
    this.ws.send(data, { binary: typeof data !== 'string' });
  }

  close(code = 1000, reason = ''): void {
    if (this.ws.readyState === this.ws.OPEN || this.ws.readyState === this.ws.CONNECTING)
      this.ws.close(code, reason);
    this.teardown();
  }

  private teardown(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.idleTimer);
    for (const channel of [...this.channels.values()]) channel.teardown();
    this.channels.clear();
    this.host.socketClosed(this);
  }
}

function toBuffer(data: WebSocket.RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data as ArrayBuffer);
}
