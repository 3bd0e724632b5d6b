import { describe, expect, it } from 'vitest';
import { isQuietTime, mentionsToPlainText, type QuietHours } from '../src/index.js';

const USER = '11111111-1111-4111-8111-111111111111';
const ROLE = '22222222-2222-4222-8222-222222222222';
const CHANNEL = '33333333-3333-4333-8333-333333333333';

describe('mentionsToPlainText', () => {
  const names = {
    user: (id: string) => (id === USER ? 'ada' : undefined),
    role: (id: string) => (id === ROLE ? 'Mods' : undefined),
    channel: (id: string) => (id === CHANNEL ? 'general' : undefined),
  };

  it('names users, roles, channels and emoji as the client shows them', () => {
    expect(
      mentionsToPlainText(`hi <@${USER}> and <@&${ROLE}>, see <#${CHANNEL}> <:wave:${USER}>`, names),
    ).toBe('hi @ada and @Mods, see #general :wave:');
  });

  it('says what it cannot name, never the id', () => {
    const other = '44444444-4444-4444-8444-444444444444';
    expect(mentionsToPlainText(`<@${other}> <@&${other}> <#${other}>`, names)).toBe(
      '@unknown-user @deleted-role #unknown-channel',
    );
  });
});

describe('isQuietTime', () => {
  const overnight: QuietHours = { enabled: true, start: '22:00', end: '07:30', timeZone: 'Europe/Paris' };
  // Paris is UTC+1 in December.
  const at = (utc: string) => new Date(`2026-12-06T${utc}:00Z`);

  it('holds from start (included) to end (excluded), past midnight, in the user’s time zone', () => {
    expect(isQuietTime(overnight, at('20:59'))).toBe(false);
    expect(isQuietTime(overnight, at('21:00'))).toBe(true);
    expect(isQuietTime(overnight, at('02:00'))).toBe(true);
    expect(isQuietTime(overnight, at('06:29'))).toBe(true);
    expect(isQuietTime(overnight, at('06:30'))).toBe(false);
  });

  it('a window within one day', () => {
    const lunch: QuietHours = { enabled: true, start: '12:00:00', end: '13:00:00', timeZone: 'Asia/Tokyo' };
    expect(isQuietTime(lunch, at('03:00'))).toBe(true);
    expect(isQuietTime(lunch, at('04:00'))).toBe(false);
  });

  it('never when turned off, missing, or the zone is unknown', () => {
    expect(isQuietTime({ ...overnight, enabled: false }, at('02:00'))).toBe(false);
    expect(isQuietTime(null, at('02:00'))).toBe(false);
    expect(isQuietTime({ ...overnight, timeZone: 'Mars/Olympus_Mons' }, at('02:00'))).toBe(false);
  });
});
