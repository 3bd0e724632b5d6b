/** A hidden tab paints no frames: its work runs at the latest after this long. */
const HIDDEN_FALLBACK_MS = 500;

/**
 * Runs `work` once the browser has painted what is on screen now. React runs the effects of a
 * store-driven render before the browser paints, so work started from such an effect (the
 * session's burst of requests and subscriptions) would otherwise delay the first frame of a reload.
 * Returns a cancel function.
 */
export function afterNextPaint(work: () => void): () => void {
  let done = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const run = () => {
    if (done) return;
    done = true;
    work();
  };
  const fallback = setTimeout(run, HIDDEN_FALLBACK_MS);
  // The frame callback runs before that frame's paint; the task after it runs once it is painted.
  const frame = requestAnimationFrame(() => {
    timer = setTimeout(run, 0);
  });
  return () => {
    done = true;
    clearTimeout(fallback);
    clearTimeout(timer);
    cancelAnimationFrame(frame);
  };
}
