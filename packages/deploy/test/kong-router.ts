/**
 * A model of how Kong 2.8 (the `kong:2.8.1` image docker-compose.full.yml runs) picks a route
 * for a request and builds the upstream path, for the route fields docker/kong.yml uses
 * (`paths`, `strip_path`, `regex_priority`, `path_handling`). No Docker engine, hence no real
 * Kong, exists on our machines; the rules below follow Kong 2.8.1's kong/router.lua and
 * kong/tools/uri.lua:
 *
 * - The request path (query string dropped) is normalised before matching: `%XX` triplets of
 *   unreserved characters are decoded (reserved ones only upper-cased), dot segments removed
 *   and repeated slashes merged.
 * - A path made only of `[A-Za-z0-9._~/%-]` is a plain prefix (compared with the path's own
 *   normalised form); anything else is a regex, anchored at the start of the request path.
 * - Routes with a regex path are tried first, higher `regex_priority` first; then the longest
 *   path; then declaration order. A route with several paths counts once per path.
 * - The upstream path joins the service URL's path with what follows the matched prefix
 *   (`strip_path`, the default) or with the whole request path, per `path_handling` (v0, the
 *   default in 2.8, inserts a `/` when the service path has no trailing slash).
 */

export interface KongPlugin {
  name: string;
  config?: Record<string, unknown>;
}
export interface KongRoute {
  name: string;
  paths: string[];
  strip_path?: boolean;
  regex_priority?: number;
  path_handling?: 'v0' | 'v1';
}
export interface KongService {
  name: string;
  url: string;
  routes?: KongRoute[];
  plugins?: KongPlugin[];
}

/** The route fields this model implements; any other field would change matching. */
export const MODELLED_ROUTE_FIELDS = ['name', 'paths', 'strip_path', 'regex_priority', 'path_handling'];

export interface KongMatch {
  service: KongService;
  route: KongRoute;
  /** The path Kong sends to the service's host. */
  upstreamPath: string;
}

/** RFC 3986 reserved characters plus `%`: Kong keeps these percent-encoded. */
const RESERVED = new Set("!#$%&'()*+,/:;=?@[]");
const PLAIN_PATH = /^[a-zA-Z0-9._~/%-]*$/;

export function normalizePath(path: string): string {
  const decoded = path.replace(/%([0-9a-f]{2})/gi, (triplet, hex: string) => {
    const char = String.fromCharCode(Number.parseInt(hex, 16));
    return RESERVED.has(char) ? triplet.toUpperCase() : char;
  });
  // RFC 3986 §5.2.4 remove_dot_segments, with `//` merged into `/`.
  const output: string[] = [];
  let input = decoded;
  while (input.length > 0) {
    if (input === '/.') input = '/';
    else if (input === '/..') {
      input = '/';
      output.pop();
    } else if (input === '.' || input === '..') input = '';
    else if (input.startsWith('../')) input = input.slice(3);
    else if (input.startsWith('./')) input = input.slice(2);
    else if (input.startsWith('/./')) input = input.slice(2);
    else if (input.startsWith('/../')) {
      input = input.slice(3);
      output.pop();
    } else if (input.startsWith('//')) input = input.slice(1);
    else {
      const end = input.indexOf('/', 1);
      output.push(end === -1 ? input : input.slice(0, end));
      input = end === -1 ? '' : input.slice(end);
    }
  }
  return output.join('');
}

interface Candidate {
  service: KongService;
  route: KongRoute;
  path: string;
  regex: boolean;
}

function candidates(services: KongService[]): Candidate[] {
  const all = services.flatMap((service) =>
    (service.routes ?? []).flatMap((route) =>
      route.paths.map((path) => ({ service, route, path, regex: !PLAIN_PATH.test(path) })),
    ),
  );
  // Array.prototype.sort is stable: equal candidates keep declaration order.
  return all.sort((a, b) => {
    if (a.regex !== b.regex) return a.regex ? -1 : 1;
    if (a.regex) {
      const priority = (b.route.regex_priority ?? 0) - (a.route.regex_priority ?? 0);
      if (priority !== 0) return priority;
    }
    return b.path.length - a.path.length;
  });
}

/** What follows the matched part of the request path, or undefined when `path` does not match. */
function postfixAfter(candidate: Candidate, requestPath: string): string | undefined {
  if (candidate.regex) {
    const match = new RegExp(`^(?:${candidate.path})`).exec(requestPath);
    return match ? requestPath.slice(match[0].length) : undefined;
  }
  const prefix = normalizePath(candidate.path);
  return requestPath.startsWith(prefix) ? requestPath.slice(prefix.length) : undefined;
}

function sanitizePostfix(postfix: string): string {
  if (postfix === '.' || postfix === '..') return '';
  if (postfix.startsWith('./')) return postfix.slice(2);
  if (postfix.startsWith('../')) return postfix.slice(3);
  return postfix;
}

function upstreamPath(route: KongRoute, base: string, requestPath: string, postfix: string): string {
  const strip = route.strip_path ?? true;
  if (route.path_handling === 'v1') {
    if (!strip) return base + requestPath.slice(1);
    return base.endsWith('/') && postfix.startsWith('/') ? base.slice(0, -1) + postfix : base + postfix;
  }
  if (base.endsWith('/')) {
    if (!strip) return base + requestPath.slice(1);
    if (postfix === '') {
      if (base === '/') return '/';
      return requestPath.endsWith('/') ? base : base.slice(0, -1);
    }
    return postfix.startsWith('/') ? base.slice(0, -1) + postfix : base + postfix;
  }
  if (!strip) return requestPath === '/' ? base : base + requestPath;
  if (postfix === '') return requestPath.length > 1 && requestPath.endsWith('/') ? `${base}/` : base;
  return postfix.startsWith('/') ? base + postfix : `${base}/${postfix}`;
}

/** The route Kong picks for a request target (path and query), or undefined for Kong's 404. */
export function routeRequest(services: KongService[], requestTarget: string): KongMatch | undefined {
  const query = requestTarget.indexOf('?', 1);
  const requestPath = normalizePath(query === -1 ? requestTarget : requestTarget.slice(0, query));
  if (requestPath === '') return undefined;
  for (const candidate of candidates(services)) {
    const postfix = postfixAfter(candidate, requestPath);
    if (postfix === undefined) continue;
    const base = new URL(candidate.service.url).pathname || '/';
    return {
      service: candidate.service,
      route: candidate.route,
      upstreamPath: upstreamPath(candidate.route, base, requestPath, sanitizePostfix(postfix)),
    };
  }
  return undefined;
}
