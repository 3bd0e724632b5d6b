import { Mic, MicOff, MonitorUp, Video, Volume2 } from 'lucide-react';
import { stores, useVoice } from '../app/stores.js';
import type { Channel } from '../lib/types.js';
import { Avatar } from '../ui/Avatar.js';

/** The main pane of a voice channel: who is there, who is speaking, and a way in. */
export function VoiceView({ channel }: { channel: Channel }) {
  const joinedHere = useVoice((s) => s.channelId === channel.id);
  const status = useVoice((s) => s.status);
  const participants = useVoice((s) => s.participants);
  const error = useVoice((s) => s.error);

  return (
    <section className="voice-view" aria-label={`Voice channel ${channel.name}`}>
      <header className="channel-header">
        <h2>
          <Volume2 aria-hidden="true" size={20} className="channel-icon" />
          {channel.name}
        </h2>
      </header>
      {joinedHere && status === 'connected' ? (
        <ul className="voice-grid" aria-label="Participants">
          {participants.map((p) => (
            <li key={p.identity} className={`voice-tile${p.speaking ? ' speaking' : ''}`}>
              <Avatar id={p.identity} name={p.name} size={64} />
              <span className="voice-name">{p.name}</span>
              <span className="voice-flags">
                {p.micMuted ? (
                  <MicOff aria-label="Muted" size={16} />
                ) : (
                  <Mic aria-label="Microphone on" size={16} />
                )}
                {p.camera && <Video aria-label="Camera on" size={16} />}
                {p.screenShare && <MonitorUp aria-label="Sharing screen" size={16} />}
              </span>
            </li>
          ))}
        </ul>
      ) : (
        <div className="empty-state">
          {error && <p role="alert">{error}</p>}
          <button
            type="button"
            className="primary"
            disabled={status === 'connecting'}
            onClick={() => void stores.voice.getState().join(channel.id)}
          >
            {status === 'connecting' && joinedHere ? 'Connecting…' : 'Join voice'}
          </button>
        </div>
      )}
    </section>
  );
}
