import { dateFormatter } from '../../lib/date-format.js';

const LONG_DATE_TIME: Intl.DateTimeFormatOptions = { dateStyle: 'long', timeStyle: 'short' };

/** Discord's `<t:unix:style>` styles, shown in the viewer's locale and time zone. */
const STYLES: Record<string, Intl.DateTimeFormatOptions> = {
  t: { timeStyle: 'short' },
  T: { timeStyle: 'medium' },
  d: { day: '2-digit', month: '2-digit', year: 'numeric' },
  D: { dateStyle: 'long' },
  f: LONG_DATE_TIME,
  F: { dateStyle: 'full', timeStyle: 'short' },
};

/** The tooltip of every style: the whole date and time. */
export const FULL_DATE: Intl.DateTimeFormatOptions = { dateStyle: 'full', timeStyle: 'short' };

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 86400],
  ['month', 30 * 86400],
  ['day', 86400],
  ['hour', 3600],
  ['minute', 60],
  ['second', 1],
];

/** The date of a `<t:…>` token's seconds, when JavaScript can represent it. */
export function timestampDate(seconds: string): Date | undefined {
  const date = new Date(Number(seconds) * 1000);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** The text Discord shows for a timestamp in one style (`R`: relative to `now`). */
export function formatTimestamp(date: Date, style: string, now = Date.now(), locale?: string): string {
  if (style !== 'R') return dateFormatter(STYLES[style] ?? LONG_DATE_TIME, locale).format(date);
  const seconds = (date.getTime() - now) / 1000;
  const [unit, size] = UNITS.find(([, size]) => Math.abs(seconds) >= size) ?? ['second', 1];
  return relativeFormat(locale).format(Math.round(seconds / size), unit);
}

/** One formatter per locale: relative times are formatted every second while shown. */
const relativeFormats = new Map<string | undefined, Intl.RelativeTimeFormat>();
function relativeFormat(locale: string | undefined): Intl.RelativeTimeFormat {
  let format = relativeFormats.get(locale);
  if (!format) {
    format = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
    relativeFormats.set(locale, format);
  }
  return format;
}

/** `<t:…>` tokens as people read them, for plain-text places (search snippets, notifications). */
export function withTimestampsAsText(text: string, locale?: string): string {
  return text.replace(/<t:(-?\d{1,17})(?::([tTdDfFR]))?>/g, (token, seconds: string, style = 'f') => {
    const date = timestampDate(seconds);
    return date ? formatTimestamp(date, style, Date.now(), locale) : token;
  });
}
