import { createStore } from 'zustand/vanilla';
import { describeError } from '../../lib/errors.js';
import type { HarmonyClient } from '../../lib/supabase.js';
import { preferredDevice } from '../voice/devices.js';
import { captureErrorMessage } from '../voice/media-errors.js';
import {
  type CallApi,
  type CallMember,
  type CallStatus,
  createCallApi,
  type DmCall,
  RING_SECONDS,
} from './call-api.js';
import type { CallSession, PeerView, SessionState } from './call-session.js';

export type CallPhase = 'idle' | 'outgoing' | 'incoming' | 'connecting' | 'connected' | 'reconnecting';

export interface CallState {
  call: DmCall | null;
  phase: CallPhase;
  /** 1:1: the other person. Group: who rings (incoming) or null. */
  peerId: string | null;
  /** Group DM calls: who was rung and who is in (from the database). */
  members: CallMember[];
  /** The others whose media this side receives. */
  peers: PeerView[];
  muted: boolean;
  speaking: boolean;
  error: string | null;
  /** How the last call ended, shown for a few seconds ('left': this side left a group call). */
  outcome: Exclude<CallStatus, 'ringing' | 'active'> | 'left' | null;
  playbackBlocked: boolean;
  /** This side's camera and screen share, sent while on. */
  camera: MediaStreamTrack | null;
  screen: MediaStreamTrack | null;
  /** Through LiveKit (when the deployment has it) or peer to peer. */
  transport: CallSession['kind'] | null;
  /** Answered, but no media path after a while: likely networks that need TURN. */
  slowConnect: boolean;
  startCall(channelId: string): Promise<void>;
  accept(): Promise<void>;
  decline(): Promise<void>;
  hangUp(): Promise<void>;
  toggleMute(): void;
  toggleCamera(): Promise<void>;
  toggleScreen(): Promise<void>;
  resumePlayback(): Promise<void>;
  /** A call_update from the user's topic (any device, any person of the call). */
  receive(call: DmCall): void;
  dismiss(): void;
}

const OUTCOME_SHOWN_MS = 5_000;
const SLOW_CONNECT_MS = 15_000;
/** Screens change slowly: fewer frames leave bandwidth and CPU for everyone's sound. */
const SCREEN_FPS = 15;

/** Media, signalling and ring tones load on the first call (outside the initial bundle). */
const loadMedia = () => import('./call-media.js');

export const isGroupCall = (call: DmCall | null) => call !== null && call.callee_id === null;

const memberState = (call: DmCall, who: string) => call.members?.find((m) => m.profile_id === who)?.state;

export interface CallStoreDeps {
  me(): string | null;
  /** Do not disturb or quiet hours: incoming calls show but do not ring aloud. */
  quiet(): boolean;
}

/**
 * DM and group DM calls: the database rings, keeps who is in and records the outcome
 * (start/answer/end_dm_call); a CallSession carries the media (LiveKit when configured, else
 * peer to peer). One call at a time per browser tab.
 */
