import type { Participant, Room, TrackPublication } from 'livekit-client';
import { createStore } from 'zustand/vanilla';
import type { HarmonyClient } from '../lib/supabase.js';

export type VoiceStatus = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'error';

export interface VoiceParticipant {
  identity: string;
  name: string;
  speaking: boolean;
  micMuted: boolean;
  camera: boolean;
  screenShare: boolean;
  isLocal: boolean;
}

export interface VoiceState {
  channelId: string | null;
  status: VoiceStatus;
  error: string | null;
  participants: VoiceParticipant[];
  muted: boolean;
  deafened: boolean;
  camera: boolean;
  screenShare: boolean;
  join(channelId: string): Promise<void>;
  leave(): Promise<void>;
  toggleMute(): Promise<void>;
  toggleDeafen(): void;
  toggleCamera(): Promise<void>;
  toggleScreenShare(): Promise<void>;
  setInputDevice(deviceId: string): Promise<void>;
  /** The LiveKit room, for components that attach video tracks. */
  room(): Room | null;
}

interface TokenResponse {
  token: string;
  url: string;
}

const CONNECT_TIMEOUT_MS = 10_000;

/** Turns LiveKit, browser and database failures into sentences a person can act on. */
export function voiceErrorMessage(error: unknown): string {
  const e = error as { code?: string; name?: string; message?: string };
  // Not found (PT404, answered 404) or refused (42501).
  if (e.code === 'PT404' || e.code === '42501')
    return 'You do not have permission to join this voice channel.';
  if (e.code === 'P0001') return 'Voice is not set up on this Harmony server yet.';
  if (e.name === 'NotAllowedError' || e.name === 'SecurityError') {
    return 'Microphone access was denied. Allow it in your browser settings to talk.';
  }
  if (e.name === 'NotFoundError') return 'No microphone was found.';
  return 'The voice server is unreachable. Try again in a moment.';
}

/** livekit-client is large and only needed once someone joins voice: load it then. */
const loadLiveKit = () => import('livekit-client');

/** Voice channels through LiveKit: a token from get_livekit_token, then a LiveKit room. */
export function createVoiceStore(client: HarmonyClient, onPresence: (channelId: string | null) => void) {
  let room: Room | null = null;

  return createStore<VoiceState>()((set, get) => {
    let Track: typeof import('livekit-client').Track | null = null;
    const snapshot = () => {
      if (!room || !Track) return set({ participants: [] });
      const { Microphone, Camera, ScreenShare } = Track.Source;
      const all: Participant[] = [room.localParticipant, ...room.remoteParticipants.values()];
      const has = (p: Participant, source: import('livekit-client').Track.Source) =>
        [...p.trackPublications.values()].some((t: TrackPublication) => t.source === source && !t.isMuted);
      set({
        participants: all.map((p) => ({
          identity: p.identity,
          name: p.name || p.identity,
          speaking: p.isSpeaking,
          micMuted: !has(p, Microphone),
          camera: has(p, Camera),
          screenShare: has(p, ScreenShare),
          isLocal: p === room?.localParticipant,
        })),
      });
    };

    const fail = async (error: unknown) => {
      await room?.disconnect().catch(() => undefined);
      room = null;
      onPresence(null);
      set({ status: 'error', error: voiceErrorMessage(error), participants: [], channelId: null });
    };

    return {
      channelId: null,
      status: 'idle',
      error: null,
      participants: [],
      muted: false,
      deafened: false,
      camera: false,
      screenShare: false,

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
        Track = livekit.Track;
        const next = new Room({ adaptiveStream: true, dynacast: true });
        room = next;
        next
          .on(RoomEvent.ParticipantConnected, snapshot)
          .on(RoomEvent.ParticipantDisconnected, snapshot)
          .on(RoomEvent.ActiveSpeakersChanged, snapshot)
          .on(RoomEvent.TrackMuted, snapshot)
          .on(RoomEvent.TrackUnmuted, snapshot)
          .on(RoomEvent.TrackPublished, snapshot)
          .on(RoomEvent.TrackUnpublished, snapshot)
          .on(RoomEvent.LocalTrackPublished, snapshot)
          .on(RoomEvent.LocalTrackUnpublished, snapshot)
          .on(RoomEvent.ConnectionStateChanged, (state) => {
            if (state === ConnectionState.Reconnecting) set({ status: 'reconnecting' });
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
        onPresence(channelId);
        try {
          await next.localParticipant.setMicrophoneEnabled(!get().muted);
        } catch (micError) {
          // Still in the room, listening only: say why the microphone is off.
          set({ muted: true, error: voiceErrorMessage(micError) });
        }
        snapshot();
      },

      async leave() {
        const current = room;
        room = null;
        if (current) await current.disconnect();
        if (get().channelId) onPresence(null);
        // Leaving also dismisses a failed attempt's error: nothing about voice stays on screen.
        set({
          channelId: null,
          status: 'idle',
          error: null,
          participants: [],
          camera: false,
          screenShare: false,
        });
      },

      async toggleMute() {
        const muted = !get().muted;
        set({ muted });
        await room?.localParticipant
          .setMicrophoneEnabled(!muted)
          .catch((e: unknown) => set({ muted: true, error: voiceErrorMessage(e) }));
        snapshot();
      },

      toggleDeafen() {
        const deafened = !get().deafened;
        set({ deafened });
        for (const participant of room?.remoteParticipants.values() ?? [])
          participant.setVolume(deafened ? 0 : 1);
      },

      async toggleCamera() {
        const camera = !get().camera;
        await room?.localParticipant.setCameraEnabled(camera);
        set({ camera });
        snapshot();
      },

      async toggleScreenShare() {
        const screenShare = !get().screenShare;
        await room?.localParticipant.setScreenShareEnabled(screenShare);
        set({ screenShare });
        snapshot();
      },

      async setInputDevice(deviceId) {
        await room?.switchActiveDevice('audioinput', deviceId);
      },

      room: () => room,
    };
  });
}
