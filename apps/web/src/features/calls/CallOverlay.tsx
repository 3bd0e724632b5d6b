import { Mic, MicOff, Phone, PhoneOff, Video, VideoOff, X } from 'lucide-react';
import { useEffect, useRef } from 'react';
import { stores, useCalls, useProfiles } from '../../app/stores.js';
import { profileName } from '../../stores/social.js';
import { Avatar } from '../../ui/Avatar.js';
import { IconButton } from '../../ui/IconButton.js';
import type { CallPhase, CallState } from './call-store.js';
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
};

/** A camera track in a <video>, for as long as it is shown. */
function TrackVideo({
  track,
  label,
  mirrored,
}: {
  track: MediaStreamTrack;
  label: string;
  mirrored?: boolean;
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
      className={`call-video${mirrored ? ' mirrored' : ''}`}
      aria-label={label}
      data-call-remote-video={mirrored ? undefined : 'true'}
      autoPlay
      playsInline
      muted
    />
  );
}

/** The ringing, calling and in-call bar of 1:1 DM calls, over whatever screen is open. */
export function CallOverlay() {
  const phase = useCalls((s) => s.phase);
  const peerId = useCalls((s) => s.peerId);
  const muted = useCalls((s) => s.muted);
  const error = useCalls((s) => s.error);
  const outcome = useCalls((s) => s.outcome);
  const playbackBlocked = useCalls((s) => s.playbackBlocked);
  const camera = useCalls((s) => s.camera);
  const remoteVideo = useCalls((s) => s.remoteVideo);
  const remoteVideoOn = useCalls((s) => s.remoteVideoOn);
  const slowConnect = useCalls((s) => s.slowConnect);
  const peer = useProfiles((s) => (peerId ? s.byId[peerId] : undefined));
  useEffect(() => {
    if (peerId) void stores.profiles.getState().ensure([peerId]);
  }, [peerId]);
  const calls = stores.calls.getState();
  const name = (peer && profileName(peer)) || 'someone';

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
        {peerId && <Avatar id={peerId} name={name} url={peer?.avatar_url} size={40} />}
        <p className="call-text">{name} is calling you</p>
        {error && (
          <p className="call-error" role="alert">
            {error}
          </p>
        )}
        <button type="button" className="call-accept" onClick={() => void calls.accept()}>
          <Phone aria-hidden="true" size={16} /> Accept
        </button>
        <button type="button" className="call-decline" onClick={() => void calls.decline()}>
          <PhoneOff aria-hidden="true" size={16} /> Decline
        </button>
      </section>
    );

  return (
    <section className={`call-bar ${phase}${remoteVideoOn || camera ? ' with-video' : ''}`} aria-label="Call">
      {(remoteVideoOn || camera) && (
        <div className="call-videos">
          {remoteVideo && remoteVideoOn && <TrackVideo track={remoteVideo} label={`${name}'s camera`} />}
          {camera && <TrackVideo track={camera} label="Your camera" mirrored />}
        </div>
      )}
      {peerId && <Avatar id={peerId} name={name} url={peer?.avatar_url} size={32} />}
      <p className="call-text" role="status">
        {PHASE_TEXT[phase](name)}
      </p>
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
      {phase !== 'outgoing' && (
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
        </>
      )}
      <button type="button" className="call-decline" onClick={() => void calls.hangUp()}>
        <PhoneOff aria-hidden="true" size={16} /> {phase === 'outgoing' ? 'Cancel' : 'Hang up'}
      </button>
    </section>
  );
}