export function createCallStore(
  client: HarmonyClient,
  deps: CallStoreDeps,
  api: CallApi = createCallApi(client),
) {
  const { me } = deps;
  let local: MediaStream | null = null;
  let session: CallSession | null = null;
  let linkState: SessionState | null = null;
  let ringTimer: ReturnType<typeof setTimeout> | null = null;
  let outcomeTimer: ReturnType<typeof setTimeout> | null = null;
  let connectTimer: ReturnType<typeof setTimeout> | null = null;
  let stopTone: (() => void) | null = null;
  let toneRequest = 0;
  /** Group calls this tab stopped ringing for (declined, rang out): later updates do not ring again. */
  const settled = new Set<string>();
  /**
   * While start_dm_call is on its way: the latest update of each call this person started that
   * came before its answer did (the callee may answer or decline first on a busy network).
   */
  let outrunByUpdates: Map<string, DmCall> | null = null;

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

    /** The ring tone (incoming) or ringback (outgoing), or silence with null. */
    const tone = (kind: 'incoming' | 'outgoing' | null) => {
      const request = ++toneRequest;
      stopTone?.();
      stopTone = null;
      if (!kind || (kind === 'incoming' && deps.quiet())) return;
      void loadMedia().then(({ playRing }) => {
        if (request === toneRequest) stopTone = playRing(kind);
      });
    };

    const stopRinging = () => {
      if (ringTimer) clearTimeout(ringTimer);
      ringTimer = null;
      tone(null);
    };

    /** Rings out after RING_SECONDS: the database then counts it missed, whoever asks. */
    const ringFor = (call: DmCall, extraMs: number) => {
      if (ringTimer) clearTimeout(ringTimer);
      ringTimer = setTimeout(
        () => {
          const { phase } = get();
          if (get().call?.id !== call.id || (phase !== 'outgoing' && phase !== 'incoming')) return;
          if (isGroupCall(call) && phase === 'incoming') {
            // Others may still be in it: this member just stops ringing (and can join later).
            settled.add(call.id);
            return finish(null);
          }
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
      set({ phase: linkState ?? 'connecting', slowConnect: false });
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
      get().screen?.stop();
      const closing = session;
      session = null;
      linkState = null;
      await closing?.close().catch(() => undefined);
    };

    const finish = (outcome: CallState['outcome']) => {
      void release();
      set({
        call: null,
        phase: 'idle',
        peerId: null,
        members: [],
        peers: [],
        muted: false,
        speaking: false,
        outcome,
        playbackBlocked: false,
        camera: null,
        screen: null,
        transport: null,
        slowConnect: false,
      });
      if (outcomeTimer) clearTimeout(outcomeTimer);
      outcomeTimer = setTimeout(() => set({ outcome: null }), OUTCOME_SHOWN_MS);
    };

    /** Joins the call's media: LiveKit or peer to peer, whichever this deployment has. */
    const openSession = async (call: DmCall, stream: MediaStream) => {
      const self = me();
      if (!self) return;
      const { openCallSession } = await loadMedia();
      const opened = await openCallSession({
        client,
        api,
        callId: call.id,
        me: self,
        media: { microphone: stream, camera: get().camera, screen: get().screen },
        events: {
          onPeers: (peers) => set({ peers }),
          onSelfSpeaking: (speaking) => set({ speaking }),
          onPlaybackBlocked: (playbackBlocked) => set({ playbackBlocked }),
          onState: (state) => {
            linkState = state;
            const { phase } = get();
            if (
              get().call?.id !== call.id ||
              phase === 'idle' ||
              phase === 'incoming' ||
              phase === 'outgoing'
            )
              return;
            set({ phase: state, slowConnect: false });
          },
        },
      });
      if (get().call?.id !== call.id || local !== stream) {
        // Over while it opened.
        await opened.close();
        return;
      }
      session = opened;
      opened.setMuted(get().muted);
      set({ transport: opened.kind });
    };

    const join = async (call: DmCall, stream: MediaStream) => {
      try {
        await openSession(call, stream);
      } catch (e) {
        await api.end(call.id).catch(() => undefined);
        finish(null);
        set({ error: describeError(e) });
      }
    };

    return {
      call: null,
      phase: 'idle',
      peerId: null,
      members: [],
      peers: [],
      muted: false,
      speaking: false,
      error: null,
      outcome: null,
      playbackBlocked: false,
      camera: null,
      screen: null,
      transport: null,
      slowConnect: false,

      async startCall(channelId) {
        if (get().phase !== 'idle') return set({ error: 'You are already in a call.' });
        set({ error: null, outcome: null });
        const stream = await microphone();
        if (!stream) return;
        let call: DmCall;
        const early = new Map<string, DmCall>();
        outrunByUpdates = early;
        try {
          call = await api.start(channelId);
        } catch (e) {
          for (const track of stream.getTracks()) track.stop();
          return set({ error: describeError(e, 'call') });
        } finally {
          outrunByUpdates = null;
        }
        const group = isGroupCall(call);
        if (!group && call.caller_id !== me()) {
          // They were calling at the same moment: pick up theirs.
          for (const track of stream.getTracks()) track.stop();
          set({ call, phase: 'incoming', peerId: call.caller_id });
          return get().accept();
        }
        local = stream;
        settled.delete(call.id);
        if (call.status === 'active') {
          // A group call already running: this side joined it.
          set({ call, peerId: null, members: call.members ?? get().members });
          enterConnecting();
        } else {
          set({ call, phase: 'outgoing', peerId: call.callee_id, members: call.members ?? [] });
          ringFor(call, 0);
          tone('outgoing');
        }
        const outrun = early.get(call.id);
        if (outrun) get().receive(outrun);
        if (get().call?.id !== call.id) return;
        await join(call, stream);
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
          set({ call: await api.answer(call.id, true) });
        } catch (e) {
          finish(null);
          return set({ error: describeError(e, 'answer this call') });
        }
        await join(call, stream);
      },

      async decline() {
        const call = get().call;
        if (!call) return;
        settled.add(call.id);
        finish('declined');
        await api.answer(call.id, false).catch(() => undefined);
      },

      async hangUp() {
        const call = get().call;
        if (!call) return;
        const { phase } = get();
        settled.add(call.id);
        finish(phase === 'outgoing' ? 'missed' : isGroupCall(call) ? 'left' : 'ended');
        await api.end(call.id).catch(() => undefined);
      },

      toggleMute() {
        const muted = !get().muted;
        if (session) session.setMuted(muted);
        else for (const track of local?.getAudioTracks() ?? []) track.enabled = !muted;
        set({ muted });
      },

      async toggleCamera() {
        const current = get().camera;
        if (current) {
          current.stop();
          set({ camera: null });
          await session?.setCamera(null);
          return;
        }
        try {
          const deviceId = preferredDevice('videoinput');
          const stream = await navigator.mediaDevices.getUserMedia({ video: deviceId ? { deviceId } : true });
          const track = stream.getVideoTracks()[0] ?? null;
          set({ camera: track, error: null });
          await session?.setCamera(track);
        } catch (e) {
          set({ error: captureErrorMessage(e, 'camera') ?? describeError(e) });
        }
      },

      async toggleScreen() {
        const current = get().screen;
        const stop = async () => {
          get().screen?.stop();
          set({ screen: null });
          await session?.setScreen(null);
        };
        if (current) return stop();
        let track: MediaStreamTrack | null;
        try {
          const stream = await navigator.mediaDevices.getDisplayMedia({
            video: { frameRate: SCREEN_FPS },
            audio: false,
          });
          track = stream.getVideoTracks()[0] ?? null;
        } catch (e) {
          // Closing the browser's picker is a choice, not an error.
          if (e instanceof DOMException && e.name === 'NotAllowedError') return;
          return set({ error: describeError(e, 'share your screen') });
        }
        if (!track) return;
        const shared = track;
        // The browser's own "Stop sharing" button ends the track.
        shared.addEventListener('ended', () => {
          if (get().screen === shared) void stop();
        });
        set({ screen: shared, error: null });
        await session?.setScreen(shared);
      },

      async resumePlayback() {
        await session?.resumePlayback();
        set({ playbackBlocked: false });
      },

      receive(call) {
        const self = me();
        if (!self) return;
        const current = get().call;
        if (outrunByUpdates && current?.id !== call.id && call.caller_id === self) {
          // A call this tab is starting, before start_dm_call has answered: applied once it has.
          outrunByUpdates.set(call.id, call);
          return;
        }
        const open = call.status === 'ringing' || call.status === 'active';
        if (isGroupCall(call)) {
          const mine = memberState(call, self);
          if (current?.id !== call.id) {
            // A new ring for this member while nothing else goes on.
            if (open && mine === 'ringing' && get().phase === 'idle' && !settled.has(call.id)) {
              set({
                call,
                phase: 'incoming',
                peerId: call.caller_id,
                members: call.members ?? [],
                error: null,
              });
              set({ outcome: null });
              ringFor(call, 1000);
              tone('incoming');
            }
            return;
          }
          if (call.status !== 'ringing' && call.status !== 'active') return finish(call.status);
          const { phase } = get();
          // Nobody rings again once in: this update was sent before this tab's answer landed
          // (someone else joined at the same moment). The answer's own update follows.
          if (phase !== 'incoming' && mine === 'ringing') return;
          // Left or removed from the group on any device, or answered on another one.
          if ((phase === 'incoming' && mine !== 'ringing') || (phase !== 'incoming' && mine !== 'joined')) {
            settled.add(call.id);
            return finish(null);
          }
          set({ call, members: call.members ?? [] });
          if (phase === 'outgoing' && call.status === 'active') {
            stopRinging();
            enterConnecting();
          }
          return;
        }
        if (call.caller_id !== self && call.callee_id !== self) return;
        if (call.status === 'ringing') {
          // Only the person called rings; the caller's other devices stay quiet.
          if (call.callee_id !== self || get().phase !== 'idle') return;
          set({ call, phase: 'incoming', peerId: call.caller_id, error: null, outcome: null });
          // A second later than the caller, so the caller's browser settles it first.
          ringFor(call, 1000);
          tone('incoming');
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
