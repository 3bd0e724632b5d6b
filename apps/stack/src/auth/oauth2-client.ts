import type { ProviderClient, ProviderTokens } from './oidc-client.js';

/** An external provider configured as GoTrue reads it: GOTRUE_EXTERNAL_<NAME>_{ENABLED,CLIENT_ID,SECRET,URL}. */
export interface OAuth2ProviderConfig {
  name: string;
  clientId: string;
  clientSecret: string;
  /** Self-hosted instance (GitHub Enterprise, GitLab, …); empty for the public service. */
  url: string;
}

interface ProviderEmail {
  email: string;
  verified: boolean;
  primary: boolean;
}

/** What a provider's user API tells about the account, as GoTrue's provider.UserProvidedData. */
interface Profile {
  claims: Record<string, unknown>;
  emails: ProviderEmail[];
}

type Fetch = <T>(url: string) => Promise<T>;

/**
 * GoTrue's OAuth2 providers with fixed endpoints (internal/api/provider/*.go): where they
 * authorize and exchange codes, their default scopes, and how their user API maps to claims.
 * `url` (chooseHost) replaces the public host.
 */
interface ProviderSpec {
  endpoints(url: string): { authorize: string; token: string; api: string };
  scopes: string[];
  profile(get: Fetch, api: string): Promise<Profile>;
}

/** chooseHost: the configured base without its trailing slash, or the public host. */
const host = (url: string, fallback: string) => (url ? url.replace(/\/$/, '') : `https://${fallback}`);

const SPECS: Record<string, ProviderSpec> = {
  github: {
    endpoints(url) {
      const auth = host(url, 'github.com');
      const api = host(url, 'api.github.com');
      return {
        authorize: `${auth}/login/oauth/authorize`,
        token: `${auth}/login/oauth/access_token`,
        api: api.endsWith('api.github.com') ? api : `${api}/api/v3`,
      };
    },
    scopes: ['user:email'],
    async profile(get, api) {
      const u = await get<{ id: number; login: string; name?: string; avatar_url?: string }>(`${api}/user`);
      const emails = await get<ProviderEmail[]>(`${api}/user/emails`);
      return {
        claims: {
          iss: api,
          sub: String(u.id),
          name: u.name,
          preferred_username: u.login,
          avatar_url: u.avatar_url,
          full_name: u.name,
          user_name: u.login,
        },
        emails: emails.filter((e) => e.email),
      };
    },
  },
  gitlab: {
    endpoints(url) {
      const base = host(url, 'gitlab.com');
      return { authorize: `${base}/oauth/authorize`, token: `${base}/oauth/token`, api: base };
    },
    scopes: ['read_user'],
    async profile(get, base) {
      const u = await get<{
        id: number;
        name?: string;
        email?: string;
        avatar_url?: string;
        confirmed_at?: string;
      }>(`${base}/api/v4/user`);
      const extra = await get<{ email: string }[]>(`${base}/api/v4/user/emails`);
      // GitLab does not say whether additional addresses are confirmed.
      const emails = extra
        .filter((e) => e.email)
        .map((e) => ({ email: e.email, verified: false, primary: false }));
      if (u.email) emails.push({ email: u.email, verified: Boolean(u.confirmed_at), primary: true });
      return {
        claims: { iss: base, sub: String(u.id), name: u.name, picture: u.avatar_url },
        emails,
      };
    },
  },
  discord: {
    endpoints(url) {
      const api = `${host(url, 'discord.com')}/api`;
      return { authorize: `${api}/oauth2/authorize`, token: `${api}/oauth2/token`, api };
    },
    scopes: ['email', 'identify'],
    async profile(get, api) {
      const u = await get<{
        id: string;
        username: string;
        discriminator?: string;
        global_name?: string;
        avatar?: string;
        email?: string;
        verified?: boolean;
      }>(`${api}/users/@me`);
      const picture = u.avatar
        ? `https://cdn.discordapp.com/avatars/${u.id}/${u.avatar}.${u.avatar.startsWith('a_') ? 'gif' : 'png'}`
        : `https://cdn.discordapp.com/embed/avatars/${Number(u.discriminator ?? 0) % 5}.png`;
      return {
        claims: {
          iss: api,
          sub: u.id,
          name: `${u.username}#${u.discriminator ?? '0'}`,
          picture,
          full_name: u.username,
          custom_claims: { global_name: u.global_name },
        },
        emails: u.email ? [{ email: u.email, verified: u.verified === true, primary: true }] : [],
      };
    },
  },
};

