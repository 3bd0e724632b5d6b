import { describe, expect, it } from 'vitest';
import { CHROMIUM_CANDIDATES, findChromium } from '../scripts/chromium';

describe('findChromium', () => {
  it('uses CHROMIUM_PATH when it points at an executable', () => {
    expect(findChromium({ CHROMIUM_PATH: '/opt/chrome/chrome' }, (p) => p === '/opt/chrome/chrome')).toBe(
      '/opt/chrome/chrome',
    );
  });

  it('stops with a sentence naming CHROMIUM_PATH when it points at nothing', () => {
    expect(() => findChromium({ CHROMIUM_PATH: '/nowhere/chromium' }, () => false)).toThrow(
      'CHROMIUM_PATH=/nowhere/chromium is not an executable file.',
    );
  });

  it('falls back to the usual install paths, in order', () => {
    expect(findChromium({}, (p) => p === '/usr/bin/chromium-browser')).toBe('/usr/bin/chromium-browser');
    expect(findChromium({}, (p) => CHROMIUM_CANDIDATES.includes(p))).toBe('/usr/bin/chromium');
    expect(findChromium({}, () => false)).toBeUndefined();
  });
});
