import { Mic, MicOff, MonitorUp, MonitorX, Phone, PhoneOff, Video, VideoOff, X } from 'lucide-react';
import { useEffect, useRef } from 'react';
import { stores, useAuth, useCalls, useProfiles } from '../../app/stores.js';
import { useDm, useDmName } from '../../components/dms/use-dm-name.js';
import { profileName } from '../../stores/social.js';
import { Avatar } from '../../ui/Avatar.js';
import { IconButton } from '../../ui/IconButton.js';
import { type CallPhase, type CallState, isGroupCall } from './call-store.js';
import './calls.css';

const PHASE_TEXT: Record<Exclude<CallPhase, 'idle' | 'incoming'>, (name: string) => string> = {
  outgoing: (name) => `Calling ${name}…`,
  connecting: (name) => `Connecting to ${name}…`,
  connected: (name) => `In a call with ${name}`,
  reconnecting: () => 'Connection lost. Reconnecting…',
};

const OUTCOME_TEXT: Record<NonNullable<CallState['outcome']>, string> = {
  declined: 'Call declined.',
  missed: 'No answer.',
  ended: 'Call ended.',
  left: 'You left the call.',
};

/** A camera or screen track in a <video>, for as long as it is shown. */
function TrackVideo({
  track,
  label,
  kind,
}: {
  track: MediaStreamTrack;
  label: string;
  kind: 'remote-video' | 'remote-screen' | 'own-camera' | 'own-screen';
}) {
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    element.srcObject = new MediaStream([track]);
    return () => {
      element.srcObject = null;
    };
  }, [track]);
  return (
    <video
      ref={ref}
      className={`call-video ${kind}`}
      aria-label={label}
      data-call-remote-video={kind === 'remote-video' ? 'true' : undefined}
      data-call-remote-screen={kind === 'remote-screen' ? 'true' : undefined}
      autoPlay
      playsInline
      muted
    />
  );
}

/** A person's name once their profile is loaded. */
function useName(id: string | null): string {
  const profile = useProfiles((s) => (id ? s.byId[id] : undefined));
  return (profile && profileName(profile)) || 'someone';
}

/** One person of a group call: avatar ringed while speaking, muted or still ringing. */
function Participant({
  id,
  muted,
  speaking,
  ringing,
}: {
  id: string;
  muted: boolean;
  speaking: boolean;
  ringing: boolean;
}) {
  const profile = useProfiles((s) => s.byId[id]);
  const self = useAuth((s) => s.profile?.id === id);
  const name = (profile && profileName(profile)) || 'someone';
  const state = ringing ? 'ringing' : [muted && 'muted', speaking && 'speaking'].filter(Boolean).join(', ');
  return (
    <li
      className={`call-participant${speaking ? ' speaking' : ''}${ringing ? ' ringing' : ''}`}
      data-speaking={speaking}
      aria-label={`${self ? `${name} (you)` : name}${state ? `: ${state}` : ''}`}
    >
      <Avatar id={id} name={name} url={profile?.avatar_url} size={28} />
      <span className="call-participant-name">{self ? `${name} (you)` : name}</span>
      {muted && <MicOff aria-hidden="true" size={14} />}
      {ringing && <span className="call-participant-state">Ringing…</span>}
    </li>
  );
}

/** Who is in a group call (and who it still rings), with speaking and muted state. */
function Participants() {
  const members = useCalls((s) => s.members);
  const peers = useCalls((s) => s.peers);
  const muted = useCalls((s) => s.muted);
  const speaking = useCalls((s) => s.speaking);
  const me = useAuth((s) => s.profile?.id);
  const shown = members.filter((m) => m.state === 'joined' || m.state === 'ringing');
  const ids = shown.map((m) => m.profile_id).join(',');
  useEffect(() => {
    if (ids) void stores.profiles.getState().ensure(ids.split(','));
  }, [ids]);
  return (
    <ul className="call-participants" aria-label="In the call">
      {shown.map(({ profile_id: id, state }) => {
        const peer = peers.find((p) => p.id === id);
        const self = id === me;
        return (
          <Participant
            key={id}
            id={id}
            ringing={state === 'ringing'}
            muted={self ? muted : (peer?.muted ?? false)}
            speaking={self ? speaking && !muted : (peer?.speaking ?? false)}
          />
        );
      })}
    </ul>
  );
}

