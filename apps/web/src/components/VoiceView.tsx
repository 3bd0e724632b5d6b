import { Volume2 } from 'lucide-react';
import { stores, useVoice } from '../app/stores.js';
import { VoiceStage } from '../features/voice/VoiceStage.js';
import type { Channel } from '../lib/types.js';

/** The main pane of a voice channel: who is there, who is speaking, their videos, and a way in. */
export function VoiceView({ channel }: { channel: Channel }) {
  const joinedHere = useVoice((s) => s.channelId === channel.id);
  const status = useVoice((s) => s.status);
  const error = useVoice((s) => s.error);
  const playbackBlocked = useVoice((s) => s.playbackBlocked);
  const inCall = joinedHere && (status === 'connected' || status === 'reconnecting');
  const joining = joinedHere && status === 'connecting';

  return (
    <section className="voice-view" aria-label={`Voice channel ${channel.name}`}>
      <header className="channel-header">
        <h2>
          <Volume2 aria-hidden="true" size={20} className="channel-icon" />
          {channel.name}
        </h2>
      </header>
      {inCall ? (
        <>
          {status === 'reconnecting' && (
            <p className="voice-notice warning" role="status">
              Connection lost. Reconnecting to voice…
            </p>
          )}
          {playbackBlocked && (
            <p className="voice-notice">
              Your browser paused the call's sound.{' '}
              <button type="button" onClick={() => void stores.voice.getState().resumePlayback()}>
                Play sound
              </button>
            </p>
          )}
          {error && (
            <p className="voice-notice warning" role="alert">
              {error}
            </p>
          )}
          <VoiceStage channel={channel} />
        </>
      ) : (
        <div className="empty-state">
          {error && <p role="alert">{error}</p>}
          {joining && <p role="status">Joining voice…</p>}
          <button
            type="button"
            className="primary"
            disabled={joining}
            onClick={() => void stores.voice.getState().join(channel.id)}
          >
            {joining ? 'Joining…' : 'Join voice'}
          </button>
        </div>
      )}
    </section>
  );
}
