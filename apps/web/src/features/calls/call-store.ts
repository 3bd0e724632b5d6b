import { createStore } from 'zustand/vanilla';
import { describeError } from '../../lib/errors.js';
import type { HarmonyClient } from '../../lib/supabase.js';
import { preferredDevice } from '../voice/devices.js';
import { captureErrorMessage } from '../voice/media-errors.js';
import { type CallApi, type CallStatus, createCallApi, type DmCall, RING_SECONDS } from './call-api.js';
import { iceServers } from './ice-servers.js';
import { PeerLink } from './peer-link.js';

export type CallPhase = 'idle' | 'outgoing' | 'incoming' | 'connecting' | 'connected' | 'reconnecting';

export interface CallState {
  call: DmCall | null;
  phase: CallPhase;
  /** The other person. */
  peerId: string | null;
  muted: boolean;
  error: string | null;
  /** How the last call ended, shown for a few seconds. */
  outcome: Exclude<CallStatus, 'ringing' | 'active'> | null;
  playbackBlocked: boolean;
  /** This side's camera, sent while on. */
  camera: MediaStreamTrack | null;
  /** The other side's video line, and whether their camera is on (they say so on the call topic). */
  remoteVideo: MediaStreamTrack | null;
  remoteVideoOn: boolean;
  /** Answered, but no media path after a while: likely networks that need TURN. */
  slowConnect: boolean;
  startCall(channelId: string): Promise<void>;
  accept(): Promise<void>;
  decline(): Promise<void>;
  hangUp(): Promise<void>;
  toggleMute(): void;
  toggleCamera(): Promise<void>;
  resumePlayback(): Promise<void>;
  /** A call_update from the user's topic (any device, either person). */
  receive(call: DmCall): void;
  dismiss(): void;
}

const OUTCOME_SHOWN_MS = 5_000;
const SLOW_CONNECT_MS = 15_000;

type SinkableAudio = HTMLAudioElement & { setSinkId?: (id: string) => Promise<void> };

/**
 * 1:1 DM calls, peer to peer: the database rings and records the outcome (start/answer/end_dm_call),
 * PeerLink carries the media. One call at a time per browser tab.
 */
