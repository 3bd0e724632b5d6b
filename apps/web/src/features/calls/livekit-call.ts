import type { LocalTrackPublication, Participant, Room } from 'livekit-client';
import { preferredDevice } from '../voice/devices.js';
import { bindRoomMedia, RoomMedia } from '../voice/room-media.js';
import type { CallToken } from './call-api.js';
import { type CallSession, type PeerView, type SessionEvents, samePeers } from './call-session.js';

/** Then the call falls back to peer to peer (call-media.ts). */
const CONNECT_TIMEOUT_MS = 8_000;

/**
 * A DM call in a LiveKit room (`dm-call-<id>`, token from get_dm_call_token): the SFU carries
 * everyone's media; RoomMedia (shared with voice channels) plays the audio, and the call bar
 * gets the same PeerView list as peer-to-peer calls.
 */
export class LiveKitCall implements CallSession {
  readonly kind = 'livekit';
  private room: Room | null = null;
  private media: RoomMedia | null = null;
  private unbind: () => void = () => undefined;
  private camera: LocalTrackPublication | null = null;
  private screen: LocalTrackPublication | null = null;
  private shown: PeerView[] = [];
  private livekit: typeof import('livekit-client') | null = null;

  constructor(
    private readonly token: CallToken,
    private readonly events: SessionEvents,
  ) {}

  async open(microphone: MediaStream): Promise<void> {
    const livekit = await import('livekit-client');
    this.livekit = livekit;
    const { ConnectionState, Room, RoomEvent } = livekit;
    const room = new Room({ adaptiveStream: true, dynacast: true });
    this.room = room;
    this.media = new RoomMedia({ onPlaybackBlocked: (blocked) => this.events.onPlaybackBlocked(blocked) });
    const output = preferredDevice('audiooutput');
    if (output) void this.media.setOutputDevice(output);
    this.unbind = bindRoomMedia(room, this.media);
    const refresh = () => this.emitPeers();
    room
      .on(RoomEvent.ParticipantConnected, refresh)
      .on(RoomEvent.ParticipantDisconnected, refresh)
      .on(RoomEvent.TrackSubscribed, refresh)
      .on(RoomEvent.TrackUnsubscribed, refresh)
      .on(RoomEvent.TrackMuted, refresh)
      .on(RoomEvent.TrackUnmuted, refresh)
      .on(RoomEvent.ActiveSpeakersChanged, (speakers: Participant[]) => {
        this.events.onSelfSpeaking(speakers.some((p) => p.identity === room.localParticipant.identity));
        refresh();
      })
      .on(RoomEvent.ConnectionStateChanged, (state) => {
        if (state === ConnectionState.Reconnecting || state === ConnectionState.SignalReconnecting)
          this.events.onState('reconnecting');
        if (state === ConnectionState.Connected) this.events.onState('connected');
      });
    await Promise.race([
      room.connect(this.token.url, this.token.token),
      new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), CONNECT_TIMEOUT_MS)),
    ]);
    const [track] = microphone.getAudioTracks();
    if (track) await room.localParticipant.publishTrack(track, { source: livekit.Track.Source.Microphone });
    this.events.onState('connected');
    this.emitPeers();
  }

  setMuted(muted: boolean): void {
    const publication = this.room?.localParticipant.getTrackPublication(
      this.livekit?.Track.Source.Microphone ?? ('microphone' as never),
    );
    void (muted ? publication?.mute() : publication?.unmute());
  }

  async setCamera(track: MediaStreamTrack | null): Promise<void> {
    this.camera = await this.republish(this.camera, track, 'Camera');
  }

  async setScreen(track: MediaStreamTrack | null): Promise<void> {
    this.screen = await this.republish(this.screen, track, 'ScreenShare');
  }

  async resumePlayback(): Promise<void> {
    await this.media?.resumePlayback();
  }

  async close(): Promise<void> {
    this.unbind();
    this.media?.clear();
    const room = this.room;
    this.room = null;
    await room?.disconnect();
  }

  private async republish(
    current: LocalTrackPublication | null,
    track: MediaStreamTrack | null,
    source: 'Camera' | 'ScreenShare',
  ): Promise<LocalTrackPublication | null> {
    const room = this.room;
    const livekit = this.livekit;
    if (!room || !livekit) return null;
    if (current?.track) await room.localParticipant.unpublishTrack(current.track);
    if (!track) return null;
    return room.localParticipant.publishTrack(track, { source: livekit.Track.Source[source] });
  }

  private emitPeers(): void {
    const room = this.room;
    const livekit = this.livekit;
    if (!room || !livekit) return;
    const { Source } = livekit.Track;
    const video = (p: Participant, source: (typeof Source)[keyof typeof Source]) => {
      const publication = p.getTrackPublication(source);
      return publication && !publication.isMuted ? (publication.track?.mediaStreamTrack ?? null) : null;
    };
    const peers = [...room.remoteParticipants.values()]
      .map((p) => ({
        id: p.identity,
        muted: !p.isMicrophoneEnabled,
        speaking: p.isSpeaking,
        camera: video(p, Source.Camera),
        screen: video(p, Source.ScreenShare),
      }))
      .sort((a, b) => a.id.localeCompare(b.id));
    if (samePeers(peers, this.shown)) return;
    this.shown = peers;
    this.events.onPeers(peers);
  }
}
