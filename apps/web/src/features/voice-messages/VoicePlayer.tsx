import { Pause, Play } from 'lucide-react';
import { type KeyboardEvent, type PointerEvent, useEffect, useRef, useState } from 'react';
import { IconButton } from '../../ui/IconButton.js';
import { formatDuration } from '../attachments/format.js';
import { resample } from './waveform.js';
import './voice-messages.css';

/** Bars drawn, whatever number of samples was stored. */
const BARS = 48;
/** Arrow keys move this many seconds. */
const STEP_S = 1;

/**
 * A voice message: play/pause, and the waveform as a seek bar (click, drag, or the arrow keys,
 * Home and End on the focused bar). The stored duration drives the bar: a recording made by
 * MediaRecorder often reports no length until played to its end.
 */
export function VoicePlayer({
  src,
  duration,
  waveform,
}: {
  src: string | null;
  duration: number;
  waveform: number[];
}) {
  const audio = useRef<HTMLAudioElement>(null);
  const [playing, setPlaying] = useState(false);
  const [current, setCurrent] = useState(0);
  const dragging = useRef(false);
  const bars = resample(waveform, BARS);
  const length = duration > 0 ? duration : 1;
  const played = Math.min(1, current / length);

  useEffect(() => {
    const element = audio.current;
    if (!element) return;
    const update = () => setCurrent(element.currentTime);
    const stop = () => setPlaying(false);
    element.addEventListener('timeupdate', update);
    element.addEventListener('seeked', update);
    element.addEventListener('pause', stop);
    element.addEventListener('ended', stop);
    return () => {
      element.removeEventListener('timeupdate', update);
      element.removeEventListener('seeked', update);
      element.removeEventListener('pause', stop);
      element.removeEventListener('ended', stop);
    };
  }, []);

  const seek = (seconds: number) => {
    const target = Math.max(0, Math.min(length, seconds));
    if (audio.current) audio.current.currentTime = target;
    setCurrent(target);
  };
  const seekToPointer = (event: PointerEvent<HTMLDivElement>) => {
    const box = event.currentTarget.getBoundingClientRect();
    seek(((event.clientX - box.left) / box.width) * length);
  };
  const toggle = () => {
    const element = audio.current;
    if (!element) return;
    if (element.paused) {
      void element.play().then(
        () => setPlaying(true),
        () => setPlaying(false),
      );
    } else element.pause();
  };
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const to: Record<string, number> = {
      ArrowLeft: current - STEP_S,
      ArrowDown: current - STEP_S,
      ArrowRight: current + STEP_S,
      ArrowUp: current + STEP_S,
      Home: 0,
      End: length,
    };
    if (event.key in to) {
      event.preventDefault();
      seek(to[event.key] as number);
    }
  };

  return (
    <div className="voice-player">
      <IconButton
        label={playing ? 'Pause voice message' : 'Play voice message'}
        icon={playing ? Pause : Play}
        size={18}
        className="voice-play"
        disabled={!src}
        onClick={toggle}
      />
      <div
        className="voice-wave"
        role="slider"
        tabIndex={0}
        aria-label="Voice message position"
        aria-valuemin={0}
        aria-valuemax={Math.round(length)}
        aria-valuenow={Math.round(current)}
        aria-valuetext={`${formatDuration(current)} of ${formatDuration(length)}`}
        onKeyDown={onKeyDown}
        onPointerDown={(event) => {
          dragging.current = true;
          event.currentTarget.setPointerCapture(event.pointerId);
          seekToPointer(event);
        }}
        onPointerMove={(event) => dragging.current && seekToPointer(event)}
        onPointerUp={() => {
          dragging.current = false;
        }}
      >
        {bars.map((level, i) => (
          <span
            // biome-ignore lint/suspicious/noArrayIndexKey: bars are positions, never reordered
            key={i}
            className={i / bars.length < played ? 'played' : undefined}
            style={{ height: `${Math.max(8, (level / 255) * 100)}%` }}
          />
        ))}
      </div>
      <span className="voice-time">{formatDuration(playing || current > 0 ? current : length)}</span>
      {/* biome-ignore lint/a11y/useMediaCaption: a voice message has no caption track */}
      <audio ref={audio} src={src ?? undefined} preload="metadata" />
    </div>
  );
}
