import { HeadphoneOff, Headphones, Mic, MicOff, MonitorUp, PhoneOff, Video, VideoOff, X } from 'lucide-react';
import { stores, useServers, useVoice } from '../app/stores.js';
import { DevicePickers } from '../features/voice/DevicePickers.js';
import { IconButton } from '../ui/IconButton.js';

const STATUS_TEXT = {
  idle: '',
  connecting: 'Joining voice…',
  connected: 'Voice connected',
  reconnecting: 'Reconnecting…',
  error: 'Voice disconnected',
} as const;

/** The bottom-left voice controls, shown while in (or failing to join) a voice channel. */
export function VoicePanel() {
  const status = useVoice((s) => s.status);
  const error = useVoice((s) => s.error);
  const channelId = useVoice((s) => s.channelId);
  const muted = useVoice((s) => s.muted);
  const deafened = useVoice((s) => s.deafened);
  const camera = useVoice((s) => s.camera);
  const screenShare = useVoice((s) => s.screenShare);
  const serverMuted = useVoice((s) => s.serverMuted);
  const serverDeafened = useVoice((s) => s.serverDeafened);
  const channelName = useServers((s) => {
    for (const detail of Object.values(s.details)) {
      const found = detail.channels.find((c) => c.id === channelId);
      if (found) return found.name;
    }
    return null;
  });
  if (status === 'idle' && !error) return null;
  const voice = stores.voice.getState();

  return (
    <section className={`voice-panel ${status}`} aria-label="Voice">
      <p className="voice-status" role="status">
        {STATUS_TEXT[status]}
        {channelName && status !== 'error' ? ` — ${channelName}` : ''}
      </p>
      {(serverMuted || serverDeafened) && (
        <p className="voice-error" role="status">
          {serverMuted && serverDeafened
            ? 'A moderator muted and deafened you in this server.'
            : serverMuted
              ? 'A moderator muted you in this server.'
              : 'A moderator deafened you in this server.'}
        </p>
      )}
      {error && (
        <div className="voice-error-row">
          <p className="voice-error" role="alert">
            {error}
          </p>
          {!channelId && (
            <IconButton
              label="Dismiss"
              icon={X}
              size={16}
              onClick={() => void stores.voice.getState().leave()}
            />
          )}
        </div>
      )}
      {channelId && (
        <div className="voice-controls">
          <IconButton
            label={muted ? 'Unmute' : 'Mute'}
            icon={muted ? MicOff : Mic}
            tooltip="top"
            aria-pressed={muted}
            onClick={() => void voice.toggleMute()}
          />
          <IconButton
            label={deafened ? 'Undeafen' : 'Deafen'}
            icon={deafened ? HeadphoneOff : Headphones}
            tooltip="top"
            aria-pressed={deafened}
            onClick={() => void voice.toggleDeafen()}
          />
          <IconButton
            label="Camera"
            icon={camera ? Video : VideoOff}
            tooltip="top"
            aria-pressed={camera}
            onClick={() => void voice.toggleCamera()}
          />
          <IconButton
            label="Share screen"
            icon={MonitorUp}
            tooltip="top"
            aria-pressed={screenShare}
            onClick={() => void voice.toggleScreenShare()}
          />
          <IconButton
            label="Leave"
            icon={PhoneOff}
            tooltip="top"
            className="danger"
            onClick={() => void voice.leave()}
          />
        </div>
      )}
      {(status === 'connected' || status === 'reconnecting') && <DevicePickers />}
    </section>
  );
}
