const STORAGE_KEY = 'harmony.notification-sound';

/** Whether mentions and DMs play a sound on this device (on unless turned off). */
export function soundEnabled(): boolean {
  return typeof localStorage === 'undefined' || localStorage.getItem(STORAGE_KEY) !== 'off';
}

export function setSoundEnabled(on: boolean): void {
  localStorage.setItem(STORAGE_KEY, on ? 'on' : 'off');
}

let context: AudioContext | null = null;

/**
 * A short two-note chime made with WebAudio (no audio file to load). Browsers keep audio
 * suspended until the page has had a user gesture; before that it stays silent.
 */
export function playChime(): void {
  if (typeof AudioContext === 'undefined') return;
  context ??= new AudioContext();
  const audio = context;
  void audio.resume().catch(() => undefined);
  const start = audio.currentTime + 0.01;
  for (const [offset, frequency] of [
    [0, 880],
    [0.12, 1318.5],
  ] as const) {
    const tone = audio.createOscillator();
    const gain = audio.createGain();
    tone.type = 'sine';
    tone.frequency.value = frequency;
    gain.gain.setValueAtTime(0.0001, start + offset);
    gain.gain.exponentialRampToValueAtTime(0.2, start + offset + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + offset + 0.25);
    tone.connect(gain).connect(audio.destination);
    tone.start(start + offset);
    tone.stop(start + offset + 0.3);
  }
}
