/** The app's locations, kept in the URL hash so links (invites) work on any static host. */
export type Route =
  | { kind: 'home' }
  | { kind: 'channel'; serverId: string; channelId: string | null }
  | { kind: 'dm'; channelId: string | null }
  | { kind: 'invite'; code: string };

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean);
  if (parts[0] === 'invite' && parts[1]) return { kind: 'invite', code: parts[1] };
  if (parts[0] === 'channels' && parts[1] === '@me') return { kind: 'dm', channelId: parts[2] ?? null };
  if (parts[0] === 'channels' && parts[1])
    return { kind: 'channel', serverId: parts[1], channelId: parts[2] ?? null };
  return { kind: 'home' };
}

export function routeHash(route: Route): string {
  switch (route.kind) {
    case 'home':
      return '#/';
    case 'invite':
      return `#/invite/${route.code}`;
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
