import webpush from 'web-push';
import type { VapidKeys } from '../config.js';
import { OutboundRefused, type OutboundResponse, sendOutbound } from '../net/outbound.js';

export interface PushTarget {
  endpoint: string;
  p256dh: string;
  auth: string;
}

export interface PushOptions {
  vapid: VapidKeys;
  /** Seconds the push service keeps an undelivered message. */
  ttl: number;
  /** Same topic replaces a still-undelivered message on the push service (so a retry is not shown twice). */
  topic?: string;
  urgency: 'very-low' | 'low' | 'normal' | 'high';
  timeoutMs: number;
  allowPrivateEndpoints: boolean;
}

/**
 * sent: accepted; gone: the subscription no longer exists (404/410); refused: its endpoint is not
 * a public https URL, so it can never be sent to; rejected: the push service refused this message.
 */
export type PushOutcome =
  | { kind: 'sent' }
  | { kind: 'gone'; status: number }
  | { kind: 'refused'; reason: string }
  | { kind: 'rejected'; status: number; reason: string };

export class PushServiceError extends Error {
  override name = 'PushServiceError';
}

/**
 * One encrypted Web Push message (RFC 8291 aes128gcm, VAPID per RFC 8292) built by the web-push
 * library and sent through the outbound guard. 429 and 5xx throw, so the job retries later.
 */
export async function sendPush(
  target: PushTarget,
  payload: unknown,
  options: PushOptions,
): Promise<PushOutcome> {
  const details = webpush.generateRequestDetails(
    { endpoint: target.endpoint, keys: { p256dh: target.p256dh, auth: target.auth } },
    JSON.stringify(payload),
    {
      vapidDetails: options.vapid,
      TTL: options.ttl,
      urgency: options.urgency,
      contentEncoding: 'aes128gcm',
      ...(options.topic ? { topic: options.topic } : {}),
    },
  );
  let response: OutboundResponse;
  try {
    response = await sendOutbound({
      url: details.endpoint,
      method: details.method,
      headers: details.headers as Record<string, string | number>,
      body: details.body,
      timeoutMs: options.timeoutMs,
      allowPrivate: options.allowPrivateEndpoints,
    });
  } catch (error) {
    if (error instanceof OutboundRefused) return { kind: 'refused', reason: error.message };
    throw error;
  }
  const { status } = response;
  if (status >= 200 && status < 300) return { kind: 'sent' };
  if (status === 404 || status === 410) return { kind: 'gone', status };
  if (status === 429 || status >= 500) {
    throw new PushServiceError(`push service answered ${status}: ${response.body.slice(0, 200)}`);
  }
  return { kind: 'rejected', status, reason: response.body.slice(0, 200) };
}
