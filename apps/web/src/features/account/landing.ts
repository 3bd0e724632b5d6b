/**
 * What an auth mail's link brought the browser back with. Supabase Auth redirects to the site
 * with the outcome in the URL fragment (`#access_token=…&type=recovery`, `#error_code=otp_expired…`,
 * `#message=…` after the first of two email-change confirmations); supabase-js reads the session
 * from it and clears it, so it is read once here, before the client is created.
 */
export type AuthLanding =
  | { kind: 'signedIn'; type: string }
  | { kind: 'message'; message: string }
  | { kind: 'error'; code: string; description: string };

export function parseAuthLanding(hash: string, search = ''): AuthLanding | null {
  const fragment = new URLSearchParams(hash.replace(/^#/, ''));
  const query = new URLSearchParams(search.replace(/^\?/, ''));
  const code = fragment.get('error_code') ?? query.get('error_code');
  if (code || fragment.get('error'))
    return {
      kind: 'error',
      code: code ?? fragment.get('error') ?? '',
      description: fragment.get('error_description') ?? query.get('error_description') ?? '',
    };
  const message = fragment.get('message') ?? query.get('message');
  if (message) return { kind: 'message', message };
  if (fragment.get('access_token')) return { kind: 'signedIn', type: fragment.get('type') ?? '' };
  return null;
}

/** The landing of this page load (null in tests and outside a browser). */
export const initialLanding: AuthLanding | null =
  typeof window === 'undefined' ? null : parseAuthLanding(window.location.hash, window.location.search);

/** Removes an outcome fragment supabase-js leaves behind (errors and messages). */
export function clearLandingFromUrl(): void {
  if (typeof window === 'undefined') return;
  if (/(^#|&)(error|error_code|message|sb)=/.test(window.location.hash))
    window.history.replaceState(null, '', `${window.location.pathname}#/`);
}
