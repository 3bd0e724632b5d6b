import type { RealtimeChannel } from '@supabase/supabase-js';
import type { HarmonyClient } from '../../lib/supabase.js';
import { preferredDevice } from '../voice/devices.js';
import type { CallSession, PeerView, SessionEvents, SessionState } from './call-session.js';
import { samePeers } from './call-session.js';
import { type OutgoingMedia, PeerLink, type PeerState, type Signal } from './peer-link.js';
import { watchSpeaking } from './speaking.js';

/**
 * How long joining the signalling topic may take. A join that times out is retried by
 * realtime-js itself (a busy server or a socket still connecting), so only this ends the wait.
 */
const SUBSCRIBE_TIMEOUT_MS = 30_000;
/**
 * Hello (with this side's state) this often; a peer silent for PEER_GONE_MS has crashed or lost
 * its connection (leaving says bye). Generous: a busy page's timers and sockets run late, and a
 * peer dropped on one side only would need a new negotiation.
 */
const HELLO_MS = 1_500;
const PEER_GONE_MS = 30_000;
/**
 * A connection not up this long after it was made is made again (a lost answer, a stuck ICE):
 * by the offerer, or by the other side after twice as long (an offerer that sees its side up).
 */
const RETRY_MS = 12_000;
const SPEAKING_POLL_MS = 400;
/** Mean audio level (0..1) over a poll above which someone counts as speaking. */
const SPEAKING_LEVEL = 0.02;

type SinkableAudio = HTMLAudioElement & { setSinkId?: (id: string) => Promise<void> };

interface Peer {
  link: PeerLink;
  /** When this link was made. */
  since: number;
  state: PeerState;
  seen: number;
  audio: SinkableAudio | null;
  speaking: boolean;
  /** totalAudioEnergy and totalSamplesDuration at the last speaking poll. */
  energy: [number, number];
}

export interface MeshOptions {
  client: HarmonyClient;
  callId: string;
  me: string;
  media: OutgoingMedia;
  iceServers: RTCIceServer[];
  events: SessionEvents;
}

/**
 * A call without a media server: one peer-to-peer connection to each other person (a full mesh,
 * fine for a 1:1 call and small groups), signalled over the private broadcast topic
 * `call:<id>` that only the call's people may join (realtime.messages policies). Everyone says
 * hello on joining and then every HELLO_MS; of two people, the one with the smaller id offers.
 */
export class CallMesh implements CallSession {
  readonly kind = 'mesh';
  private readonly topic: RealtimeChannel;
  private readonly peers = new Map<string, Peer>();
  private readonly state: PeerState = { muted: false, camera: false, screen: false };
  private timers: ReturnType<typeof setInterval>[] = [];
  private stopSpeaking: () => void = () => undefined;
  private shown: PeerView[] = [];
  private closed = false;

  constructor(private readonly options: MeshOptions) {
    this.topic = options.client.channel(`call:${options.callId}`, {
      config: { private: true, broadcast: { self: false } },
    });
    this.topic.on('broadcast', { event: 'signal' }, ({ payload }) =>
      // A signal that no longer applies (a closed link, an old negotiation) is dropped; the
      // heartbeat and ICE restarts recover.
      this.receive(payload as Signal).catch((e) => console.warn('call signal dropped', e)),
    );
  }