export function createCallStore(
  client: HarmonyClient,
  me: () => string | null,
  api: CallApi = createCallApi(client),
) {
  let local: MediaStream | null = null;
  let link: PeerLink | null = null;
  let remoteAudio: SinkableAudio | null = null;
  let ringTimer: ReturnType<typeof setTimeout> | null = null;
  let outcomeTimer: ReturnType<typeof setTimeout> | null = null;
  let connectTimer: ReturnType<typeof setTimeout> | null = null;

  return createStore<CallState>()((set, get) => {
    const microphone = async (): Promise<MediaStream | null> => {
      try {
        const deviceId = preferredDevice('audioinput');
        return await navigator.mediaDevices.getUserMedia({ audio: deviceId ? { deviceId } : true });
      } catch (e) {
        set({ error: captureErrorMessage(e, 'microphone') ?? describeError(e) });
        return null;
      }
    };

    const stopRinging = () => {
      if (ringTimer) clearTimeout(ringTimer);
      ringTimer = null;
    };

    /** Rings out after RING_SECONDS: the database then counts it missed, whoever asks. */
    const ringFor = (call: DmCall, extraMs: number) => {
      stopRinging();
      ringTimer = setTimeout(
        () => {
          if (get().call?.id !== call.id || (get().phase !== 'outgoing' && get().phase !== 'incoming'))
            return;
          void api.end(call.id).then(
            (done) => finish(done.status === 'ringing' || done.status === 'active' ? 'missed' : done.status),
            () => finish('missed'),
          );
        },
        RING_SECONDS * 1000 + extraMs,
      );
    };

    /** Answered: media should flow within seconds, else the bar says why it may not. */
    const enterConnecting = () => {
      set({ phase: 'connecting', slowConnect: false });
      if (connectTimer) clearTimeout(connectTimer);
      connectTimer = setTimeout(() => {
        if (get().phase === 'connecting') set({ slowConnect: true });
      }, SLOW_CONNECT_MS);
    };

    const release = async () => {
      stopRinging();
      if (connectTimer) clearTimeout(connectTimer);
      connectTimer = null;
      for (const track of local?.getTracks() ?? []) track.stop();
      local = null;
      get().camera?.stop();
      const closing = link;
      link = null;
      remoteAudio?.remove();
      if (remoteAudio) remoteAudio.srcObject = null;
      remoteAudio = null;
      await closing?.close();
    };

    const finish = (outcome: CallState['outcome']) => {
      void release();
      set({
        call: null,
        phase: 'idle',
        peerId: null,
        muted: false,
        outcome,
        playbackBlocked: false,
        camera: null,
        remoteVideo: null,
        remoteVideoOn: false,
        slowConnect: false,
      });
      if (outcomeTimer) clearTimeout(outcomeTimer);
      outcomeTimer = setTimeout(() => set({ outcome: null }), OUTCOME_SHOWN_MS);
    };

    const playRemote = (track: MediaStreamTrack) => {
      if (track.kind === 'video') return set({ remoteVideo: track });
      if (!remoteAudio) {
        remoteAudio = document.createElement('audio') as SinkableAudio;
        remoteAudio.dataset.callRemote = 'true';
        remoteAudio.autoplay = true;
        document.body.append(remoteAudio);
        const output = preferredDevice('audiooutput');
        if (output) void remoteAudio.setSinkId?.(output).catch(() => undefined);
      }
      remoteAudio.srcObject = new MediaStream([track]);
      remoteAudio.play().then(
        () => set({ playbackBlocked: false }),
        () => set({ playbackBlocked: true }),
      );
    };

    const connect = async (call: DmCall, role: 'caller' | 'callee', stream: MediaStream) => {
      const self = me();
      if (!self) return;
      link = new PeerLink({
        client,
        callId: call.id,
        me: self,
        role,
        local: stream,
        iceServers: iceServers(),
        onRemoteTrack: playRemote,
        onRemoteCamera: (remoteVideoOn) => set({ remoteVideoOn }),
        onState: (state) => {
          const { phase } = get();
          if (get().call?.id !== call.id || phase === 'idle' || phase === 'incoming') return;
          stopRinging();
          set({ phase: state, slowConnect: false });
        },
        onHangup: () => {
          if (get().call?.id === call.id) finish('ended');
        },
      });
      await link.open();
    };

    return {
      call: null,
      phase: 'idle',
      peerId: null,
      muted: false,
      error: null,
      outcome: null,
      playbackBlocked: false,
      camera: null,
      remoteVideo: null,
      remoteVideoOn: false,
      slowConnect: false,

      async startCall(channelId) {
        if (get().phase !== 'idle') return set({ error: 'You are already in a call.' });
        set({ error: null, outcome: null });
        const stream = await microphone();
        if (!stream) return;
        let call: DmCall;
        try {
          call = await api.start(channelId);
        } catch (e) {
          for (const track of stream.getTracks()) track.stop();
          return set({ error: describeError(e, 'call this person') });
        }
        if (call.caller_id !== me()) {
          // They were calling at the same moment: pick up theirs.
          for (const track of stream.getTracks()) track.stop();
          set({ call, phase: 'incoming', peerId: call.caller_id });
          return get().accept();
        }
        local = stream;
        set({ call, phase: 'outgoing', peerId: call.callee_id });
        ringFor(call, 0);
        try {
          await connect(call, 'caller', stream);
        } catch (e) {
          await api.end(call.id).catch(() => undefined);
          finish(null);
          set({ error: describeError(e) });
        }
      },

      async accept() {
        const call = get().call;
        if (!call || get().phase !== 'incoming') return;
        set({ error: null });
        const stream = await microphone();
        if (!stream) return;
        local = stream;
        stopRinging();
        enterConnecting();
        try {
          await connect(call, 'callee', stream);
          set({ call: await api.answer(call.id, true) });
        } catch (e) {
          finish(null);
          set({ error: describeError(e, 'answer this call') });
        }
      },

      async decline() {
        const call = get().call;
        if (!call) return;
        finish('declined');
        await api.answer(call.id, false).catch(() => undefined);
      },

      async hangUp() {
        const call = get().call;
        if (!call) return;
        const closing = link;
        link = null;
        await closing?.hangUp();
        finish(get().phase === 'outgoing' ? 'missed' : 'ended');
        await api.end(call.id).catch(() => undefined);
      },

      toggleMute() {
        const muted = !get().muted;
        for (const track of local?.getAudioTracks() ?? []) track.enabled = !muted;
        set({ muted });
      },

      async toggleCamera() {
        const current = get().camera;
        if (current) {
          current.stop();
          set({ camera: null });
          await link?.setCamera(null);
          return;
        }
        try {
          const deviceId = preferredDevice('videoinput');
          const stream = await navigator.mediaDevices.getUserMedia({ video: deviceId ? { deviceId } : true });
          const track = stream.getVideoTracks()[0] ?? null;
          set({ camera: track, error: null });
          await link?.setCamera(track);
        } catch (e) {
          set({ error: captureErrorMessage(e, 'camera') ?? describeError(e) });
        }
      },

      async resumePlayback() {
        await remoteAudio?.play().catch(() => undefined);
        set({ playbackBlocked: false });
      },

      receive(call) {
        const self = me();
        if (!self || (call.caller_id !== self && call.callee_id !== self)) return;
        const current = get().call;
        if (call.status === 'ringing') {
          // Only the person called rings; the caller's other devices stay quiet.
          if (call.callee_id !== self || get().phase !== 'idle') return;
          set({ call, phase: 'incoming', peerId: call.caller_id, error: null, outcome: null });
          // A second later than the caller, so the caller's browser settles it first.
          ringFor(call, 1000);
          return;
        }
        if (current?.id !== call.id) return;
        if (call.status === 'active') {
          // Picked up on another of the callee's devices: this one stops ringing.
          if (get().phase === 'incoming') return finish(null);
          stopRinging();
          set({ call });
          if (get().phase === 'outgoing') enterConnecting();
          return;
        }
        finish(call.status);
      },

      dismiss() {
        set({ error: null, outcome: null });
      },
    };
  });
}
