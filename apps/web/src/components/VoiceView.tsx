import { stores, useVoice } from '../app/stores.js';
import type { Channel } from '../lib/types.js';

/** The main pane of a voice channel: who is there, who is speaking, and a way in. */
export function VoiceView({ channel }: { channel: Channel }) {
  const joinedHere = useVoice((s) => s.channelId === channel.id);
  const status = useVoice((s) => s.status);
  const participants = useVoice((s) => s.participants);
  const error = useVoice((s) => s.error);

  return (
    <section className="voice-view" aria-label={`Voice channel ${channel.name}`}>
      <header className="channel-header">
        <h2>🔊 {channel.name}</h2>
      </header>
      {joinedHere && status === 'connected' ? (
        <ul className="voice-grid" aria-label="Participants">
          {participants.map((p) => (
            <li key={p.identity} className={`voice-tile${p.speaking ? ' speaking' : ''}`}>
              <span className="voice-name">{p.name}</span>
              <span className="voice-flags">
                {p.micMuted ? '🔇' : '🎙'}
                {p.camera ? ' 📷' : ''}
                {p.screenShare ? ' 🖥' : ''}
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