/** Everyone's camera and screen share that is on, and this side's own. */
function Videos() {
  const peers = useCalls((s) => s.peers);
  const camera = useCalls((s) => s.camera);
  const screen = useCalls((s) => s.screen);
  const byId = useProfiles((s) => s.byId);
  const feeds = peers.flatMap((peer) => {
    const name = profileName(byId[peer.id]) || 'someone';
    return [
      peer.screen && {
        key: `${peer.id}:screen`,
        track: peer.screen,
        label: `${name}'s screen`,
        kind: 'remote-screen',
      },
      peer.camera && {
        key: `${peer.id}:camera`,
        track: peer.camera,
        label: `${name}'s camera`,
        kind: 'remote-video',
      },
    ].filter((feed) => feed !== null) as {
      key: string;
      track: MediaStreamTrack;
      label: string;
      kind: 'remote-video' | 'remote-screen';
    }[];
  });
  if (feeds.length === 0 && !camera && !screen) return null;
  return (
    <div className="call-videos">
      {feeds.map((feed) => (
        <TrackVideo key={feed.key} track={feed.track} label={feed.label} kind={feed.kind} />
      ))}
      {screen && <TrackVideo track={screen} label="Your screen" kind="own-screen" />}
      {camera && <TrackVideo track={camera} label="Your camera" kind="own-camera" />}
    </div>
  );
}

/** The ringing, calling and in-call bar of DM and group DM calls, over whatever screen is open. */
export function CallPanel() {
  const phase = useCalls((s) => s.phase);
  const call = useCalls((s) => s.call);
  const peerId = useCalls((s) => s.peerId);
  const muted = useCalls((s) => s.muted);
  const error = useCalls((s) => s.error);
  const outcome = useCalls((s) => s.outcome);
  const playbackBlocked = useCalls((s) => s.playbackBlocked);
  const camera = useCalls((s) => s.camera);
  const screen = useCalls((s) => s.screen);
  const videos = useCalls((s) => s.peers.some((p) => p.camera || p.screen) || s.camera || s.screen);
  const slowConnect = useCalls((s) => s.slowConnect);
  const transport = useCalls((s) => s.transport);
  const peer = useProfiles((s) => (peerId ? s.byId[peerId] : undefined));
  const peerName = useName(peerId);
  const dm = useDm(call?.channel_id ?? null);
  const groupName = useDmName(dm) || 'the group';
  useEffect(() => {
    if (peerId) void stores.profiles.getState().ensure([peerId]);
  }, [peerId]);
  const calls = stores.calls.getState();
  const group = isGroupCall(call);
  const name = group ? groupName : peerName;

  if (phase === 'idle')
    return error || outcome ? (
      <div className="call-bar ended" role={error ? 'alert' : 'status'}>
        <span>{error ?? (outcome && OUTCOME_TEXT[outcome])}</span>
        <IconButton label="Dismiss" icon={X} size={16} onClick={() => calls.dismiss()} />
      </div>
    ) : null;

  if (phase === 'incoming')
    return (
      <section className="call-bar incoming" role="alertdialog" aria-label="Incoming call">
        {peerId && <Avatar id={peerId} name={peerName} url={peer?.avatar_url} size={40} />}
        <p className="call-text">
          {group ? `${peerName} is calling ${groupName}` : `${peerName} is calling you`}
        </p>
        {error && (
          <p className="call-error" role="alert">
            {error}
          </p>
        )}
        <button type="button" className="call-accept" onClick={() => void calls.accept()}>
          <Phone aria-hidden="true" size={16} /> {group ? 'Join' : 'Accept'}
        </button>
        <button type="button" className="call-decline" onClick={() => void calls.decline()}>
          <PhoneOff aria-hidden="true" size={16} /> Decline
        </button>
      </section>
    );

  return (
    <section
      className={`call-bar ${phase}${videos ? ' with-video' : ''}`}
      aria-label="Call"
      data-transport={transport ?? undefined}
    >
      {videos && <Videos />}
      {!group && peerId && <Avatar id={peerId} name={peerName} url={peer?.avatar_url} size={32} />}
      <p className="call-text" role="status">
        {PHASE_TEXT[phase](name)}
      </p>
      {group && <Participants />}
      {slowConnect && phase === 'connecting' && (
        <p className="call-error">
          Still connecting. Your networks may block direct calls; a TURN server fixes that (ask this Harmony
          server's admin).
        </p>
      )}
      {playbackBlocked && (
        <button type="button" onClick={() => void calls.resumePlayback()}>
          Play sound
        </button>
      )}
      {(phase !== 'outgoing' || group) && (
        <>
          <IconButton
            label={muted ? 'Unmute' : 'Mute'}
            icon={muted ? MicOff : Mic}
            aria-pressed={muted}
            onClick={() => calls.toggleMute()}
          />
          <IconButton
            label={camera ? 'Turn off camera' : 'Turn on camera'}
            icon={camera ? Video : VideoOff}
            aria-pressed={Boolean(camera)}
            onClick={() => void calls.toggleCamera()}
          />
          <IconButton
            label={screen ? 'Stop sharing your screen' : 'Share your screen'}
            icon={screen ? MonitorX : MonitorUp}
            aria-pressed={Boolean(screen)}
            onClick={() => void calls.toggleScreen()}
          />
        </>
      )}
      <button type="button" className="call-decline" onClick={() => void calls.hangUp()}>
        <PhoneOff aria-hidden="true" size={16} />{' '}
        {phase === 'outgoing' ? 'Cancel' : group ? 'Leave' : 'Hang up'}
      </button>
    </section>
  );
}
