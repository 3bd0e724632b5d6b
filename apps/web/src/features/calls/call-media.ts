import type { HarmonyClient } from '../../lib/supabase.js';
import { soundEnabled } from '../notifications/sound.js';
import type { CallApi } from './call-api.js';
import { CallMesh } from './call-mesh.js';
import type { CallSession, SessionEvents } from './call-session.js';
import { iceServers } from './ice-servers.js';
import { LiveKitCall } from './livekit-call.js';
import type { OutgoingMedia } from './peer-link.js';
import { playRing as playTone, type RingKind } from './ring.js';

export interface OpenCallOptions {
  client: HarmonyClient;
  api: Pick<CallApi, 'token'>;
  callId: string;
  me: string;
  media: OutgoingMedia;
  events: SessionEvents;
}

/**
 * The call's media: a LiveKit room when the deployment has LiveKit (the database signs a token
 * for the call's room), else peer-to-peer connections to everyone in the call. A LiveKit server
 * this browser cannot reach falls back to peer to peer too: everyone who cannot reach it meets
 * there (a call is better than an error).
 */
export async function openCallSession(options: OpenCallOptions): Promise<CallSession> {
  const token = await options.api.token(options.callId);
  if (token) {
    const call = new LiveKitCall(token, options.events);
    try {
      await call.open(options.media.microphone);
      return call;
    } catch (e) {
      await call.close().catch(() => undefined);
      console.warn('LiveKit is unreachable: this call goes peer to peer', e);
    }
  }
  const mesh = new CallMesh({ ...options, iceServers: iceServers() });
  await mesh.open();
  return mesh;
}

/** Ring tones obey the device's notification sound setting. */
export function playRing(kind: RingKind): () => void {
  return soundEnabled() ? playTone(kind) : () => undefined;
}
