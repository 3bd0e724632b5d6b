import type { LocalTrack, Participant, RemoteTrack, Room, TrackPublication } from 'livekit-client';
import { createStore } from 'zustand/vanilla';
import { type DeviceKind, rememberDevice, usableDevice, watchDevices } from '../features/voice/devices.js';
import { type CaptureDevice, captureErrorMessage } from '../features/voice/media-errors.js';
import { bindPushToTalk, DEFAULT_PUSH_TO_TALK_KEY } from '../features/voice/push-to-talk.js';
import { bindRoomMedia, RoomMedia, type VideoFeed } from '../features/voice/room-media.js';
import type { HarmonyClient } from '../lib/supabase.js';

export type VoiceStatus = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'error';
export type ConnectionQuality = 'excellent' | 'good' | 'poor' | 'lost' | 'unknown';

export interface VoiceParticipant {
  identity: string;
  name: string;
  speaking: boolean;
  micMuted: boolean;
  camera: boolean;
  screenShare: boolean;
  isLocal: boolean;
  quality: ConnectionQuality;
  /** This listener's volume for them (0–1) and whether they silenced them. */
  volume: number;
  locallyMuted: boolean;
}

/** A video in the grid: remote feeds from RoomMedia, plus the user's own camera and screen. */
export interface VoiceVideo {
  key: string;
  identity: string;
  source: 'camera' | 'screen_share';
  track: RemoteTrack | LocalTrack;
  isLocal: boolean;
}

/** What other members see of the user in the channel list (shared as presence). */
export interface VoicePresence {
  channelId: string;
  muted: boolean;
  deafened: boolean;
  streaming: boolean;
  camera: boolean;
}

export interface VoiceState {
  channelId: string | null;
  status: VoiceStatus;
  error: string | null;
  participants: VoiceParticipant[];
  videos: VoiceVideo[];
  /** The video shown large; null shows the grid. */
  focused: string | null;
  muted: boolean;
  deafened: boolean;
  camera: boolean;
  screenShare: boolean;
  /** Autoplay rules held the room's sound back until the user clicks. */
  playbackBlocked: boolean;
  /** Push to talk: the microphone sends only while `key` (a KeyboardEvent.code) is held. */
  pushToTalk: { enabled: boolean; key: string };
  /** The push-to-talk key is held now. */
  talking: boolean;
  /** A moderator server-muted or server-deafened the user (LiveKit took the permission away). */
  serverMuted: boolean;
  serverDeafened: boolean;
  /** The active device per kind ('' is the system default). */
  devices: Record<DeviceKind, string>;
  join(channelId: string): Promise<void>;
  leave(): Promise<void>;
  toggleMute(): Promise<void>;
  toggleDeafen(): Promise<void>;
  toggleCamera(): Promise<void>;
  toggleScreenShare(): Promise<void>;
  setDevice(kind: DeviceKind, deviceId: string): Promise<void>;
  setVolume(identity: string, volume: number): void;
  setLocallyMuted(identity: string, muted: boolean): void;
  focus(key: string | null): void;
  resumePlayback(): Promise<void>;
  setPushToTalk(settings: { enabled: boolean; key: string }): Promise<void>;
}

interface TokenResponse {
  token: string;
  url: string;
}

const CONNECT_TIMEOUT_MS = 10_000;

/** Turns LiveKit, browser and database failures into sentences a person can act on. */
export function voiceErrorMessage(error: unknown, device: CaptureDevice = 'microphone'): string {
  const e = error as { code?: string; name?: string; message?: string };
  // Not found (PT404, answered 404) or refused (42501).
  if (e.code === 'PT404' || e.code === '42501')
    return 'You do not have permission to join this voice channel.';
  if (e.code === 'P0001') return 'Voice is not set up on this Harmony server yet.';
  return captureErrorMessage(error, device) ?? 'The voice server is unreachable. Try again in a moment.';
}

/** livekit-client is large and only needed once someone joins voice: load it then. */
const loadLiveKit = () => import('livekit-client');

const NO_DEVICES: Record<DeviceKind, string> = { audioinput: '', audiooutput: '', videoinput: '' };

