import { type Extension, type PolicyContext, policyContext, writePolicies } from './authorize.js';
import type { Channel } from './channel.js';
import type { PresenceDiff } from './presence.js';
import type { RealtimeService } from './service.js';
import { encodeText, encodeUserBroadcast } from './socket.js';
import { checkToken } from './token.js';

/**
 * A broadcast on its way to subscribers: a JSON map `{type, event, payload, meta?}` (from v1
 * clients, text frames, the HTTP API), or a user broadcast (a v2 client's binary push, a
 * realtime.messages row), which v2 subscribers receive as a binary kind-4 frame and v1
 * subscribers as JSON (if it is JSON). `metaJson` is the JSON text of its metadata.
 */
export type OutgoingBroadcast =
  | { kind: 'json'; payload: Record<string, unknown> }
  | { kind: 'user'; event: string; encoding: 'json' | 'binary'; data: Buffer; metaJson?: string };

/** Sends to every channel of the topic that may read broadcasts, except `except`. */
export function deliverBroadcast(
  service: RealtimeService,
  topicKey: string,
  message: OutgoingBroadcast,
  except: Channel | null,
): number {
  const channels = service.channelsOf(topicKey);
  if (!channels) return 0;
  let v2Text: string | undefined;
  let v1Text: string | null | undefined;
  let v2Binary: Buffer | null | undefined;
  let sent = 0;
  for (const channel of channels) {
    if (channel === except || channel.closed || !channel.canReadBroadcast) continue;
    const socket = channel.socket;
    if (message.kind === 'user' && socket.vsn === '2.0.0') {
      if (v2Binary === undefined)
        v2Binary = encodeUserBroadcast(
          channel.topic,
          message.event,
          message.encoding,
          message.data,
          message.metaJson,
        );
      if (v2Binary) {
        socket.sendBinary(v2Binary);
        sent++;
        continue;
      }
    }
    if (socket.vsn === '2.0.0') {
      v2Text ??= encodeText('2.0.0', null, null, channel.topic, 'broadcast', jsonPayload(message) ?? 'null');
      socket.sendText(v2Text);
    } else {
      if (v1Text === undefined) {
        const json = jsonPayload(message);
        v1Text = json === null ? null : encodeText('1.0.0', null, null, channel.topic, 'broadcast', json);
      }
      if (v1Text === null) continue; // binary payloads cannot travel over vsn 1.0.0
      socket.sendText(v1Text);
    }
    sent++;
  }
  return sent;
}

function jsonPayload(message: OutgoingBroadcast): string | null {
  if (message.kind === 'json') return JSON.stringify(message.payload);
  if (message.encoding === 'binary') return null;
  const text = message.data.toString('utf8');
  try {
    JSON.parse(text);
  } catch {
    return null;
  }
  const meta = message.metaJson ? `,"meta":${message.metaJson}` : '';
  return `{"type":"broadcast","event":${JSON.stringify(message.event)},"payload":${text}${meta}}`;
}

export function broadcastFromClient(
  service: RealtimeService,
  from: Channel,
  message: OutgoingBroadcast,
): void {
  deliverBroadcast(service, from.topicKey, message, from.config.selfBroadcast ? null : from);
}

/** presence_diff to every presence-enabled channel of the topic allowed to read presence. */
export function sendPresenceDiff(service: RealtimeService, topicKey: string, diff: PresenceDiff): void {
  const channels = service.channelsOf(topicKey);
  if (!channels) return;
  const json = JSON.stringify(diff);
  const cache = new Map<string, string>();
  for (const channel of channels) {
    if (channel.closed || !channel.presenceEnabled || !channel.canReadPresence) continue;
    const vsn = channel.socket.vsn;
    let text = cache.get(vsn);
    if (!text) {
      text = encodeText(vsn, null, null, channel.topic, 'presence_diff', json);
      cache.set(vsn, text);
    }
    channel.socket.sendText(text);
  }
}

export interface HttpResult {
  status: number;
  body: unknown;
}

const unauthorized: HttpResult = { status: 401, body: { message: 'Unauthorized' } };

interface ApiMessage {
  topic: string;
  event: string;
  payload: Record<string, unknown> | Buffer;
  private: boolean;
  id?: string;
}

async function authorizeRequest(service: RealtimeService, token: string) {
  const check = await checkToken(token, service.ctx.config.jwtKeys);
  return check.ok ? policyContext(check.claims) : null;
}