/** The providers this module signs in with. */
export const OAUTH2_PROVIDERS = Object.keys(SPECS);

/** The callback's choice of address: the primary one, else the last listed. */
function chosenEmail(emails: ProviderEmail[]): ProviderEmail | undefined {
  return emails.find((e) => e.primary) ?? emails.at(-1);
}

/** The authorization-code flow against one of GoTrue's fixed-endpoint OAuth2 providers. */
export class OAuth2Client implements ProviderClient {
  private readonly spec: ProviderSpec;
  private readonly endpoints: ReturnType<ProviderSpec['endpoints']>;

  constructor(private readonly provider: OAuth2ProviderConfig) {
    const spec = SPECS[provider.name];
    if (!spec) throw new Error(`${provider.name} is not an OAuth2 provider the stack implements`);
    this.spec = spec;
    this.endpoints = spec.endpoints(provider.url);
  }

  /** GoTrue adds the requested scopes, comma-separated, to the provider's defaults. */
  async authorizationUrl(flowId: string, redirectUri: string, requestedScopes: string): Promise<string> {
    const scopes = [...this.spec.scopes, ...requestedScopes.split(',').filter(Boolean)];
    const url = new URL(this.endpoints.authorize);
    url.searchParams.set('client_id', this.provider.clientId);
    url.searchParams.set('redirect_uri', redirectUri);
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('scope', scopes.join(' '));
    url.searchParams.set('state', flowId);
    return url.toString();
  }

  async exchange(_flowId: string, code: string, redirectUri: string): Promise<ProviderTokens> {
    const res = await fetch(this.endpoints.token, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: redirectUri,
        client_id: this.provider.clientId,
        client_secret: this.provider.clientSecret,
      }),
    });
    const text = await res.text();
    // GitHub answers form-encoded unless it honours the Accept header.
    const tokens: Record<string, unknown> = text.trim().startsWith('{')
      ? JSON.parse(text)
      : Object.fromEntries(new URLSearchParams(text));
    const accessToken = typeof tokens.access_token === 'string' ? tokens.access_token : '';
    if (!res.ok || !accessToken) {
      throw new Error(
        `token exchange failed: ${String(tokens.error_description ?? tokens.error ?? `HTTP ${res.status}`)}`,
      );
    }
    const get: Fetch = async (url) => {
      const answer = await fetch(url, {
        headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' },
      });
      if (!answer.ok) throw new Error(`${url}: HTTP ${answer.status}`);
      return answer.json() as never;
    };
    const { claims, emails } = await this.spec.profile(get, this.endpoints.api);
    const email = chosenEmail(emails);
    return {
      accessToken,
      refreshToken: typeof tokens.refresh_token === 'string' ? tokens.refresh_token : '',
      claims: {
        ...claims,
        sub: String(claims.sub),
        email: email?.email,
        email_verified: email?.verified ?? false,
        provider_id: String(claims.sub),
      },
    };
  }
}

/** Providers enabled as GoTrue reads them: GOTRUE_EXTERNAL_<NAME>_ENABLED=true and the client's id and secret. */
export function oauth2ProvidersFromEnv(env: NodeJS.ProcessEnv): OAuth2ProviderConfig[] {
  return OAUTH2_PROVIDERS.flatMap((name) => {
    const prefix = `GOTRUE_EXTERNAL_${name.toUpperCase()}_`;
    if (env[`${prefix}ENABLED`] !== 'true') return [];
    const clientId = env[`${prefix}CLIENT_ID`];
    if (!clientId) throw new Error(`${prefix}CLIENT_ID is required when ${prefix}ENABLED is true`);
    return [{ name, clientId, clientSecret: env[`${prefix}SECRET`] ?? '', url: env[`${prefix}URL`] ?? '' }];
  });
}
