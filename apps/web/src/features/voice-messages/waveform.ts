/** Samples stored with a voice message (the database accepts 1–256, each 0–255). */
export const WAVEFORM_SAMPLES = 128;

/**
 * `count` values from `samples`: each the loudest of the samples it covers, so short peaks
 * survive when there are more samples than values, and samples repeat when there are fewer.
 */
export function resample(samples: number[], count: number): number[] {
  if (samples.length === 0) return Array.from({ length: count }, () => 0);
  return Array.from({ length: count }, (_, i) => {
    const from = Math.floor((i * samples.length) / count);
    const to = Math.max(from + 1, Math.floor(((i + 1) * samples.length) / count));
    return Math.max(...samples.slice(from, to));
  });
}

/** Loudness levels (any scale) as the stored waveform: whole numbers 0–255, the peak at 255. */
export function toWaveform(levels: number[]): number[] {
  const samples = resample(levels, Math.min(WAVEFORM_SAMPLES, Math.max(1, levels.length)));
  const peak = Math.max(...samples, 1e-6);
  return samples.map((level) => Math.min(255, Math.max(0, Math.round((level / peak) * 255))));
}
