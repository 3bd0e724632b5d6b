import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { ROOT } from './helpers.js';
import {
  type KongMatch,
  type KongService,
  MODELLED_ROUTE_FIELDS,
  normalizePath,
  routeRequest,
} from './kong-router.js';

const kong = parseYaml(readFileSync(join(ROOT, 'docker', 'kong.yml'), 'utf8')) as { services: KongService[] };
const compose = parseYaml(readFileSync(join(ROOT, 'docker-compose.full.yml'), 'utf8')) as {
  services: { kong: { environment: Record<string, string> } };
};

const REALTIME_HOST = 'realtime-dev.supabase-realtime';
/**
 * Realtime's admin API (lib/realtime_web/router.ex): `/api/tenants` (list, create, update,
 * delete, reload, shutdown, health) authorises any JWT signed with API_JWT_SECRET, which is
 * JWT_SECRET here, so the public anon key would pass; `/api/openapi` documents it.
 */
const ADMIN_PATHS = [
  'tenants',
  'tenants/realtime-dev',
  'tenants/realtime-dev/reload',
  'tenants/realtime-dev/shutdown',
  'tenants/realtime-dev/health',
  'openapi',
];

function terminates403(match: KongMatch | undefined): boolean {
  const plugins = match?.service.plugins ?? [];
  return (
    plugins.length === 1 &&
    plugins[0]?.name === 'request-termination' &&
    plugins[0].config?.status_code === 403
  );
}

/** Whether a request Kong proxies lands on Realtime's admin API (Phoenix drops empty segments). */
function reachesRealtimeAdmin(match: KongMatch | undefined): boolean {
  if (!match || terminates403(match) || new URL(match.service.url).hostname !== REALTIME_HOST) return false;
  const segments = match.upstreamPath.split('/').filter(Boolean).map(decodeURIComponent);
  return segments[0] === 'api' && (segments[1] === 'tenants' || segments[1] === 'openapi');
}

/** Spellings of one admin path that Kong's normalisation or path joining could turn into it. */
function spellings(adminPath: string): string[] {
  const encoded = `%${adminPath.charCodeAt(0).toString(16)}${adminPath.slice(1)}`;
  return [
    `/realtime/v1/api/${adminPath}`,
    `/realtime/v1/api/${adminPath}/`,
    `/realtime/v1/api/${adminPath}?apikey=anon`,
    `/realtime/v1/api/${encoded}`,
    `/realtime/v1/api/${encoded.toUpperCase()}`,
    `/realtime/v1/%61pi/${adminPath}`,
    `/realtime/v1/api//${adminPath}`,
    `//realtime//v1//api//${adminPath}`,
    `/realtime/v1/api/./${adminPath}`,
    `/realtime/v1/api/x/../${adminPath}`,
    `/realtime/v1/api/%2e%2e/api/${adminPath}`,
    `/realtime/v1/websocket/../api/${adminPath}`,
    `/realtime/v1/x/../../v1/api/${adminPath}`,
    // Prefix `/realtime/v1/api` + path_handling v0 would join `tenants` as `/api/tenants`.
    `/realtime/v1/api${adminPath}`,
    `/realtime/v1/ap%69${adminPath}`,
    `/realtime/v1${adminPath}`,
    `/realtime/v1/${adminPath}`,
  ];
}

