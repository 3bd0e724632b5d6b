import { describe, expect, it } from 'vitest';
import { parseRoute, routeHash } from '../src/lib/route.js';

describe('routes', () => {
  it('round-trip through the URL hash', () => {
    for (const route of [
      { kind: 'home' as const },
      { kind: 'invite' as const, code: 'AbC123xy' },
      { kind: 'dm' as const, channelId: 'c1' },
      { kind: 'channel' as const, serverId: 's1', channelId: 'c1' },
      { kind: 'channel' as const, serverId: 's1', channelId: null },
    ]) {
      expect(parseRoute(routeHash(route))).toEqual(route.kind === 'dm' ? route : route);
    }
  });

  it('treats anything unknown as home', () => {
    expect(parseRoute('#/nonsense/here')).toEqual({ kind: 'home' });
    expect(parseRoute('')).toEqual({ kind: 'home' });
  });
});
