import type { Participant, RemoteTrack, Room } from 'livekit-client';

/** A video (camera or screen share) someone in the room is sending, for the grid. */
export interface VideoFeed {
  /** `<identity>:<source>`: stable while the track is subscribed. */
  key: string;
  identity: string;
  source: 'camera' | 'screen_share';
  track: RemoteTrack;
}

export interface RoomMediaOptions {
  /** Where the hidden audio elements live (document.body by default). */
  host?: HTMLElement;
  /** Called whenever the set of video feeds changes. */
  onVideos?: (videos: VideoFeed[]) => void;
  /** Called when the browser refused to start playback without a user gesture, or later allowed it. */
  onPlaybackBlocked?: (blocked: boolean) => void;
}

type SinkableElement = HTMLMediaElement & { setSinkId?: (id: string) => Promise<void> };

/**
 * Turns the tracks a LiveKit room hands out into media elements: one `<audio>` per remote
 * audio track (a participant's microphone, and their screen share's sound), with per-person
 * volume, local mute, deafen and the chosen output device applied; video tracks become feeds
 * the grid renders. Knows nothing of the SFU, so it can be driven with any real tracks.
 */
export class RoomMedia {
  private readonly audio = new Map<
    string,
    { identity: string; track: RemoteTrack; element: SinkableElement }
  >();
  private readonly videos = new Map<string, VideoFeed>();
  private readonly volumes = new Map<string, number>();
  private readonly locallyMuted = new Set<string>();
  private deafened = false;
  private outputDeviceId = '';
  private blocked = false;
  private readonly host: HTMLElement;

  constructor(private readonly options: RoomMediaOptions = {}) {
    this.host = options.host ?? document.body;
  }

  /** A track of `participant` arrived (LiveKit's TrackSubscribed). */
  subscribed(track: RemoteTrack, participant: Pick<Participant, 'identity'>): void {
    const identity = participant.identity;
    if (track.kind === 'audio') {
      const key = `${identity}:${track.source}`;
      this.audio.get(key)?.track.detach();
      const element = track.attach() as SinkableElement;
      element.dataset.participant = identity;
      element.dataset.source = track.source;
      this.host.append(element);
      this.audio.set(key, { identity, track, element });
      this.apply(identity);
      if (this.outputDeviceId) void element.setSinkId?.(this.outputDeviceId).catch(() => undefined);
      element.play().then(
        () => this.setBlocked(false),
        () => this.setBlocked(true),
      );
      return;
    }
    if (track.source !== 'camera' && track.source !== 'screen_share') return;
    const key = `${identity}:${track.source}`;
    this.videos.set(key, { key, identity, source: track.source, track });
    this.emitVideos();
  }

  /** A track went away (TrackUnsubscribed): its elements are detached and removed. */
  unsubscribed(track: RemoteTrack, participant: Pick<Participant, 'identity'>): void {
    const key = `${participant.identity}:${track.source}`;
    const audio = this.audio.get(key);
    if (audio?.track === track) {
      for (const element of track.detach()) element.remove();
      this.audio.delete(key);
    }
    if (this.videos.get(key)?.track === track) {
      this.videos.delete(key);
      this.emitVideos();
    }
  }

  /** 0 (silent) to 1 (as sent): the per-person volume slider. */
  setVolume(identity: string, volume: number): void {
    this.volumes.set(identity, volume);
    this.apply(identity);
  }

  volume(identity: string): number {
    return this.volumes.get(identity) ?? 1;
  }

  /** Silences one person for this listener only. */
  setLocallyMuted(identity: string, muted: boolean): void {
    if (muted) this.locallyMuted.add(identity);
    else this.locallyMuted.delete(identity);
    this.apply(identity);
  }

  setDeafened(deafened: boolean): void {
    this.deafened = deafened;
    for (const identity of new Set([...this.audio.values()].map((a) => a.identity))) this.apply(identity);
  }

  /** The speaker or headset every audio element plays to, where the browser can choose (setSinkId). */
  async setOutputDevice(deviceId: string): Promise<void> {
    this.outputDeviceId = deviceId;
    await Promise.all(
      [...this.audio.values()].map(({ element }) => element.setSinkId?.(deviceId).catch(() => undefined)),
    );
  }

  /** After a click: plays whatever autoplay rules held back. */
  async resumePlayback(): Promise<void> {
    await Promise.all([...this.audio.values()].map(({ element }) => element.play()));
    this.setBlocked(false);
  }

  audioElements(): HTMLMediaElement[] {
    return [...this.audio.values()].map((a) => a.element);
  }

  videoFeeds(): VideoFeed[] {
    return [...this.videos.values()];
  }

  /** Leaving: every element goes. */
  clear(): void {
    for (const { track } of this.audio.values()) for (const element of track.detach()) element.remove();
    this.audio.clear();
    this.videos.clear();
    this.emitVideos();
  }

  private apply(identity: string): void {
    const silent = this.deafened || this.locallyMuted.has(identity);
    const volume = this.volume(identity);
    for (const audio of this.audio.values()) {
      if (audio.identity !== identity) continue;
      audio.element.muted = silent;
      audio.element.volume = volume;
    }
  }

  private setBlocked(blocked: boolean): void {
    if (this.blocked === blocked) return;
    this.blocked = blocked;
    this.options.onPlaybackBlocked?.(blocked);
  }

  private emitVideos(): void {
    this.options.onVideos?.(this.videoFeeds());
  }
}

/** Wires a LiveKit room's track events to `media`; returns the function that unwires them. */
export function bindRoomMedia(room: Room, media: RoomMedia): () => void {
  const subscribed = (track: RemoteTrack, _publication: unknown, participant: Participant) =>
    media.subscribed(track, participant);
  const unsubscribed = (track: RemoteTrack, _publication: unknown, participant: Participant) =>
    media.unsubscribed(track, participant);
  room.on('trackSubscribed', subscribed).on('trackUnsubscribed', unsubscribed);
  return () => {
    room.off('trackSubscribed', subscribed).off('trackUnsubscribed', unsubscribed);
  };
}
