const POLL_MS = 200;
/** RMS of the microphone's samples above which this side counts as speaking. */
const SPEAKING_RMS = 0.02;

/**
 * Calls back when this side starts or stops speaking into `stream` (a muted track reads as
 * silence). Returns the function that stops listening.
 */
export function watchSpeaking(stream: MediaStream, onChange: (speaking: boolean) => void): () => void {
  if (typeof AudioContext === 'undefined' || stream.getAudioTracks().length === 0) return () => undefined;
  const context = new AudioContext();
  const analyser = context.createAnalyser();
  // ~43 ms of sound per look, and a look every POLL_MS.
  analyser.fftSize = 2048;
  context.createMediaStreamSource(stream).connect(analyser);
  const samples = new Float32Array(analyser.fftSize);
  let speaking = false;
  const timer = setInterval(() => {
    analyser.getFloatTimeDomainData(samples);
    let sum = 0;
    for (const sample of samples) sum += sample * sample;
    const now = Math.sqrt(sum / samples.length) > SPEAKING_RMS;
    if (now === speaking) return;
    speaking = now;
    onChange(now);
  }, POLL_MS);
  return () => {
    clearInterval(timer);
    void context.close().catch(() => undefined);
  };
}