  async open(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('timeout')), SUBSCRIBE_TIMEOUT_MS);
      this.topic.subscribe((status) => {
        if (status === 'SUBSCRIBED') {
          clearTimeout(timer);
          resolve();
        } else if (status === 'CHANNEL_ERROR') {
          clearTimeout(timer);
          reject(new Error(`call signalling ${status}`));
        }
      });
    });
    this.hello();
    this.timers = [
      setInterval(() => {
        this.hello();
        this.dropSilentPeers();
      }, HELLO_MS),
      setInterval(() => void this.pollSpeaking().catch(() => undefined), SPEAKING_POLL_MS),
    ];
    this.stopSpeaking = watchSpeaking(this.options.media.microphone, this.options.events.onSelfSpeaking);
  }

  setMuted(muted: boolean): void {
    for (const track of this.options.media.microphone.getAudioTracks()) track.enabled = !muted;
    this.state.muted = muted;
    this.hello();
  }

  async setCamera(track: MediaStreamTrack | null): Promise<void> {
    this.options.media.camera = track;
    this.state.camera = track !== null;
    await Promise.all([...this.peers.values()].map((peer) => peer.link.setCamera(track)));
    this.hello();
  }

  async setScreen(track: MediaStreamTrack | null): Promise<void> {
    this.options.media.screen = track;
    this.state.screen = track !== null;
    await Promise.all([...this.peers.values()].map((peer) => peer.link.setScreen(track)));
    this.hello();
  }

  async resumePlayback(): Promise<void> {
    await Promise.all([...this.peers.values()].map((peer) => peer.audio?.play().catch(() => undefined)));
    this.options.events.onPlaybackBlocked(false);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.send({ bye: true }).catch(() => undefined);
    this.closed = true;
    for (const timer of this.timers) clearInterval(timer);
    this.stopSpeaking();
    for (const id of [...this.peers.keys()]) this.drop(id);
    await this.options.client.removeChannel(this.topic);
  }

  private hello(): void {
    void this.send({ hello: { ...this.state } }).catch(() => undefined);
  }

  private async receive(signal: Signal): Promise<void> {
    const { me } = this.options;
    if (this.closed || signal.from === me || (signal.to && signal.to !== me)) return;
    if (signal.bye) return this.drop(signal.from);
    if (signal.reset) {
      this.drop(signal.from);
      // The offerer offers again at once; the other side waits for that offer.
      return this.connect(signal.from).link.start();
    }
    const isNew = !this.peers.has(signal.from);
    const peer = this.peers.get(signal.from) ?? this.connect(signal.from);
    peer.seen = Date.now();
    if (signal.hello) {
      peer.state = signal.hello;
      // A newcomer hears of this side at once rather than at the next heartbeat.
      if (isNew) this.hello();
      if (this.stuck(peer)) return this.retry(signal.from);
      if (!peer.link.negotiated) await peer.link.start();
      this.emitPeers();
      return;
    }
    await peer.link.receive(signal);
    this.emitPeers();
  }

  /** Not up long after it was made: the offerer retries first, the other side later. */
  private stuck(peer: Peer): boolean {
    const waited = Date.now() - peer.since;
    return (
      peer.link.connection.connectionState !== 'connected' &&
      waited > (peer.link.offerer ? RETRY_MS : 2 * RETRY_MS)
    );
  }

  /**
   * Starts a pair over: both make new connections (the reset goes before the offer; a reset
   * from the other side has the offerer offer at once).
   */
  private async retry(id: string): Promise<void> {
    this.drop(id);
    await this.send({ reset: true, to: id });
    await (this.peers.get(id) ?? this.connect(id)).link.start();
  }

  private connect(id: string): Peer {
    const peer: Peer = {
      since: Date.now(),
      state: { muted: false, camera: false, screen: false },
      seen: Date.now(),
      audio: null,
      speaking: false,
      energy: [0, 0],
      link: new PeerLink({
        offerer: this.options.me < id,
        media: this.options.media,
        iceServers: this.options.iceServers,
        send: (signal) => void this.send({ ...signal, to: id }).catch(() => undefined),
        onAudio: (track) => this.play(peer, id, track),
        onState: () => this.emitState(),
      }),
    };
    this.peers.set(id, peer);
    return peer;
  }

  private play(peer: Peer, id: string, track: MediaStreamTrack): void {
    if (!peer.audio) {
      const audio = document.createElement('audio') as SinkableAudio;
      audio.dataset.callRemote = id;
      audio.autoplay = true;
      document.body.append(audio);
      const output = preferredDevice('audiooutput');
      if (output) void audio.setSinkId?.(output).catch(() => undefined);
      peer.audio = audio;
    }
    peer.audio.srcObject = new MediaStream([track]);
    peer.audio.play().then(
      () => this.options.events.onPlaybackBlocked(false),
      () => this.options.events.onPlaybackBlocked(true),
    );
  }

  private drop(id: string): void {
    const peer = this.peers.get(id);
    if (!peer) return;
    this.peers.delete(id);
    peer.link.close();
    if (peer.audio) {
      peer.audio.srcObject = null;
      peer.audio.remove();
    }
    this.emitPeers();
    this.emitState();
  }

  private dropSilentPeers(): void {
    const now = Date.now();
    for (const [id, peer] of this.peers) if (now - peer.seen > PEER_GONE_MS) this.drop(id);
  }

  /**
   * Speaking: the mean audio level each receiver got since the last poll (from the cumulative
   * totalAudioEnergy / totalSamplesDuration of its inbound-rtp stats), so short sounds count too.
   */
  private async pollSpeaking(): Promise<void> {
    let changed = false;
    await Promise.all(
      [...this.peers.values()].map(async (peer) => {
        const receiver = peer.link.connection.getReceivers().find((r) => r.track.kind === 'audio');
        if (!receiver) return;
        let energy = 0;
        let duration = 0;
        for (const report of (await receiver.getStats()).values())
          if (report.type === 'inbound-rtp') {
            energy = report.totalAudioEnergy ?? 0;
            duration = report.totalSamplesDuration ?? 0;
          }
        const [lastEnergy, lastDuration] = peer.energy;
        peer.energy = [energy, duration];
        const level =
          duration > lastDuration ? Math.sqrt((energy - lastEnergy) / (duration - lastDuration)) : 0;
        const speaking = !peer.state.muted && level > SPEAKING_LEVEL;
        if (speaking !== peer.speaking) {
          peer.speaking = speaking;
          changed = true;
        }
      }),
    );
    if (changed) this.emitPeers();
  }

  /** Connected once any link is; reconnecting while links that were up are down. */
  private emitState(): void {
    if (this.closed) return;
    const states = [...this.peers.values()].map((peer) => peer.link.connection.connectionState);
    let state: SessionState = 'connecting';
    if (states.includes('connected')) state = 'connected';
    else if (states.includes('disconnected') || states.includes('failed')) state = 'reconnecting';
    if (states.length > 0) this.options.events.onState(state);
  }

  private emitPeers(): void {
    if (this.closed) return;
    const peers = [...this.peers.entries()]
      .filter(([, peer]) => peer.link.negotiated)
      .map(([id, peer]) => ({
        id,
        muted: peer.state.muted,
        speaking: peer.speaking,
        camera: peer.state.camera ? peer.link.remoteCamera : null,
        screen: peer.state.screen ? peer.link.remoteScreen : null,
      }))
      .sort((a, b) => a.id.localeCompare(b.id));
    if (samePeers(peers, this.shown)) return;
    this.shown = peers;
    this.options.events.onPeers(peers);
  }

  private async send(signal: Omit<Signal, 'from'>): Promise<void> {
    await this.topic.send({
      type: 'broadcast',
      event: 'signal',
      payload: { ...signal, from: this.options.me },
    });
  }
}
