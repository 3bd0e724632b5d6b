import type { RealtimeChannel } from '@supabase/supabase-js';
import type { HarmonyClient } from '../../lib/supabase.js';

/** What the two browsers say to each other on the call's topic. */
interface Signal {
  from: string;
  /** The callee is subscribed and has its microphone: the caller may offer. */
  ready?: boolean;
  description?: RTCSessionDescriptionInit;
  candidate?: RTCIceCandidateInit;
  hangup?: boolean;
  /** The sender's camera went on or off (a replaced track sends no event of its own). */
  camera?: boolean;
}

export type LinkState = 'connecting' | 'connected' | 'reconnecting';

export interface PeerLinkOptions {
  client: HarmonyClient;
  callId: string;
  me: string;
  /** The caller offers; the callee answers. */
  role: 'caller' | 'callee';
  local: MediaStream;
  iceServers: RTCIceServer[];
  /** A remote track arrived: their microphone, or the video line their camera uses when on. */
  onRemoteTrack(track: MediaStreamTrack): void;
  /** The other side turned their camera on or off. */
  onRemoteCamera(on: boolean): void;
  onState(state: LinkState): void;
  /** The other side hung up (their broadcast arrives before the database's call_update). */
  onHangup(): void;
}

const SUBSCRIBE_TIMEOUT_MS = 10_000;
const READY_INTERVAL_MS = 1_000;

/**
 * One peer-to-peer WebRTC connection for a 1:1 call, signalled over the private broadcast
 * topic `call:<id>` that only the call's two people may join (realtime.messages policies). The
 * caller offers once the callee says it is ready; candidates trickle both ways and wait for the
 * remote description; a failed connection is restarted (ICE restart) by the caller.
 */
export class PeerLink {
  readonly connection: RTCPeerConnection;
  private readonly topic: RealtimeChannel;
  private readonly pending: RTCIceCandidateInit[] = [];
  private readyTimer: ReturnType<typeof setInterval> | null = null;
  private closed = false;
  /**
   * The video line, negotiated from the start (sendrecv, empty until a camera is on), so turning
   * a camera on or off is replaceTrack on it, never a new offer that could cross the other's.
   */
  private video: RTCRtpTransceiver | null = null;
  private camera: MediaStreamTrack | null = null;

  constructor(private readonly options: PeerLinkOptions) {
    this.connection = new RTCPeerConnection({ iceServers: options.iceServers });
    for (const track of options.local.getTracks()) this.connection.addTrack(track, options.local);
    if (options.role === 'caller')
      this.video = this.connection.addTransceiver('video', { direction: 'sendrecv' });
    this.connection.onicecandidate = (e) => {
      if (e.candidate) void this.send({ candidate: e.candidate.toJSON() });
    };
    this.connection.ontrack = (e) => options.onRemoteTrack(e.track);
    this.connection.onconnectionstatechange = () => this.onConnectionState();
    this.topic = options.client.channel(`call:${options.callId}`, {
      config: { private: true, broadcast: { self: false } },
    });
    this.topic.on('broadcast', { event: 'signal' }, ({ payload }) => void this.receive(payload as Signal));
  }

  /** Joins the call's topic; the callee then says it is ready until the offer arrives. */
  async open(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('timeout')), SUBSCRIBE_TIMEOUT_MS);
      this.topic.subscribe((status) => {
        if (status === 'SUBSCRIBED') {
          clearTimeout(timer);
          resolve();
        } else if (status === 'CHANNEL_ERROR' || status === 'TIMED_OUT') {
          clearTimeout(timer);
          reject(new Error(`call signalling ${status}`));
        }
      });
    });
    if (this.options.role === 'callee') {
      const ready = () => void this.send({ ready: true });
      ready();
      this.readyTimer = setInterval(ready, READY_INTERVAL_MS);
    }
  }

  /** Sends this camera track (or nothing, with null) on the video line. */
  async setCamera(track: MediaStreamTrack | null): Promise<void> {
    this.camera = track;
    await this.video?.sender.replaceTrack(track);
    await this.send({ camera: track !== null });
  }

  async hangUp(): Promise<void> {
    if (!this.closed) await this.send({ hangup: true }).catch(() => undefined);
    await this.close();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stopReady();
    this.connection.close();
    await this.options.client.removeChannel(this.topic);
  }

  private async receive(signal: Signal): Promise<void> {
    if (this.closed || signal.from === this.options.me) return;
    if (signal.hangup) return this.options.onHangup();
    if (signal.camera !== undefined) return this.options.onRemoteCamera(signal.camera);
    if (signal.ready && this.options.role === 'caller' && !this.connection.remoteDescription)
      return this.offer(false);
    if (signal.description) return this.describe(signal.description);
    if (signal.candidate) {
      if (this.connection.remoteDescription) await this.addCandidate(signal.candidate);
      else this.pending.push(signal.candidate);
    }
  }

  private async offer(iceRestart: boolean): Promise<void> {
    // Ready is repeated: one offer at a time.
    if (this.connection.signalingState !== 'stable') return;
    await this.connection.setLocalDescription(await this.connection.createOffer({ iceRestart }));
    await this.send({ description: this.connection.localDescription?.toJSON() });
  }

  private async describe(description: RTCSessionDescriptionInit): Promise<void> {
    if (description.type === 'offer') {
      this.stopReady();
      await this.connection.setRemoteDescription(description);
      // The caller's video line: answered sendrecv so this side's camera can use it later.
      this.video ??= this.connection.getTransceivers().find((t) => t.receiver.track.kind === 'video') ?? null;
      if (this.video) {
        this.video.direction = 'sendrecv';
        await this.video.sender.replaceTrack(this.camera);
      }
      await this.connection.setLocalDescription(await this.connection.createAnswer());
      await this.send({ description: this.connection.localDescription?.toJSON() });
    } else if (this.connection.signalingState === 'have-local-offer') {
      await this.connection.setRemoteDescription(description);
    }
    for (const candidate of this.pending.splice(0)) await this.addCandidate(candidate);
  }

  private async addCandidate(candidate: RTCIceCandidateInit): Promise<void> {
    // A candidate of an older negotiation may no longer apply: the others still do.
    await this.connection.addIceCandidate(candidate).catch(() => undefined);
  }

  private onConnectionState(): void {
    const state = this.connection.connectionState;
    if (state === 'connected') this.options.onState('connected');
    else if (state === 'disconnected') this.options.onState('reconnecting');
    else if (state === 'failed') {
      this.options.onState('reconnecting');
      if (this.options.role === 'caller') void this.offer(true);
    }
  }

  private stopReady(): void {
    if (this.readyTimer) clearInterval(this.readyTimer);
    this.readyTimer = null;
  }

  private async send(signal: Omit<Signal, 'from'>): Promise<void> {
    await this.topic.send({
      type: 'broadcast',
      event: 'signal',
      payload: { ...signal, from: this.options.me },
    });
  }
}