/** Voice channels through LiveKit: a token from get_livekit_token, then a LiveKit room. */
export function createVoiceStore(client: HarmonyClient, onPresence: (voice: VoicePresence | null) => void) {
  let room: Room | null = null;
  let media: RoomMedia | null = null;
  let unbind: (() => void) | null = null;
  /** Deafening mutes; undeafening restores what the microphone was before. */
  let mutedBeforeDeafen = false;

  return createStore<VoiceState>()((set, get) => {
    const publishPresence = () => {
      const { channelId, muted, deafened, screenShare, camera, status } = get();
      onPresence(
        channelId && (status === 'connected' || status === 'reconnecting')
          ? { channelId, muted, deafened, streaming: screenShare, camera }
          : null,
      );
    };

    const snapshot = () => {
      if (!room) return set({ participants: [], videos: [] });
      const all: Participant[] = [room.localParticipant, ...room.remoteParticipants.values()];
      const has = (p: Participant, source: string) =>
        [...p.trackPublications.values()].some((t: TrackPublication) => t.source === source && !t.isMuted);
      const local: VoiceVideo[] = [...room.localParticipant.trackPublications.values()].flatMap((t) =>
        t.track && (t.source === 'camera' || t.source === 'screen_share') && !t.isMuted
          ? [
              {
                key: `${room?.localParticipant.identity}:${t.source}`,
                identity: room?.localParticipant.identity ?? '',
                source: t.source,
                track: t.track as LocalTrack,
                isLocal: true,
              },
            ]
          : [],
      );
      const remote: VoiceVideo[] = (media?.videoFeeds() ?? []).map((f: VideoFeed) => ({
        ...f,
        isLocal: false,
      }));
      const videos = [...remote, ...local];
      set({
        videos,
        focused: videos.some((v) => v.key === get().focused) ? get().focused : null,
        participants: all.map((p) => ({
          identity: p.identity,
          name: p.name || p.identity,
          speaking: p.isSpeaking,
          micMuted: !has(p, 'microphone'),
          camera: has(p, 'camera'),
          screenShare: has(p, 'screen_share'),
          isLocal: p === room?.localParticipant,
          quality: (p.connectionQuality as ConnectionQuality) ?? 'unknown',
          volume: media?.volume(p.identity) ?? 1,
          locallyMuted: get().participants.find((x) => x.identity === p.identity)?.locallyMuted ?? false,
        })),
      });
    };

    let stopWatchingDevices: (() => void) | null = null;
    /** A plugged or unplugged device: return to the remembered one when it is back, else the default. */
    const followDevices = (devices: MediaDeviceInfo[]) => {
      const current = room;
      if (!current) return;
      for (const kind of ['audioinput', 'audiooutput', 'videoinput'] as const) {
        const wanted = usableDevice(kind, devices);
        if ((current.getActiveDevice(kind) ?? '') === wanted || (kind === 'videoinput' && !get().camera))
          continue;
        void current.switchActiveDevice(kind, wanted || 'default').catch(() => undefined);
        if (kind === 'audiooutput') void media?.setOutputDevice(wanted);
      }
      set({ devices: { ...get().devices, ...deviceSnapshot(devices) } });
    };

    let stopPushToTalk: (() => void) | null = null;
    /** The microphone sends unless muted, and with push to talk only while the key is held. */
    const applyMicrophone = async () => {
      const { muted, pushToTalk, talking } = get();
      await room?.localParticipant
        .setMicrophoneEnabled(!muted && (!pushToTalk.enabled || talking))
        .catch((e: unknown) => set({ muted: true, error: voiceErrorMessage(e) }));
      snapshot();
    };
    const listenForPushToTalk = () => {
      stopPushToTalk?.();
      stopPushToTalk = null;
      const { enabled, key } = get().pushToTalk;
      if (!enabled || !room || typeof window === 'undefined') return;
      stopPushToTalk = bindPushToTalk(window, key, {
        press: () => {
          set({ talking: true });
          void applyMicrophone();
        },
        release: () => {
          set({ talking: false });
          void applyMicrophone();
        },
      });
    };

    const teardown = async () => {
      const current = room;
      room = null;
      stopPushToTalk?.();
      stopPushToTalk = null;
      unbind?.();
      unbind = null;
      stopWatchingDevices?.();
      stopWatchingDevices = null;
      media?.clear();
      media = null;
      await current?.disconnect().catch(() => undefined);
    };

    const fail = async (error: unknown) => {
      await teardown();
      set({
        status: 'error',
        error: voiceErrorMessage(error),
        participants: [],
        videos: [],
        channelId: null,
      });
      publishPresence();
    };

    /** A camera or screen share switch: the error says how to allow it, the toggle stays off. */
    const capture = async (device: CaptureDevice, run: () => Promise<unknown>): Promise<boolean> => {
      try {
        await run();
        set({ error: null });
        return true;
      } catch (e) {
        set({ error: captureErrorMessage(e, device) });
        return false;
      }
    };

    return {
      channelId: null,
      status: 'idle',
      error: null,
      participants: [],
      videos: [],
      focused: null,
      muted: false,
      deafened: false,
      camera: false,
      screenShare: false,
      playbackBlocked: false,
      devices: NO_DEVICES,
      pushToTalk: storedPushToTalk(),
      talking: false,
      serverMuted: false,
      serverDeafened: false,

      async join(channelId) {
        if (get().channelId === channelId && get().status === 'connected') return;
        await get().leave();
        set({ channelId, status: 'connecting', error: null });
        const { data, error } = await client.rpc('get_livekit_token', { p_channel_id: channelId });
        if (error) return fail(error);
        const { token, url } = data as unknown as TokenResponse;
        let livekit: typeof import('livekit-client');
        try {
          livekit = await loadLiveKit();
        } catch (loadError) {
          return fail(loadError);
        }
        const { ConnectionState, Room, RoomEvent } = livekit;
        const plugged = (await navigator.mediaDevices?.enumerateDevices().catch(() => [])) ?? [];
        const devices = deviceSnapshot(plugged);
        set({ devices });
        const next = new Room({
          adaptiveStream: true,
          dynacast: true,
          audioCaptureDefaults: { deviceId: devices.audioinput || undefined },
          audioOutput: { deviceId: devices.audiooutput || undefined },
        });
        room = next;
        media = new RoomMedia({
          onVideos: snapshot,
          onPlaybackBlocked: (playbackBlocked) => set({ playbackBlocked }),
        });
        media.setDeafened(get().deafened);
        if (devices.audiooutput) void media.setOutputDevice(devices.audiooutput);
        unbind = bindRoomMedia(next, media);
        next
          .on(RoomEvent.ParticipantConnected, snapshot)
          .on(RoomEvent.ParticipantDisconnected, snapshot)
          .on(RoomEvent.ActiveSpeakersChanged, snapshot)
          .on(RoomEvent.ConnectionQualityChanged, snapshot)
          .on(RoomEvent.ParticipantPermissionsChanged, (_before, participant) => {
            const permission = participant.permissions;
            if (participant === next.localParticipant && permission)
              set({
                // LiveKit's TrackSource.MICROPHONE is 2 (protocol enum).
                serverMuted: !permission.canPublishSources.some((source) => Number(source) === 2),
                serverDeafened: !permission.canSubscribe,
              });
            snapshot();
          })
          .on(RoomEvent.TrackMuted, snapshot)
          .on(RoomEvent.TrackUnmuted, snapshot)
          .on(RoomEvent.TrackPublished, snapshot)
          .on(RoomEvent.TrackUnpublished, snapshot)
          .on(RoomEvent.LocalTrackPublished, snapshot)
          .on(RoomEvent.LocalTrackUnpublished, snapshot)
          .on(RoomEvent.ConnectionStateChanged, (state) => {
            // LiveKit resumes or rejoins by itself after network loss: the panel says so meanwhile.
            if (state === ConnectionState.Reconnecting || state === ConnectionState.SignalReconnecting)
              set({ status: 'reconnecting' });
            if (state === ConnectionState.Connected) set({ status: 'connected' });
          })
          .on(RoomEvent.Disconnected, () => {
            if (room === next) void fail(new Error('disconnected'));
          });
        try {
          await Promise.race([
            next.connect(url, token),
            new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), CONNECT_TIMEOUT_MS)),
          ]);
        } catch (connectError) {
          return fail(connectError);
        }
        set({ status: 'connected' });
        stopWatchingDevices = watchDevices(followDevices);
        try {
          // Opened at once even with push to talk, so a refusal shows now rather than at the first press.
          await next.localParticipant.setMicrophoneEnabled(!get().muted);
          if (get().pushToTalk.enabled) await applyMicrophone();
        } catch (micError) {
          // Still in the room, listening only: say why the microphone is off.
          set({ muted: true, error: voiceErrorMessage(micError) });
        }
        listenForPushToTalk();
        publishPresence();
        snapshot();
      },

      async leave() {
        const wasIn = get().channelId !== null;
        await teardown();
        // Leaving also dismisses a failed attempt's error: nothing about voice stays on screen.
        set({
          channelId: null,
          status: 'idle',
          error: null,
          participants: [],
          videos: [],
          focused: null,
          camera: false,
          screenShare: false,
          playbackBlocked: false,
          serverMuted: false,
          serverDeafened: false,
        });
        if (wasIn) publishPresence();
      },

      async toggleMute() {
        // Unmuting while deafened undeafens too, as Discord does.
        const muted = !get().muted;
        if (!muted && get().deafened) {
          set({ deafened: false });
          media?.setDeafened(false);
        }
        set({ muted });
        await applyMicrophone();
        publishPresence();
      },

      async toggleDeafen() {
        const deafened = !get().deafened;
        if (deafened) mutedBeforeDeafen = get().muted;
        set({ deafened });
        media?.setDeafened(deafened);
        const muted = deafened || mutedBeforeDeafen;
        if (muted !== get().muted) {
          set({ muted });
          await applyMicrophone();
        }
        publishPresence();
        snapshot();
      },

      async toggleCamera() {
        const camera = !get().camera;
        const current = room;
        if (!current) return;
        const ok = await capture('camera', () =>
          current.localParticipant.setCameraEnabled(camera, {
            deviceId: get().devices.videoinput || undefined,
          }),
        );
        if (ok) set({ camera });
        publishPresence();
        snapshot();
      },

      async toggleScreenShare() {
        const screenShare = !get().screenShare;
        const current = room;
        if (!current) return;
        const ok = await capture('screen', () =>
          current.localParticipant.setScreenShareEnabled(screenShare, { audio: true }),
        );
        if (ok) set({ screenShare });
        publishPresence();
        snapshot();
      },

      async setDevice(kind, deviceId) {
        rememberDevice(kind, deviceId);
        set({ devices: { ...get().devices, [kind]: deviceId } });
        if (kind === 'audiooutput') await media?.setOutputDevice(deviceId);
        await room?.switchActiveDevice(kind, deviceId || 'default').catch(() => undefined);
      },

      setVolume(identity, volume) {
        media?.setVolume(identity, volume);
        snapshot();
      },

      setLocallyMuted(identity, muted) {
        media?.setLocallyMuted(identity, muted);
        set({
          participants: get().participants.map((p) =>
            p.identity === identity ? { ...p, locallyMuted: muted } : p,
          ),
        });
      },

      async setPushToTalk(pushToTalk) {
        try {
          localStorage.setItem(PUSH_TO_TALK_STORAGE, JSON.stringify(pushToTalk));
        } catch {
          // Not remembered: it still applies now.
        }
        set({ pushToTalk, talking: false });
        listenForPushToTalk();
        await applyMicrophone();
      },

      focus(key) {
        set({ focused: key });
      },

      async resumePlayback() {
        await media?.resumePlayback().catch(() => undefined);
      },
    };
  });
}

/** The active device per kind from the remembered choices among those plugged in. */
function deviceSnapshot(devices: MediaDeviceInfo[]): Record<DeviceKind, string> {
  return {
    audioinput: usableDevice('audioinput', devices),
    audiooutput: usableDevice('audiooutput', devices),
    videoinput: usableDevice('videoinput', devices),
  };
}

const PUSH_TO_TALK_STORAGE = 'harmony.voice.pushToTalk';

function storedPushToTalk(): VoiceState['pushToTalk'] {
  try {
    const stored = JSON.parse(localStorage.getItem(PUSH_TO_TALK_STORAGE) ?? 'null') as
      | VoiceState['pushToTalk']
      | null;
    if (stored && typeof stored.enabled === 'boolean' && typeof stored.key === 'string') return stored;
  } catch {
    // Unreadable: the default.
  }
  return { enabled: false, key: DEFAULT_PUSH_TO_TALK_KEY };
}
