import { Send, Square, Trash2, X } from 'lucide-react';
import { useEffect, useRef, useState } from 'react';
import { client, stores } from '../../app/stores.js';
import { describeError } from '../../lib/errors.js';
import { IconButton } from '../../ui/IconButton.js';
import { formatDuration } from '../attachments/format.js';
import { uploadAttachment } from '../attachments/uploader.js';
import { VoicePlayer } from './VoicePlayer.js';
import { resample, toWaveform } from './waveform.js';
import './voice-messages.css';

/** A voice message stops by itself after this long. */
const MAX_SECONDS = 300;
/** How often the microphone's loudness is sampled for the waveform. */
const SAMPLE_MS = 50;
/** Bars in the live view while recording. */
const LIVE_BARS = 48;

type Phase =
  | { kind: 'starting' }
  | { kind: 'recording' }
  | { kind: 'recorded'; file: File; url: string; duration: number; waveform: number[] }
  | { kind: 'sending'; progress: number }
  | { kind: 'error'; message: string };

/** Opus in WebM where the browser records it (Chromium, Firefox), else Ogg or the browser's own. */
function recordingType(): string | undefined {
  return ['audio/webm;codecs=opus', 'audio/ogg;codecs=opus', 'audio/webm', 'audio/mp4'].find((type) =>
    MediaRecorder.isTypeSupported(type),
  );
}

/** Why recording could not start, in words people can act on. */
function microphoneProblem(error: unknown): string {
  const name = (error as Error).name;
  if (name === 'NotAllowedError' || name === 'SecurityError')
    return 'Harmony is not allowed to use your microphone. Allow microphone access for this site in your browser, then try again.';
  if (name === 'NotFoundError') return 'No microphone was found. Connect one and try again.';
  if (name === 'NotReadableError')
    return 'Your microphone could not be started. Another app may be using it.';
  return 'Recording could not start. Try again.';
}

/**
 * Records a voice message: a live waveform and timer while recording, then a preview to play,
 * send (an audio attachment with its duration and waveform) or delete.
 */
