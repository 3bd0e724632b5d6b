/** The app's locations, kept in the URL hash so links (invites) work on any static host. */
export type Route =
  | { kind: 'home' }
  | { kind: 'channel'; serverId: string; channelId: string | null }
  | { kind: 'dm'; channelId: string | null }
  | { kind: 'invite'; code: string }
  /** A bot's invite link: add it to a server with these permissions. */
  | { kind: 'addBot'; botId: string; permissions: bigint };

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean);
  if (parts[0] === 'invite' && parts[1]) return { kind: 'invite', code: parts[1] };
  if (parts[0] === 'bot' && parts[1]) {
    const [botId = '', query = ''] = parts[1].split('?');
    const asked = new URLSearchParams(query).get('permissions') ?? '0';
    return { kind: 'addBot', botId, permissions: /^\d{1,20}$/.test(asked) ? BigInt(asked) : 0n };
  }
  if (parts[0] === 'channels' && parts[1] === '@me') return { kind: 'dm', channelId: parts[2] ?? null };
  if (parts[0] === 'channels' && parts[1])
    return { kind: 'channel', serverId: parts[1], channelId: parts[2] ?? null };
  return { kind: 'home' };
}

/** The channel a URL hash opens (a server channel or a DM), if any. */
export function channelOfHash(hash: string): string | null {
  const route = parseRoute(hash);
  return route.kind === 'channel' || route.kind === 'dm' ? route.channelId : null;
}

export function routeHash(route: Route): string {
  switch (route.kind) {
    case 'home':
      return '#/';
    case 'invite':
      return `#/invite/${route.code}`;
    case 'addBot':
      return `#/bot/${route.botId}?permissions=${route.permissions}`;
    case 'dm':
      return `#/channels/@me${route.channelId ? `/${route.channelId}` : ''}`;
    case 'channel':
      return `#/channels/${route.serverId}${route.channelId ? `/${route.channelId}` : ''}`;
  }
}

export function go(route: Route): void {
  window.location.hash = routeHash(route);
}

export function inviteUrl(code: string): string {
  return `${window.location.origin}${window.location.pathname}#/invite/${code}`;
}
