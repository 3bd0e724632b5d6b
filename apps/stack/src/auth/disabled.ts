import type { MiddlewareHandler } from 'hono';
import { decodeJwt } from 'jose';
import type { AuthConfig } from './config.js';
import type { AuthContext } from './deps.js';
import { badRequest, notFound, OAuthError, unprocessable } from './errors.js';
import { bool, readBody, str } from './request.js';

/**
 * Features this stack does not implement, answered as a GoTrue with them switched off answers
 * (internal/api/middleware.go and the handlers' first checks), so clients see the same errors
 * as against `supabase start` with the feature disabled.
 */

/** /sso and /sso/saml/*: requireSAMLEnabled. */
export const samlDisabled = () => () => {
  throw notFound('saml_provider_disabled', 'SAML 2.0 is disabled');
};

/** /passkeys/*: requirePasskeyEnabled. */
export const passkeysDisabled = () => () => {
  throw notFound('passkey_disabled', 'Passkeys are disabled');
};

/** /user/identities/*: requireManualLinkingEnabled (after requireAuthentication). */
export const requireManualLinking =
  (config: AuthConfig): MiddlewareHandler =>
  async (_c, next) => {
    if (!config.manualLinking) throw notFound('manual_linking_disabled', 'Manual linking is disabled');
    await next();
  };

/** GoTrue's validatePhone: "+" and spaces dropped, then E.164 digits. */
export function validatePhone(raw: string): string {
  const phone = raw.replace(/^\+/, '').replaceAll(' ', '');
  if (!/^[1-9][0-9]{1,14}$/.test(phone)) {
    throw badRequest('validation_failed', 'Invalid phone number format (E.164 required)');
  }
  return phone;
}

/** POST /token?grant_type=web3 with neither Solana nor Ethereum enabled. */
export const web3Disabled = () => {
  throw unprocessable('web3_provider_disabled', 'Web3 provider is disabled');
};

const APPLE_ISSUERS = ['https://appleid.apple.com', 'https://account.apple.com'];
const AZURE_ISSUER = /^https:\/\/login[.]microsoftonline[.]com\/([^/]+)\/v2[.]0\/?$/;
/** Providers whose ID tokens GoTrue knows by a fixed issuer. */
const FIXED_ISSUERS: Record<string, string> = {
  google: 'https://accounts.google.com',
  facebook: 'https://www.facebook.com',
  kakao: 'https://kauth.kakao.com',
  vercel_marketplace: 'https://marketplace.vercel.com',
  snapchat: 'https://accounts.snapchat.com/accounts/oauth2/token',
};

/** Go's %q for the plain strings these messages quote. */
const quoted = (s: string) => JSON.stringify(s);

const providerDisabled = (issuer: string) =>
  badRequest('provider_disabled', `Provider (issuer ${quoted(issuer)}) is not enabled`);

/** The token's unverified `iss`, as GoTrue detects Apple and Azure issuers. */
function detectIssuer(idToken: string, label: string): string {
  try {
    const iss = decodeJwt(idToken).iss;
    if (typeof iss === 'string') return iss;
  } catch {
    // Reported below as GoTrue reports an unparsable token.
  }
  throw badRequest('validation_failed', `Unable to detect issuer in ID token for ${label} provider`);
}

/**
 * POST /token?grant_type=id_token: no external provider is enabled for ID tokens here, so after
 * GoTrue's parameter checks every provider answers as a disabled one.
 */
export const idTokenGrantDisabled = async (c: AuthContext) => {
  const body = await readBody(c);
  const idToken = str(body, 'id_token');
  const provider = str(body, 'provider');
  const issuer = str(body, 'issuer');
  if (!idToken) throw new OAuthError('invalid request', 'id_token required');
  if (!provider && (!str(body, 'client_id') || !issuer)) {
    throw new OAuthError('invalid request', 'provider or client_id and issuer required');
  }
  if (bool(body, 'link_identity') && !c.req.header('authorization')) {
    throw new OAuthError('invalid request', 'Linking requires a valid user access token in Authorization');
  }
  if (provider === 'apple' || APPLE_ISSUERS.includes(issuer)) {
    const detected = detectIssuer(idToken, 'Apple');
    if (!APPLE_ISSUERS.includes(detected)) {
      throw badRequest('validation_failed', 'Detected ID token issuer is not an Apple ID token issuer');
    }
    if (issuer && issuer !== detected) {
      throw badRequest('validation_failed', 'Provided issuer does not match ID token issuer');
    }
    throw providerDisabled(detected);
  }
  const fixed = Object.entries(FIXED_ISSUERS).find(([name, iss]) => provider === name || issuer === iss);
  if (fixed) throw providerDisabled(fixed[1]);
  if (provider === 'azure' || AZURE_ISSUER.test(issuer)) {
    const detected = detectIssuer(idToken, 'Azure');
    if (
      !detected.startsWith('https://login.microsoftonline.com/') &&
      !detected.startsWith('https://sts.windows.net/')
    ) {
      throw badRequest('validation_failed', 'Detected ID token issuer is not an Azure ID token issuer');
    }
    if (issuer && issuer !== detected) {
      throw badRequest('validation_failed', 'Provided issuer does not match ID token issuer');
    }
    throw providerDisabled(detected);
  }
  if (provider === 'keycloak') throw providerDisabled('');
  if (provider.startsWith('custom:'))
    throw badRequest('validation_failed', 'Custom OAuth providers are disabled');
  throw badRequest('validation_failed', `Custom OIDC provider ${quoted(provider)} not allowed`);
};