export default function VoiceRecorder({
  channelId,
  stopRequests,
  onRecording,
  onClose,
}: {
  channelId: string;
  /** Incremented by the microphone button to stop recording. */
  stopRequests: number;
  onRecording(recording: boolean): void;
  onClose(): void;
}) {
  const [phase, setPhase] = useState<Phase>({ kind: 'starting' });
  const [levels, setLevels] = useState<number[]>([]);
  const [elapsed, setElapsed] = useState(0);
  const stopRef = useRef<() => void>(() => undefined);
  const upload = useRef<AbortController | null>(null);
  const firstStopRequest = useRef(stopRequests);

  useEffect(() => {
    let live = true;
    let cleanup: () => void = () => undefined;
    const start = async () => {
      if (typeof MediaRecorder === 'undefined' || !navigator.mediaDevices?.getUserMedia) {
        setPhase({ kind: 'error', message: 'This browser cannot record voice messages.' });
        return;
      }
      let stream: MediaStream;
      try {
        stream = await navigator.mediaDevices.getUserMedia({ audio: true });
      } catch (error) {
        if (live) setPhase({ kind: 'error', message: microphoneProblem(error) });
        return;
      }
      if (!live) {
        for (const track of stream.getTracks()) track.stop();
        return;
      }
      const type = recordingType();
      const recorder = new MediaRecorder(stream, type ? { mimeType: type, audioBitsPerSecond: 32000 } : {});
      const context = new AudioContext();
      const analyser = context.createAnalyser();
      analyser.fftSize = 1024;
      context.createMediaStreamSource(stream).connect(analyser);
      const buffer = new Float32Array(analyser.fftSize);
      const samples: number[] = [];
      const chunks: Blob[] = [];
      const startedAt = performance.now();
      const sampler = setInterval(() => {
        analyser.getFloatTimeDomainData(buffer);
        let sum = 0;
        for (const value of buffer) sum += value * value;
        samples.push(Math.sqrt(sum / buffer.length));
        const seconds = (performance.now() - startedAt) / 1000;
        // Redrawn every other sample: smooth enough, half the renders.
        if (samples.length % 2 === 0) {
          setElapsed(seconds);
          setLevels(samples.slice(-LIVE_BARS));
        }
        if (seconds >= MAX_SECONDS) stopRef.current();
      }, SAMPLE_MS);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        clearInterval(sampler);
        for (const track of stream.getTracks()) track.stop();
        void context.close();
      };
      recorder.ondataavailable = (event) => event.data.size > 0 && chunks.push(event.data);
      recorder.onstop = () => {
        release();
        onRecording(false);
        if (!live) return;
        const duration = Math.round(((performance.now() - startedAt) / 1000) * 100) / 100;
        const mime = recorder.mimeType || type || 'audio/webm';
        const extension = mime.includes('ogg') ? 'ogg' : mime.includes('mp4') ? 'm4a' : 'webm';
        const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-');
        const file = new File(chunks, `voice-message-${stamp}.${extension}`, { type: mime });
        setPhase({
          kind: 'recorded',
          file,
          url: URL.createObjectURL(file),
          duration: Math.min(duration, MAX_SECONDS),
          waveform: toWaveform(samples),
        });
      };
      stopRef.current = () => recorder.state === 'recording' && recorder.stop();
      cleanup = () => {
        if (recorder.state === 'recording') recorder.stop();
        else release();
      };
      recorder.start(250);
      setPhase({ kind: 'recording' });
      onRecording(true);
    };
    void start();
    return () => {
      live = false;
      cleanup();
      upload.current?.abort();
    };
  }, [onRecording]);

  // The microphone button pressed again: stop.
  useEffect(() => {
    if (stopRequests !== firstStopRequest.current) stopRef.current();
  }, [stopRequests]);

  const recordedUrl = phase.kind === 'recorded' ? phase.url : null;
  useEffect(() => () => void (recordedUrl && URL.revokeObjectURL(recordedUrl)), [recordedUrl]);

  const send = async () => {
    if (phase.kind !== 'recorded') return;
    const { file, duration, waveform } = phase;
    const controller = new AbortController();
    upload.current = controller;
    setPhase({ kind: 'sending', progress: 0 });
    try {
      const attachment = await uploadAttachment(client, channelId, file, {
        signal: controller.signal,
        details: { duration, waveform },
        onProgress: (progress) => setPhase({ kind: 'sending', progress }),
      });
      onClose();
      await stores.messages
        .getState()
        .send(channelId, '', { attachments: [attachment] })
        .catch((e: unknown) => stores.ui.getState().toast(describeError(e, 'send messages here')));
    } catch (error) {
      if ((error as Error).name === 'AbortError') onClose();
      else setPhase({ kind: 'error', message: describeError(error, 'send voice messages here') });
    }
  };

  return (
    <section className="voice-recorder" aria-label="Voice message">
      {phase.kind === 'starting' && <p className="voice-status">Starting the microphone…</p>}
      {phase.kind === 'recording' && (
        <>
          <span className="voice-dot" aria-hidden="true" />
          <div className="voice-wave live" role="img" aria-label="Recording level">
            {resample(levels, LIVE_BARS).map((level, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: bars are positions, never reordered
              <span key={i} style={{ height: `${Math.max(8, Math.min(100, level * 400))}%` }} />
            ))}
          </div>
          <span className="voice-time" role="timer" aria-label="Recorded time">
            {formatDuration(elapsed)}
          </span>
          <IconButton label="Stop recording" icon={Square} tooltip="top" onClick={() => stopRef.current()} />
        </>
      )}
      {phase.kind === 'recorded' && (
        <>
          <VoicePlayer src={phase.url} duration={phase.duration} waveform={phase.waveform} />
          <IconButton label="Delete recording" icon={Trash2} tooltip="top" onClick={onClose} />
          <IconButton
            label="Send voice message"
            icon={Send}
            tooltip="top"
            className="send"
            onClick={() => void send()}
          />
        </>
      )}
      {phase.kind === 'sending' && (
        <>
          <progress value={phase.progress} max={1} aria-label="Sending voice message" />
          <IconButton label="Cancel sending" icon={X} tooltip="top" onClick={() => upload.current?.abort()} />
        </>
      )}
      {phase.kind === 'error' && (
        <>
          <p className="voice-status error" role="alert">
            {phase.message}
          </p>
          <IconButton label="Close" icon={X} tooltip="top" onClick={onClose} />
        </>
      )}
    </section>
  );
}
