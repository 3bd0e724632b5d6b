import { useSyncExternalStore } from 'react';
import { dateFormatter } from '../../lib/date-format.js';
import { FULL_DATE, formatTimestamp } from './time-format.js';

/** One clock for every relative timestamp on screen, ticking while any is shown. */
const ticks = new Set<() => void>();
let clock: ReturnType<typeof setInterval> | undefined;
function everySecond(tick: () => void): () => void {
  ticks.add(tick);
  clock ??= setInterval(() => {
    for (const listener of ticks) listener();
  }, 1000);
  return () => {
    ticks.delete(tick);
    if (ticks.size === 0) {
      clearInterval(clock);
      clock = undefined;
    }
  };
}
const never = () => () => undefined;

/** A `<t:unix:style>` timestamp; the relative style (`R`) stays current while shown. */
export function Timestamp({ date, style }: { date: Date; style: string }) {
  const text = () => formatTimestamp(date, style);
  // Re-renders only when the shown text changes ("3 minutes ago" → "4 minutes ago").
  const shown = useSyncExternalStore(style === 'R' ? everySecond : never, text, text);
  return (
    <time
      className="md-timestamp"
      dateTime={date.toISOString()}
      title={dateFormatter(FULL_DATE).format(date)}
    >
      {shown}
    </time>
  );
}
