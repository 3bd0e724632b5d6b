import { useEffect, useState } from 'react';

/** The timeout lengths offered, as Discord offers them. */
export const TIMEOUT_CHOICES = [
  { seconds: 60, label: '60 seconds' },
  { seconds: 5 * 60, label: '5 minutes' },
  { seconds: 10 * 60, label: '10 minutes' },
  { seconds: 3600, label: '1 hour' },
  { seconds: 86400, label: '1 day' },
  { seconds: 7 * 86400, label: '1 week' },
] as const;

/** How many of a ban's target's recent messages go with them. */
export const BAN_DELETE_CHOICES = [
  { seconds: 0, label: 'Don’t delete any' },
  { seconds: 3600, label: 'Previous hour' },
  { seconds: 86400, label: 'Previous 24 hours' },
  { seconds: 7 * 86400, label: 'Previous 7 days' },
] as const;

/** Milliseconds left of a timeout (0 when none or over). */
export function timeoutLeft(until: string | null | undefined, now = Date.now()): number {
  const end = until ? Date.parse(until) : 0;
  return end > now ? end - now : 0;
}

/** "4:59", "1:02:03" or "2d 3h" for what is left. */
export function formatCountdown(ms: number): string {
  const total = Math.ceil(ms / 1000);
  const days = Math.floor(total / 86400);
  const hours = Math.floor((total % 86400) / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  if (days > 0) return `${days}d ${hours}h`;
  const mmss = `${hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}` : minutes}:${String(seconds).padStart(2, '0')}`;
  return mmss;
}

/**
 * Re-renders every second while a timeout runs, so what depends on it (the composer, the
 * permissions computed from the clock) follows the clock and re-enables when it ends.
 */
export function useTimeoutLeft(until: string | null | undefined): number {
  const [now, setNow] = useState(() => Date.now());
  const left = timeoutLeft(until, now);
  const running = left > 0;
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [running]);
  return left;
}
