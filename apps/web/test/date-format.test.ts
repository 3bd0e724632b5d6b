import { describe, expect, it } from 'vitest';
import { dateFormatter, dateTime, longDate, shortTime } from '../src/lib/date-format.js';

const dates = [new Date('2026-12-06T18:04:05Z'), new Date('1999-01-31T00:00:00Z'), new Date(0)];

describe('cached date formatters', () => {
  it('format as the Date methods they replace', () => {
    for (const date of dates) {
      expect(shortTime(date)).toBe(date.toLocaleTimeString([], { timeStyle: 'short' }));
      expect(longDate(date)).toBe(date.toLocaleDateString(undefined, { dateStyle: 'long' }));
      expect(dateTime(date)).toBe(date.toLocaleString());
      expect(dateFormatter({ dateStyle: 'full', timeStyle: 'short' }, 'de').format(date)).toBe(
        date.toLocaleString('de', { dateStyle: 'full', timeStyle: 'short' }),
      );
    }
  });

  it('builds one formatter per locale and options', () => {
    expect(dateFormatter({ timeStyle: 'short' })).toBe(dateFormatter({ timeStyle: 'short' }));
    expect(dateFormatter({ timeStyle: 'short' }, 'fr')).not.toBe(dateFormatter({ timeStyle: 'short' }));
  });
});
