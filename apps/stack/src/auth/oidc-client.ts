import { createHash, createHmac } from 'node:crypto';
import { createRemoteJWKSet, type JWTPayload, jwtVerify } from 'jose';
import type { OidcProviderConfig } from './config.js';

interface Discovery {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  jwks_uri: string;
  userinfo_endpoint?: string;
  token_endpoint_auth_methods_supported?: string[];
}

export interface ProviderTokens {
  accessToken: string;
  refreshToken: string;
  claims: JWTPayload & Record<string, unknown>;
}

/** A sign-in provider's side of the authorization-code flow (OpenID Connect or plain OAuth2). */
export interface ProviderClient {
  /** Where the browser goes; `requestedScopes` is the client's `scopes` parameter. */
  authorizationUrl(flowId: string, redirectUri: string, requestedScopes: string): Promise<string>;
  /** The code exchanged for tokens and the account's claims (sub, email, email_verified, …). */
  exchange(flowId: string, code: string, redirectUri: string): Promise<ProviderTokens>;
}

/**
 * One relying-party client per configured provider: discovery and JWKS are fetched once and
 * cached (jose refreshes keys on an unknown kid).
 */
export class OidcClient implements ProviderClient {
  private discovery?: Promise<Discovery>;
  private jwks?: ReturnType<typeof createRemoteJWKSet>;

  constructor(
    readonly provider: OidcProviderConfig,
    private readonly secret: string,
  ) {}

  private async discover(): Promise<Discovery> {
    this.discovery ??= (async () => {
      const res = await fetch(`${this.provider.issuer}/.well-known/openid-configuration`);
      if (!res.ok) throw new Error(`OIDC discovery for ${this.provider.name} failed: HTTP ${res.status}`);
      const doc = (await res.json()) as Discovery;
      if (doc.issuer.replace(/\/+$/, '') !== this.provider.issuer) {
        throw new Error(`OIDC discovery for ${this.provider.name}: issuer mismatch`);
      }
      return doc;
    })().catch((error: unknown) => {
      this.discovery = undefined;
      throw error;
    });
    return this.discovery;
  }

  /**
   * The PKCE verifier and nonce for a flow, derived from its id with the JWT secret so that
   * nothing beyond auth.flow_state has to be stored.
   */
  private derived(flowId: string) {
    const mac = (label: string) =>
      createHmac('sha256', this.secret).update(`${label}:${flowId}`).digest('base64url');
    return { verifier: mac('oidc-pkce-verifier'), nonce: mac('oidc-nonce') };
  }

  async authorizationUrl(flowId: string, redirectUri: string, requestedScopes: string): Promise<string> {
    const { authorization_endpoint } = await this.discover();
    const scopes = [...new Set(`${this.provider.scopes} ${requestedScopes}`.split(/\s+/))]
      .filter(Boolean)
      .join(' ');
    const { verifier, nonce } = this.derived(flowId);
    const url = new URL(authorization_endpoint);
    url.searchParams.set('client_id', this.provider.clientId);
    url.searchParams.set('redirect_uri', redirectUri);
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('scope', scopes);
    url.searchParams.set('state', flowId);
    url.searchParams.set('nonce', nonce);
    url.searchParams.set('code_challenge', createHash('sha256').update(verifier).digest('base64url'));
    url.searchParams.set('code_challenge_method', 'S256');
    return url.toString();
  }

  /** Exchanges the code and verifies the ID token: signature (JWKS), iss, aud, exp and nonce. */
  async exchange(flowId: string, code: string, redirectUri: string): Promise<ProviderTokens> {
    const doc = await this.discover();
    const { verifier, nonce } = this.derived(flowId);
    const form = new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri,
      code_verifier: verifier,
    });
    const headers: Record<string, string> = {
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    };
    const methods = doc.token_endpoint_auth_methods_supported ?? ['client_secret_basic'];
    if (this.provider.clientSecret && methods.includes('client_secret_basic')) {
      const id = encodeURIComponent(this.provider.clientId);
      const secret = encodeURIComponent(this.provider.clientSecret);
      headers.authorization = `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
    } else {
      form.set('client_id', this.provider.clientId);
      if (this.provider.clientSecret) form.set('client_secret', this.provider.clientSecret);
    }
    const res = await fetch(doc.token_endpoint, { method: 'POST', headers, body: form });
    const tokens = (await res.json().catch(() => ({}))) as Record<string, unknown>;
    if (!res.ok || typeof tokens.id_token !== 'string') {
      throw new Error(
        `token exchange failed: ${String(tokens.error_description ?? tokens.error ?? `HTTP ${res.status}`)}`,
      );
    }
    this.jwks ??= createRemoteJWKSet(new URL(doc.jwks_uri));
    const { payload } = await jwtVerify(tokens.id_token, this.jwks, {
      issuer: doc.issuer,
      audience: this.provider.clientId,
    });
    if (payload.nonce !== nonce) throw new Error('ID token nonce mismatch');
    const claims = { ...payload } as ProviderTokens['claims'];
    const accessToken = typeof tokens.access_token === 'string' ? tokens.access_token : '';
    if (!claims.email && doc.userinfo_endpoint && accessToken) {
      const info = await this.userinfo(doc.userinfo_endpoint, accessToken, String(payload.sub));
      for (const [key, value] of Object.entries(info)) if (!(key in claims)) claims[key] = value;
    }
    return {
      accessToken,
      refreshToken: typeof tokens.refresh_token === 'string' ? tokens.refresh_token : '',
      claims,
    };
  }

  /** Fills in claims (email) the ID token left out; the subject must match. */
  private async userinfo(endpoint: string, accessToken: string, sub: string) {
    const res = await fetch(endpoint, { headers: { authorization: `Bearer ${accessToken}` } });
    if (!res.ok) return {};
    const info = (await res.json()) as Record<string, unknown>;
    return info.sub === sub ? info : {};
  }
}

/** The sign-in clients by provider name: OpenID Connect ones and GoTrue's fixed OAuth2 providers. */
export type OidcClients = Map<string, ProviderClient>;

export const oidcClients = (providers: Iterable<OidcProviderConfig>, secret: string): OidcClients =>
  new Map([...providers].map((p) => [p.name, new OidcClient(p, secret)]));
