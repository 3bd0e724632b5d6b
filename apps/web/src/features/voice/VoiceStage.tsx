import {
  Maximize2,
  MicOff,
  Minimize2,
  MonitorUp,
  SignalHigh,
  SignalLow,
  SignalMedium,
  SignalZero,
  Volume2,
  VolumeX,
} from 'lucide-react';
import { stores, useVoice } from '../../app/stores.js';
import type { Channel } from '../../lib/types.js';
import type { ConnectionQuality, VoiceParticipant, VoiceVideo } from '../../stores/voice.js';
import { Avatar } from '../../ui/Avatar.js';
import { IconButton } from '../../ui/IconButton.js';
import { VideoTile } from './VideoTile.js';
import { VoiceModeration } from './VoiceModeration.js';
import './voice.css';

const QUALITY: Record<ConnectionQuality, { icon: typeof SignalHigh; text: string } | null> = {
  excellent: { icon: SignalHigh, text: 'Excellent connection' },
  good: { icon: SignalMedium, text: 'Good connection' },
  poor: { icon: SignalLow, text: 'Poor connection' },
  lost: { icon: SignalZero, text: 'Connection lost' },
  unknown: null,
};

function Quality({ quality }: { quality: ConnectionQuality }) {
  const shown = QUALITY[quality];
  if (!shown) return null;
  const Icon = shown.icon;
  return <Icon aria-label={shown.text} size={16} className={`voice-quality ${quality}`} />;
}

/** Volume and "mute for me" for someone else: only this listener hears the difference. */
function ListenerControls({ person }: { person: VoiceParticipant }) {
  const voice = stores.voice.getState();
  return (
    <div className="voice-listener">
      <IconButton
        label={person.locallyMuted ? `Unmute ${person.name} for me` : `Mute ${person.name} for me`}
        icon={person.locallyMuted ? VolumeX : Volume2}
        size={16}
        tooltip="top"
        aria-pressed={person.locallyMuted}
        onClick={() => voice.setLocallyMuted(person.identity, !person.locallyMuted)}
      />
      <input
        type="range"
        min={0}
        max={100}
        value={Math.round(person.volume * 100)}
        aria-label={`Volume for ${person.name}`}
        onChange={(e) => voice.setVolume(person.identity, Number(e.target.value) / 100)}
      />
    </div>
  );
}

function Tile({
  person,
  video,
  channel,
}: {
  person: VoiceParticipant;
  video?: VoiceVideo;
  channel: Channel;
}) {
  const focused = useVoice((s) => s.focused);
  const isFocused = video !== undefined && focused === video.key;
  const screen = video?.source === 'screen_share';
  const label = screen ? `${person.name}'s screen` : person.name;
  return (
    <li
      className={`voice-tile${person.speaking && !screen ? ' speaking' : ''}${video ? ' has-video' : ''}${isFocused ? ' focused' : ''}`}
      aria-label={label}
    >
      {video ? (
        <VideoTile video={video} label={label} />
      ) : (
        <Avatar id={person.identity} name={person.name} size={64} />
      )}
      <span className="voice-tile-bar">
        <span className="voice-name">{label}</span>
        <span className="voice-flags">
          {person.micMuted && !screen && <MicOff aria-label="Muted" size={16} />}
          {person.screenShare && !screen && <MonitorUp aria-label="Sharing screen" size={16} />}
          {!screen && <Quality quality={person.quality} />}
          {person.speaking && !screen && <span className="sr-only">Speaking</span>}
        </span>
        {video && (
          <IconButton
            label={isFocused ? 'Back to the grid' : `Focus ${label}`}
            icon={isFocused ? Minimize2 : Maximize2}
            size={16}
            tooltip="top"
            onClick={() => stores.voice.getState().focus(isFocused ? null : video.key)}
          />
        )}
      </span>
      {!person.isLocal && !screen && <ListenerControls person={person} />}
      {!person.isLocal && !screen && channel.server_id && (
        <VoiceModeration channel={channel} identity={person.identity} name={person.name} />
      )}
    </li>
  );
}

/**
 * Who is in the call: a tile per person (their camera when it is on, else their avatar, ringed
 * while they speak) and one per screen share; a focused video takes the stage, the rest a strip.
 */
export function VoiceStage({ channel }: { channel: Channel }) {
  const participants = useVoice((s) => s.participants);
  const videos = useVoice((s) => s.videos);
  const focused = useVoice((s) => s.focused);
  const tiles = participants.flatMap((person) => {
    const mine = videos.filter((v) => v.identity === person.identity);
    const camera = mine.find((v) => v.source === 'camera');
    const screen = mine.find((v) => v.source === 'screen_share');
    return [
      { key: person.identity, person, video: camera },
      ...(screen ? [{ key: screen.key, person, video: screen }] : []),
    ];
  });
  const stage = tiles.find((t) => t.video?.key === focused);
  return (
    <div className={`voice-stage${stage ? ' focus' : ''}`}>
      {stage && (
        <ul className="voice-focus" aria-label="Focused">
          <Tile person={stage.person} video={stage.video} channel={channel} />
        </ul>
      )}
      <ul className="voice-grid" aria-label="Participants">
        {tiles
          .filter((t) => t !== stage)
          .map((t) => (
            <Tile key={t.key} person={t.person} video={t.video} channel={channel} />
          ))}
      </ul>
    </div>
  );
}
