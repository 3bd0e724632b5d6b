import { type AuthConfig, authBaseUrl } from './config.js';

const isLoopback = (host: string) =>
  host === 'localhost' || host === '[::1]' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);

/** Glob over the URL without its fragment: `*` stops at `/`, `**` does not. */
function globMatches(pattern: string, url: string): boolean {
  const source = pattern
    .split('**')
    .map((part) =>
      part
        .split('*')
        .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('[^/]*'),
    )
    .join('.*');
  return new RegExp(`^${source}$`).test(url);
}

/**
 * GoTrue's IsRedirectURLValid: the site URL's origin (any port on loopback), loopback IPs, and
 * the configured allow list. Anything else would hand tokens to a stranger's site.
 */
export function isRedirectAllowed(config: AuthConfig, candidate: string): boolean {
  let target: URL;
  let site: URL;
  try {
    target = new URL(candidate);
    site = new URL(config.stack.siteUrl);
  } catch {
    return false;
  }
  if (
    target.hostname === site.hostname &&
    target.protocol === site.protocol &&
    (target.port === site.port || isLoopback(target.hostname))
  ) {
    return true;
  }
  // Loopback never leaves the machine; `localhost` is accepted too (GoTrue: IP literals only),
  // so a dev app on http://localhost:<port> gets its session back.
  if (isLoopback(target.hostname)) return true;
  const withoutFragment = candidate.split('#')[0] ?? '';
  return config.additionalRedirectUrls.some((pattern) => globMatches(pattern, withoutFragment));
}

/** The redirect_to if allowed, else the site URL (GoTrue's GetReferrer). */
export const redirectTarget = (config: AuthConfig, candidate: string | undefined) =>
  candidate && isRedirectAllowed(config, candidate) ? candidate : config.stack.siteUrl;

/** Appends `params` as the fragment (implicit flow) or the query (PKCE code). */
export function withParams(url: string, params: Record<string, string>, where: 'fragment' | 'query'): string {
  const encoded = new URLSearchParams(Object.entries(params).sort(([a], [b]) => a.localeCompare(b)));
  if (where === 'fragment') return `${url.split('#')[0]}#${encoded.toString()}`;
  const u = new URL(url);
  for (const [key, value] of encoded) u.searchParams.set(key, value);
  return u.toString();
}

/** Where providers send the browser back: <public URL>/auth/v1/callback. */
export const callbackUrl = (config: AuthConfig) => `${authBaseUrl(config)}/callback`;
