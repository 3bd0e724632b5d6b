/** Which tone: someone is calling this side, or this side waits for an answer. */
export type RingKind = 'incoming' | 'outgoing';

/** One ring's notes: [offset s, frequency Hz, length s]; then silence until the next period. */
const PATTERNS: Record<RingKind, { notes: [number, number, number][]; period: number; volume: number }> = {
  // A rising three-note phrase, twice a period: hard to miss, not harsh.
  incoming: {
    notes: [
      [0, 659.3, 0.16],
      [0.18, 880, 0.16],
      [0.36, 1046.5, 0.3],
      [1, 659.3, 0.16],
      [1.18, 880, 0.16],
      [1.36, 1046.5, 0.3],
    ],
    period: 3,
    volume: 0.18,
  },
  // A soft ringback (the two tones of a phone line) while the other side rings.
  outgoing: {
    notes: [
      [0, 440, 1.5],
      [0, 480, 1.5],
    ],
    period: 4,
    volume: 0.06,
  },
};

let context: AudioContext | null = null;

/**
 * Plays a ring made with Web Audio (no file to load) until the returned function is called.
 * Browsers keep audio suspended until the page has had a user gesture; before that it stays silent.
 */
export function playRing(kind: RingKind): () => void {
  if (typeof AudioContext === 'undefined') return () => undefined;
  context ??= new AudioContext();
  const audio = context;
  void audio.resume().catch(() => undefined);
  const output = audio.createGain();
  output.connect(audio.destination);
  const { notes, period, volume } = PATTERNS[kind];
  const tones: OscillatorNode[] = [];
  const ring = () => {
    const start = audio.currentTime + 0.02;
    for (const [offset, frequency, length] of notes) {
      const tone = audio.createOscillator();
      const gain = audio.createGain();
      tone.frequency.value = frequency;
      gain.gain.setValueAtTime(0.0001, start + offset);
      gain.gain.exponentialRampToValueAtTime(volume, start + offset + 0.02);
      gain.gain.setValueAtTime(volume, start + offset + length - 0.04);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + offset + length);
      tone.connect(gain).connect(output);
      tone.start(start + offset);
      tone.stop(start + offset + length);
      tones.push(tone);
      tone.onended = () => tones.splice(tones.indexOf(tone), 1);
    }
  };
  ring();
  const timer = setInterval(ring, period * 1000);
  return () => {
    clearInterval(timer);
    for (const tone of tones.splice(0)) tone.stop();
    output.disconnect();
  };
}
