import { databaseReachable } from '../db.js';
import type { AuthContext, AuthDeps } from './deps.js';
import { databaseUnavailable } from './errors.js';

/** GoTrue's built-in external providers, all off unless configured. */
const BUILT_IN_PROVIDERS = [
  'anonymous_users',
  'apple',
  'azure',
  'bitbucket',
  'discord',
  'facebook',
  'snapchat',
  'figma',
  'fly',
  'github',
  'gitlab',
  'google',
  'keycloak',
  'kakao',
  'linkedin',
  'linkedin_oidc',
  'notion',
  'spotify',
  'slack',
  'slack_oidc',
  'workos',
  'twitch',
  'twitter',
  'email',
  'phone',
  'zoom',
];

/** GET /health: GoTrue's body while the database answers, a 503 while it does not. */
export const health = (d: AuthDeps) => async (c: AuthContext) => {
  if (!(await databaseReachable(d.ctx.db.auth))) throw databaseUnavailable();
  return c.json({
    version: 'harmony',
    name: 'GoTrue',
    description: 'GoTrue is a user registration and authentication API',
  });
};

/** GET /settings: which sign-in methods exist, for dashboards and clients that ask. */
export const settings = (d: AuthDeps) => (c: AuthContext) => {
  const external: Record<string, boolean> = Object.fromEntries(BUILT_IN_PROVIDERS.map((p) => [p, false]));
  external.email = true;
  external.anonymous_users = d.config.anonymousSignIns;
  for (const name of d.oidc.keys()) external[name] = true;
  return c.json({
    external,
    disable_signup: d.config.stack.disableSignup,
    mailer_autoconfirm: d.config.stack.autoconfirm,
    phone_autoconfirm: false,
    sms_provider: '',
    saml_enabled: false,
    passkeys_enabled: false,
  });
};

/**
 * GET /.well-known/jwks.json: the public signing keys (none with only the HS256 secret, and
 * auth-js then asks /user), cacheable for 10 minutes as GoTrue sends it.
 */
export const jwks = (d: AuthDeps) => (c: AuthContext) => {
  c.header('Cache-Control', 'public, max-age=600');
  return c.json(d.config.stack.jwtKeys.jwks());
};