describe('docker/kong.yml: routing as Kong 2.8 does it', () => {
  it('uses only route fields the router model implements', () => {
    for (const service of kong.services) {
      for (const route of service.routes ?? []) {
        const unmodelled = Object.keys(route).filter((field) => !MODELLED_ROUTE_FIELDS.includes(field));
        expect(unmodelled, `${service.name}/${route.name}`).toEqual([]);
      }
    }
  });

  it("answers 403 from Kong itself, for anyone, on Realtime's tenant API and its OpenAPI document", () => {
    for (const adminPath of ADMIN_PATHS) {
      const match = routeRequest(kong.services, `/realtime/v1/api/${adminPath}`);
      expect(match?.route.name, adminPath).toBeDefined();
      // The only plugin on the route: no apikey needed to be refused, none accepted to pass.
      expect(terminates403(match), `${adminPath} -> ${match?.route.name}`).toBe(true);
    }
  });

  it('leaves no spelling of those paths that Kong would proxy to them', () => {
    const leaks: string[] = [];
    for (const adminPath of ADMIN_PATHS) {
      for (const target of spellings(adminPath)) {
        const match = routeRequest(kong.services, target);
        if (reachesRealtimeAdmin(match))
          leaks.push(`${target} -> ${match?.route.name} ${match?.upstreamPath}`);
      }
    }
    expect(leaks).toEqual([]);
  });

  it('still proxies the websocket and the broadcast endpoint to Realtime behind the apikey check', () => {
    const cases = [
      ['/realtime/v1/websocket?apikey=anon&vsn=1.0.0', '/socket/websocket'],
      ['/realtime/v1/api/broadcast', '/api/broadcast'],
      ['/realtime/v1/api/broadcast/room/events/typing', '/api/broadcast/room/events/typing'],
      ['/realtime/v1/api/ping', '/api/ping'],
    ] as const;
    for (const [target, upstream] of cases) {
      const match = routeRequest(kong.services, target);
      expect(match?.service.url, target).toMatch(new RegExp(`^http://${REALTIME_HOST}:4000/`));
      expect(match?.upstreamPath, target).toBe(upstream);
      expect(match?.service.plugins?.map((p) => p.name)).toEqual(['cors', 'key-auth', 'acl']);
    }
  });

  it('routes the other APIs where supabase-js expects them', () => {
    const cases = [
      ['/rest/v1/messages?select=*', 'http://rest:3000/', '/messages'],
      ['/auth/v1/token?grant_type=password', 'http://auth:9999/', '/token'],
      ['/auth/v1/verify?token=x', 'http://auth:9999/verify', '/verify'],
      ['/storage/v1/object/public/avatars/a.png', 'http://storage:5000/', '/object/public/avatars/a.png'],
      ['/graphql/v1', 'http://rest:3000/rpc/graphql', '/rpc/graphql'],
      ['/project/default', 'http://studio:3000/', '/project/default'],
    ] as const;
    for (const [target, url, upstream] of cases) {
      const match = routeRequest(kong.services, target);
      expect([match?.service.url, match?.upstreamPath], target).toEqual([url, upstream]);
    }
  });

  it("loads every plugin kong.yml uses through the compose file's KONG_PLUGINS", () => {
    const loaded = compose.services.kong.environment.KONG_PLUGINS?.split(',') ?? [];
    const used = new Set(kong.services.flatMap((s) => (s.plugins ?? []).map((p) => p.name)));
    expect(used).toContain('request-termination');
    expect([...used].filter((name) => !loaded.includes(name))).toEqual([]);
  });
});

// Cases from Kong 2.8.1's router and its unit tests, so the model above is checked on its own.
describe('the Kong 2.8 router model', () => {
  const service = (name: string, url: string, paths: string[], extra: object = {}): KongService => ({
    name,
    url,
    routes: [{ name, paths, ...extra }],
  });

  it('normalises percent-encoding, dot segments and repeated slashes', () => {
    expect(normalizePath('/a/%74enants')).toBe('/a/tenants');
    expect(normalizePath('/a/%2fb%2Fc')).toBe('/a/%2Fb%2Fc');
    expect(normalizePath('/a%2520')).toBe('/a%2520');
    expect(normalizePath('//a///b/./c/../d')).toBe('/a/b/d');
    expect(normalizePath('/a/%2e%2e/b')).toBe('/b');
    expect(normalizePath('/../a')).toBe('/a');
    expect(normalizePath('/a/b/c/./../../g')).toBe('/a/g');
    expect(normalizePath('/./.././../')).toBe('/');
    expect(normalizePath('/%2E')).toBe('/');
    expect(normalizePath('/')).toBe('/');
  });

  it('prefers regex paths (by regex_priority), then the longest prefix', () => {
    const services = [
      service('short', 'http://s/', ['/api']),
      service('long', 'http://l/', ['/api/v2']),
      service('regex-low', 'http://r1/', ['/api/v\\d/items'], { regex_priority: 1 }),
      service('regex-high', 'http://r2/', ['/api/v[0-9]/items/\\d+'], { regex_priority: 5 }),
    ];
    expect(routeRequest(services, '/api/v2/users')?.route.name).toBe('long');
    expect(routeRequest(services, '/api/v3')?.route.name).toBe('short');
    expect(routeRequest(services, '/api/v2/items')?.route.name).toBe('regex-low');
    expect(routeRequest(services, '/api/v2/items/7')?.route.name).toBe('regex-high');
    expect(routeRequest(services, '/other')).toBeUndefined();
  });

  it('builds the upstream path per strip_path and path_handling', () => {
    const v0 = [service('v0', 'http://up:4000/api', ['/rt/api'])];
    expect(routeRequest(v0, '/rt/api/broadcast')?.upstreamPath).toBe('/api/broadcast');
    expect(routeRequest(v0, '/rt/api')?.upstreamPath).toBe('/api');
    expect(routeRequest(v0, '/rt/api/')?.upstreamPath).toBe('/api/');
    expect(routeRequest(v0, '/rt/apitenants')?.upstreamPath).toBe('/api/tenants');
    const v1 = [service('v1', 'http://up:4000/api', ['/rt/api'], { path_handling: 'v1' })];
    expect(routeRequest(v1, '/rt/apitenants')?.upstreamPath).toBe('/apitenants');
    const slash = [service('slash', 'http://up:3000/', ['/rest/v1/'])];
    expect(routeRequest(slash, '/rest/v1/')?.upstreamPath).toBe('/');
    expect(routeRequest(slash, '/rest/v1/x')?.upstreamPath).toBe('/x');
    const keep = [service('keep', 'http://up:3000/base', ['/p'], { strip_path: false })];
    expect(routeRequest(keep, '/p/x')?.upstreamPath).toBe('/base/p/x');
  });
});
