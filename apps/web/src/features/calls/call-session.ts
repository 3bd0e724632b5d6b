/** Someone else in the call, as the call bar shows them. */
export interface PeerView {
  id: string;
  muted: boolean;
  speaking: boolean;
  /** Their camera and screen share while on. */
  camera: MediaStreamTrack | null;
  screen: MediaStreamTrack | null;
}

export type SessionState = 'connecting' | 'connected' | 'reconnecting';

export interface SessionEvents {
  onPeers(peers: PeerView[]): void;
  onState(state: SessionState): void;
  onSelfSpeaking(speaking: boolean): void;
  /** The browser held back playback until a click (autoplay rules), or allowed it again. */
  onPlaybackBlocked(blocked: boolean): void;
}

/** The media of one call, through LiveKit or peer to peer: the call store drives it the same way. */
export interface CallSession {
  readonly kind: 'livekit' | 'mesh';
  setMuted(muted: boolean): void;
  setCamera(track: MediaStreamTrack | null): Promise<void>;
  setScreen(track: MediaStreamTrack | null): Promise<void>;
  resumePlayback(): Promise<void>;
  /** Leaves: tells the others and closes every connection. */
  close(): Promise<void>;
}

/** The same peers in the same state: no new render. */
export function samePeers(a: PeerView[], b: PeerView[]): boolean {
  return (
    a.length === b.length &&
    a.every((peer, i) => {
      const other = b[i];
      return (
        other !== undefined &&
        peer.id === other.id &&
        peer.muted === other.muted &&
        peer.speaking === other.speaking &&
        peer.camera === other.camera &&
        peer.screen === other.screen
      );
    })
  );
}
