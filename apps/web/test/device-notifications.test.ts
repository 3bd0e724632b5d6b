import { describe, expect, it } from 'vitest';
import { attentionCount, attentionTitle } from '../src/features/notifications/attention.js';
import { deviceName } from '../src/features/notifications/device-name.js';
import type { UnreadState } from '../src/features/unread/count.js';

const channel = (serverId: string | null, unread: number, mentions: number): UnreadState => ({
  serverId,
  unread,
  mentions,
  lastMessageSeq: 10,
  lastReadSeq: 10 - unread,
});

describe('tab title and icon count', () => {
  it('counts mentions in servers and every unread direct message', () => {
    expect(
      attentionCount({
        general: channel('s1', 5, 0),
        random: channel('s1', 3, 2),
        other: channel('s2', 1, 1),
        dm: channel(null, 4, 0),
      }),
    ).toBe(7);
    expect(attentionCount({ quiet: channel('s1', 9, 0) })).toBe(0);
  });

  it('puts the count before the name, and only when there is one', () => {
    expect(attentionTitle(0)).toBe('Harmony');
    expect(attentionTitle(3)).toBe('(3) Harmony');
  });
});

describe('device names in the push devices list', () => {
  it('names the browser and the system', () => {
    expect(
      deviceName(
        'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36',
      ),
    ).toBe('Chrome on Linux');
    expect(
      deviceName('Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:140.0) Gecko/20100101 Firefox/140.0'),
    ).toBe('Firefox on Windows');
    expect(
      deviceName(
        'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1',
      ),
    ).toBe('Safari on iOS');
    expect(deviceName('curl/8.0')).toBe('Browser');
  });
});
