/** This side's media state, said to the others with every hello. */
export interface PeerState {
  muted: boolean;
  camera: boolean;
  screen: boolean;
}

/** What the browsers of a call say to each other on its topic `call:<id>`. */
export interface Signal {
  from: string;
  /** Descriptions and candidates are for one peer; hello and bye for everyone. */
  to?: string;
  /** In the call (repeated as a heartbeat), with this side's media state. */
  hello?: PeerState;
  bye?: boolean;
  /** A connection that never came up starts over with new connections (either side may ask). */
  reset?: boolean;
  description?: RTCSessionDescriptionInit;
  candidate?: RTCIceCandidateInit;
}

/** What this side sends: the microphone always, camera and screen while on. */
export interface OutgoingMedia {
  microphone: MediaStream;
  camera: MediaStreamTrack | null;
  screen: MediaStreamTrack | null;
}

export interface PeerLinkOptions {
  /** The one of the two with the smaller id offers (both know it without asking). */
  offerer: boolean;
  media: OutgoingMedia;
  iceServers: RTCIceServer[];
  send(signal: Omit<Signal, 'from'>): void;
  /** Their microphone arrived. */
  onAudio(track: MediaStreamTrack): void;
  onState(state: RTCPeerConnectionState): void;
}

/**
 * One peer-to-peer WebRTC connection to another person of a call. The offerer negotiates three
 * lines once: audio, camera and screen (both video lines sendrecv, empty until used), so turning
 * a camera or a screen share on or off is replaceTrack, never a new offer that could cross the
 * other's. Candidates wait for the remote description; a failed connection is restarted (ICE
 * restart) by the offerer.
 */
export class PeerLink {
  readonly connection: RTCPeerConnection;
  private readonly pending: RTCIceCandidateInit[] = [];
  private camera: RTCRtpTransceiver | null = null;
  private screen: RTCRtpTransceiver | null = null;
  /** Signals are handled one at a time: two offers or answers must never interleave. */
  private work: Promise<void> = Promise.resolve();

  constructor(private readonly options: PeerLinkOptions) {
    const { media } = options;
    this.connection = new RTCPeerConnection({ iceServers: options.iceServers });
    for (const track of media.microphone.getTracks()) this.connection.addTrack(track, media.microphone);
    if (options.offerer) {
      this.camera = this.connection.addTransceiver(media.camera ?? 'video', { direction: 'sendrecv' });
      this.screen = this.connection.addTransceiver(media.screen ?? 'video', { direction: 'sendrecv' });
    }
    this.connection.onicecandidate = (e) => {
      if (e.candidate) options.send({ candidate: e.candidate.toJSON() });
    };
    this.connection.ontrack = (e) => {
      if (e.track.kind === 'audio') options.onAudio(e.track);
    };
    this.connection.onconnectionstatechange = () => {
      const state = this.connection.connectionState;
      options.onState(state);
      if (state === 'failed' && options.offerer) void this.serially(() => this.offer(true));
    };
  }

  /** Their camera and screen lines: frames flow while they send (their hello says when). */
  get remoteCamera(): MediaStreamTrack | null {
    return this.camera?.receiver.track ?? null;
  }

  get remoteScreen(): MediaStreamTrack | null {
    return this.screen?.receiver.track ?? null;
  }

  get offerer(): boolean {
    return this.options.offerer;
  }

  get negotiated(): boolean {
    return this.connection.remoteDescription !== null;
  }

  /** The offerer's first offer (repeated hellos ask again: one at a time). */
  start(): Promise<void> {
    return this.serially(async () => {
      if (this.options.offerer && !this.negotiated) await this.offer(false);
    });
  }

  receive(signal: Signal): Promise<void> {
    return this.serially(async () => {
      if (signal.description) await this.describe(signal.description);
      else if (signal.candidate) {
        if (this.negotiated) await this.addCandidate(signal.candidate);
        else this.pending.push(signal.candidate);
      }
    });
  }

  async setCamera(track: MediaStreamTrack | null): Promise<void> {
    await this.camera?.sender.replaceTrack(track);
  }

  async setScreen(track: MediaStreamTrack | null): Promise<void> {
    await this.screen?.sender.replaceTrack(track);
  }

  close(): void {
    this.connection.close();
  }

  private serially(task: () => Promise<void>): Promise<void> {
    const run = this.work.then(task);
    this.work = run.catch(() => undefined);
    return run;
  }

  private async offer(iceRestart: boolean): Promise<void> {
    if (this.connection.signalingState !== 'stable') return;
    await this.connection.setLocalDescription(await this.connection.createOffer({ iceRestart }));
    this.options.send({ description: this.connection.localDescription?.toJSON() });
  }

  private async describe(description: RTCSessionDescriptionInit): Promise<void> {
    if (description.type === 'offer') {
      await this.connection.setRemoteDescription(description);
      // The offerer's camera and screen lines, in its order: answered sendrecv for ours.
      const [camera = null, screen = null] = this.connection
        .getTransceivers()
        .filter((t) => t.receiver.track.kind === 'video');
      this.camera = camera;
      this.screen = screen;
      for (const [line, track] of [
        [camera, this.options.media.camera],
        [screen, this.options.media.screen],
      ] as const) {
        if (!line) continue;
        line.direction = 'sendrecv';
        await line.sender.replaceTrack(track);
      }
      await this.connection.setLocalDescription(await this.connection.createAnswer());
      this.options.send({ description: this.connection.localDescription?.toJSON() });
    } else if (this.connection.signalingState === 'have-local-offer') {
      await this.connection.setRemoteDescription(description);
    }
    for (const candidate of this.pending.splice(0)) await this.addCandidate(candidate);
  }

  private async addCandidate(candidate: RTCIceCandidateInit): Promise<void> {
    // A candidate of an older negotiation may no longer apply: the others still do.
    await this.connection.addIceCandidate(candidate).catch(() => undefined);
  }
}
