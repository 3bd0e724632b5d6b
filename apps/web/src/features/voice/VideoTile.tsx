import { useEffect, useRef } from 'react';
import type { VoiceVideo } from '../../stores/voice.js';

/** One camera or screen share: the track is attached while the tile is on screen, detached after. */
export function VideoTile({ video, label }: { video: VoiceVideo; label: string }) {
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    video.track.attach(element);
    return () => {
      video.track.detach(element);
    };
  }, [video.track]);
  return (
    <video
      ref={ref}
      className={`voice-video${video.isLocal && video.source === 'camera' ? ' mirrored' : ''}`}
      aria-label={label}
      autoPlay
      playsInline
      muted
    />
  );
}
