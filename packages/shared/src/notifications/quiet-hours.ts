/** A user's daily do-not-disturb window (user_settings.quiet_hours_*). */
export interface QuietHours {
  enabled: boolean;
  /** 'HH:MM' or 'HH:MM:SS' local time in `timeZone`; the window may run past midnight. */
  start: string;
  end: string;
  /** IANA name, e.g. 'Europe/Paris'. */
  timeZone: string;
}

const minutesOf = (time: string): number => {
  const [hours = 0, minutes = 0] = time.split(':').map(Number);
  return hours * 60 + minutes;
};

/** Minutes since local midnight in `timeZone` at `at`; null for a zone this runtime does not know. */
function localMinutes(at: Date, timeZone: string): number | null {
  try {
    const parts = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    }).formatToParts(at);
    const part = (type: string) => Number(parts.find((p) => p.type === type)?.value);
    return part('hour') * 60 + part('minute');
  } catch {
    return null;
  }
}

/**
 * Whether `at` falls in the quiet hours: from start (included) to end (excluded), wrapping
 * past midnight when end is earlier than start. Used where pushes are decided (apps/server)
 * and where desktop notifications are (the web client), so both agree.
 */
export function isQuietTime(quiet: QuietHours | null | undefined, at: Date = new Date()): boolean {
  if (!quiet?.enabled) return false;
  const now = localMinutes(at, quiet.timeZone);
  if (now === null) return false;
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  if (start === end) return false;
  return start < end ? now >= start && now < end : now >= start || now < end;
}