/** Delivers API messages; private ones only where the caller's token may write the topic. */
async function send(
  service: RealtimeService,
  context: PolicyContext,
  headers: Record<string, string>,
  messages: ApiMessage[],
): Promise<void> {
  const allowed = new Map<string, boolean>();
  for (const message of messages) {
    if (message.private && !allowed.has(message.topic)) {
      try {
        const extensions: Extension[] = ['broadcast', 'presence'];
        const result = await writePolicies(service.ctx.db.admin, context, message.topic, extensions, headers);
        allowed.set(message.topic, result.broadcast === true);
      } catch (error) {
        service.log.warn({ err: error, topic: message.topic }, 'realtime: RlsPolicyError');
        allowed.set(message.topic, false);
      }
    }
  }
  for (const message of messages) {
    if (message.private && !allowed.get(message.topic)) continue;
    const topicKey = `${message.private ? 'private' : 'public'}:${message.topic}`;
    if (Buffer.isBuffer(message.payload)) {
      deliverBroadcast(
        service,
        topicKey,
        { kind: 'user', event: message.event, encoding: 'binary', data: message.payload },
        null,
      );
      continue;
    }
    const payload: Record<string, unknown> = {
      payload: message.payload,
      event: message.event,
      type: 'broadcast',
    };
    if (message.id) payload.meta = { id: message.id };
    deliverBroadcast(service, topicKey, { kind: 'json', payload }, null);
  }
}

const isMap = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** POST /api/broadcast: `{messages: [{topic, event, payload, private?, id?}]}` → 202. */
export async function httpBatchBroadcast(
  service: RealtimeService,
  token: string,
  headers: Record<string, string>,
  body: unknown,
): Promise<HttpResult> {
  const context = await authorizeRequest(service, token);
  if (!context) return unauthorized;
  const raw = isMap(body) ? body.messages : undefined;
  if (!Array.isArray(raw) || raw.length === 0)
    return { status: 422, body: { errors: { messages: ["can't be blank"] } } };
  const errors: Record<string, string[]>[] = [];
  const messages: ApiMessage[] = [];
  for (const item of raw) {
    const error: Record<string, string[]> = {};
    const m = isMap(item) ? item : {};
    if (typeof m.topic !== 'string' || m.topic === '') error.topic = ["can't be blank"];
    if (typeof m.event !== 'string' || m.event === '') error.event = ["can't be blank"];
    if (m.payload === undefined || m.payload === null) error.payload = ["can't be blank"];
    else if (!isMap(m.payload)) error.payload = ['is invalid'];
    else if (Buffer.byteLength(JSON.stringify(m.payload)) > service.limits.maxPayloadBytes)
      error.payload = ['Payload size exceeds tenant limit'];
    if (m.private !== undefined && typeof m.private !== 'boolean') error.private = ['is invalid'];
    errors.push(error);
    if (!Object.keys(error).length)
      messages.push({
        topic: m.topic as string,
        event: m.event as string,
        payload: m.payload as Record<string, unknown>,
        private: m.private === true,
        id: typeof m.id === 'string' ? m.id : undefined,
      });
  }
  if (messages.length !== raw.length) return { status: 422, body: { errors: { messages: errors } } };
  await send(service, context, headers, messages);
  return { status: 202, body: null };
}

/** POST /api/broadcast/:topic/events/:event[?private=true]: one message, JSON or binary. */
export async function httpSingleBroadcast(
  service: RealtimeService,
  token: string,
  headers: Record<string, string>,
  topic: string,
  event: string,
  isPrivate: boolean,
  contentType: string,
  body: ArrayBuffer,
): Promise<HttpResult> {
  const context = await authorizeRequest(service, token);
  if (!context) return unauthorized;
  const type = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  const bytes = Buffer.from(body);
  if (bytes.length > service.limits.maxPayloadBytes)
    return { status: 422, body: { errors: { payload: ['Payload size exceeds tenant limit'] } } };
  let payload: Record<string, unknown> | Buffer;
  if (type === 'application/octet-stream') {
    payload = bytes;
  } else if (type === 'application/json' || type === '') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(bytes.toString('utf8') || '{}');
    } catch {
      return { status: 400, body: { message: 'Malformed JSON body' } };
    }
    if (!isMap(parsed)) return { status: 422, body: { errors: { payload: ['is invalid'] } } };
    payload = parsed;
  } else {
    return { status: 415, body: { message: 'Unsupported content type' } };
  }
  await send(service, context, headers, [{ topic, event, payload, private: isPrivate }]);
  return { status: 202, body: null };
}
