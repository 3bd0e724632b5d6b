import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { isDeepStrictEqual, parseEnv } from 'node:util';
import { OAUTH2_PROVIDERS } from '../auth/oauth2-client.js';
import { isCliKey } from './cli-keys.js';
import { emailSettings } from './email-settings.js';
import { type ProjectToml, projectSchema } from './schema.js';
import {
  ConfigFileError,
  leafPaths,
  located,
  parseTomlSource,
  type TomlSource,
  type TomlTable,
} from './toml-source.js';

/** What supabase/config.toml sets, as the environment variables the stack already reads. */
export interface ProjectConfig {
  file: string;
  /** Defaults for the stack's environment variables; the real environment overrides each one. */
  env: Record<string, string>;
  /** Keys the CLI knows and the stack does not apply, as `file:line: key: why`. */
  ignored: string[];
  /** `env(NAME)` values whose variable is unset (kept as written, as the CLI does, with a warning). */
  unsetEnv: string[];
}

const text = (value: unknown) => String(value);
const list = (value: unknown) => (value as string[]).join(',');
const not = (value: unknown) => String(!value);
/** A path as the CLI resolves it: relative to the supabase/ directory holding config.toml. */
const filePath = (value: unknown, configDir: string) => resolve(configDir, String(value));

/** Each key the stack applies and the environment variable it becomes. */
const SETTINGS: Record<string, [env: string, convert: (value: unknown, configDir: string) => string]> = {
  'api.port': ['HARMONY_STACK_PORT', text],
  'api.schemas': ['PGRST_DB_SCHEMAS', list],
  'api.max_rows': ['PGRST_DB_MAX_ROWS', text],
  'api.extra_search_path': ['PGRST_DB_EXTRA_SEARCH_PATH', list],
  'db.port': ['HARMONY_PG_PORT', text],
  'auth.site_url': ['SITE_URL', text],
  'auth.additional_redirect_urls': ['HARMONY_AUTH_ADDITIONAL_REDIRECT_URLS', list],
  'auth.jwt_expiry': ['JWT_EXPIRY', text],
  'auth.refresh_token_reuse_interval': ['HARMONY_AUTH_REFRESH_TOKEN_REUSE_INTERVAL', text],
  'auth.enable_signup': ['DISABLE_SIGNUP', not],
  'auth.enable_anonymous_sign_ins': ['GOTRUE_EXTERNAL_ANONYMOUS_USERS_ENABLED', text],
  'auth.minimum_password_length': ['HARMONY_AUTH_MIN_PASSWORD_LENGTH', text],
  'auth.jwt_secret': ['JWT_SECRET', text],
  'auth.signing_keys_path': ['HARMONY_JWT_SIGNING_KEYS_PATH', filePath],
  'auth.anon_key': ['ANON_KEY', text],
  'auth.service_role_key': ['SERVICE_ROLE_KEY', text],
  'auth.publishable_key': ['PUBLISHABLE_KEY', text],
  'auth.secret_key': ['SECRET_KEY', text],
  // The CLI's windows: sign-ins/sign-ups and refreshes per 5 minutes, anonymous users per hour.
  'auth.rate_limit.sign_in_sign_ups': ['HARMONY_AUTH_RATE_LIMIT_SIGN_IN_SIGN_UPS', text],
  'auth.rate_limit.token_refresh': ['HARMONY_AUTH_RATE_LIMIT_TOKEN_REFRESH', text],
  'auth.rate_limit.anonymous_users': ['HARMONY_AUTH_RATE_LIMIT_ANONYMOUS_USERS', text],
  'auth.rate_limit.token_verifications': ['HARMONY_AUTH_RATE_LIMIT_TOKEN_VERIFICATIONS', text],
  'auth.email.enable_confirmations': ['ENABLE_EMAIL_AUTOCONFIRM', not],
  'auth.enable_manual_linking': ['GOTRUE_SECURITY_MANUAL_LINKING_ENABLED', text],
  'auth.mfa.max_enrolled_factors': ['GOTRUE_MFA_MAX_ENROLLED_FACTORS', text],
  'auth.mfa.totp.enroll_enabled': ['GOTRUE_MFA_TOTP_ENROLL_ENABLED', text],
  'auth.mfa.totp.verify_enabled': ['GOTRUE_MFA_TOTP_VERIFY_ENABLED', text],
  'storage.file_size_limit': ['FILE_SIZE_LIMIT', text],
  'inbucket.enabled': ['HARMONY_INBOX_ENABLED', text],
  'inbucket.port': ['HARMONY_INBOX_PORT', text],
  'inbucket.smtp_port': ['HARMONY_INBOX_SMTP_PORT', text],
  'auth.email.double_confirm_changes': ['GOTRUE_MAILER_SECURE_EMAIL_CHANGE_ENABLED', text],
  'auth.email.secure_password_change': ['GOTRUE_SECURITY_UPDATE_PASSWORD_REQUIRE_REAUTHENTICATION', text],
  'auth.email.max_frequency': ['GOTRUE_SMTP_MAX_FREQUENCY', text],
  'auth.email.otp_length': ['GOTRUE_MAILER_OTP_LENGTH', text],
  'auth.email.otp_expiry': ['GOTRUE_MAILER_OTP_EXP', text],
};

/** Keys whose behaviour the stack has built in: fine when they ask for it, reported otherwise. */
const BUILT_IN: Record<string, unknown> = {
  'api.enabled': true,
  'auth.enabled': true,
  'auth.enable_refresh_token_rotation': true,
  'auth.email.enable_signup': true,
  'auth.mfa.phone.enroll_enabled': false,
  'auth.mfa.phone.verify_enabled': false,
  'auth.mfa.web_authn.enroll_enabled': false,
  'auth.mfa.web_authn.verify_enabled': false,
  'realtime.enabled': true,
  'storage.enabled': true,
};

/**
 * Where the CLI's own defaults (its `supabase init` template, which it merges under the file)
 * differ from GoTrue's: a config.toml without these keys switches TOTP off, as `supabase start` does.
 */
const CLI_DEFAULTS: Record<string, unknown> = {
  'auth.mfa.totp.enroll_enabled': false,
  'auth.mfa.totp.verify_enabled': false,
};

/** OpenID Connect providers whose issuer is well known when `url` is not set. */
const WELL_KNOWN_ISSUERS: Record<string, string> = { google: 'https://accounts.google.com' };

const getPath = (table: unknown, path: string[]): unknown =>
  path.reduce<unknown>((node, key) => (node as TomlTable | undefined)?.[key], table);

/** A table switched off (`enabled = false`) asks for nothing, so its other keys need no support. */
const insideDisabledTable = (data: TomlTable, path: string[]) =>
  path.some((_, end) => end > 0 && getPath(data, [...path.slice(0, end), 'enabled']) === false);

const UNSET_ENV = /^env\((.*)\)$/;
const resolved = (value: string | undefined) => (value && !UNSET_ENV.test(value) ? value : '');

function setPath(data: TomlTable, path: string[], value: unknown): void {
  const table = path.slice(0, -1).reduce<TomlTable>((node, name) => {
    node[name] ??= {};
    return node[name] as TomlTable;
  }, data);
  table[path.at(-1) as string] = value;
}

/**
 * The CLI's SUPABASE_<KEY> variables (SUPABASE_AUTH_SITE_URL for auth.site_url) replace a key
 * of the file; here for the keys the stack applies. Lists are comma-separated.
 */
function applyCliEnvOverrides(data: TomlTable, env: NodeJS.ProcessEnv): void {
  for (const [key, [, convert]] of Object.entries(SETTINGS)) {
    const value = env[`SUPABASE_${key.toUpperCase().replace(/\./g, '_')}`];
    if (value === undefined) continue;
    setPath(data, key.split('.'), convert === list ? value.split(',').map((item) => item.trim()) : value);
  }
}

/**
 * The variables the CLI reads from .env files before the config (loadNestedEnv): in the
 * supabase/ directory, then the project directory above it, each `.env.<SUPABASE_ENV>.local`,
 * `.env.local` (not for SUPABASE_ENV=test), `.env.<SUPABASE_ENV>`, `.env`
 * (SUPABASE_ENV defaults to development). The first file to set a name wins, and the real
 * environment wins over every file.
 */
function withDotenvFiles(configDir: string, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const mode = env.SUPABASE_ENV || 'development';
  const names = [`.env.${mode}.local`, ...(mode === 'test' ? [] : ['.env.local']), `.env.${mode}`, '.env'];
  const merged: NodeJS.ProcessEnv = {};
  for (const dir of [configDir, dirname(configDir)]) {
    for (const name of names) {
      const file = join(dir, name);
      if (!existsSync(file)) continue;
      for (const [key, value] of Object.entries(parseEnv(readFileSync(file, 'utf8')))) merged[key] ??= value;
    }
  }
  return { ...merged, ...env };
}

/** The CLI's mfa.validate: a factor type that can be enrolled must also be verifiable. */
function checkMfaSwitches(source: TomlSource, config: ProjectToml): void {
  const mfa = config.auth?.mfa ?? {};
  for (const type of ['totp', 'phone', 'web_authn'] as const) {
    if (mfa[type]?.enroll_enabled && !mfa[type]?.verify_enabled) {
      throw new ConfigFileError(
        located(
          source,
          ['auth', 'mfa', type, 'enroll_enabled'],
          'requires verify_enabled = true (the Supabase CLI refuses it too)',
        ),
      );
    }
  }
}

/**
 * [auth.external.<name>] as the variables the auth server reads: GoTrue's fixed-endpoint
 * OAuth2 providers (github, gitlab, discord) as GOTRUE_EXTERNAL_<NAME>_*, the others as
 * OpenID Connect issuers. An enabled provider the stack cannot sign in with stops the start.
 */
function externalProviders(source: TomlSource, config: ProjectToml): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, provider] of Object.entries(config.auth?.external ?? {})) {
    if (!provider.enabled) continue;
    const refuse = (key: string, message: string) =>
      new ConfigFileError(located(source, ['auth', 'external', name, key], message));
    // The CLI's external.validate.
    if (!provider.client_id)
      throw refuse('client_id', 'missing required field (the Supabase CLI requires it too)');
    if (!provider.secret && !['apple', 'google'].includes(name)) {
      throw refuse('secret', 'missing required field (the Supabase CLI requires it too)');
    }
    if (OAUTH2_PROVIDERS.includes(name)) {
      const prefix = `GOTRUE_EXTERNAL_${name.toUpperCase()}_`;
      env[`${prefix}ENABLED`] = 'true';
      env[`${prefix}CLIENT_ID`] = resolved(provider.client_id);
      env[`${prefix}SECRET`] = resolved(provider.secret);
      if (provider.url) env[`${prefix}URL`] = resolved(provider.url);
      continue;
    }
    const issuer = provider.url || WELL_KNOWN_ISSUERS[name];
    if (!issuer) {
      // Starting without a provider the project enabled would leave its sign-in button broken.
      throw refuse(
        'enabled',
        `the ${name} provider is not supported by the stack, which signs in with ${OAUTH2_PROVIDERS.join(', ')} and OpenID Connect providers (\`url\` set to the issuer, or google); disable it or run \`supabase start\``,
      );
    }
    const prefix = `HARMONY_OIDC_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_`;
    env[`${prefix}ISSUER`] = issuer;
    env[`${prefix}CLIENT_ID`] = resolved(provider.client_id);
    env[`${prefix}CLIENT_SECRET`] = resolved(provider.secret);
  }
  return env;
}

/** Reads supabase/config.toml as the CLI does; `undefined` when the file does not exist. */
export function loadProjectConfig(
  file: string,
  env: NodeJS.ProcessEnv = process.env,
): ProjectConfig | undefined {
  if (!existsSync(file)) return undefined;
  const lookup = withDotenvFiles(dirname(file), env);
  const source = parseTomlSource(file, readFileSync(file, 'utf8'), lookup);
  applyCliEnvOverrides(source.data, lookup);
  for (const [key, value] of Object.entries(CLI_DEFAULTS)) {
    const path = key.split('.');
    if (getPath(source.data, path) === undefined) setPath(source.data, path, value);
  }

  const unknown = leafPaths(source.data).filter((path) => !isCliKey(path));
  if (unknown.length) {
    throw new ConfigFileError(
      unknown
        .map((path) => located(source, path, 'unknown key (the Supabase CLI rejects it too)'))
        .join('\n'),
    );
  }
  const parsed = projectSchema.safeParse(source.data);
  if (!parsed.success) {
    throw new ConfigFileError(
      parsed.error.issues.map((issue) => located(source, issue.path, issue.message)).join('\n'),
    );
  }
  const config: ProjectToml = parsed.data;
  checkMfaSwitches(source, config);

  const result: ProjectConfig = { file, env: {}, ignored: [], unsetEnv: [] };
  const ignore = (path: string[], why: string) => result.ignored.push(located(source, path, why));
  const email = emailSettings(config, dirname(file));
  for (const [path, why] of email.ignored) ignore(path, why);
  for (const path of leafPaths(source.data)) {
    const key = path.join('.');
    const raw = getPath(source.data, path);
    const unset = typeof raw === 'string' ? UNSET_ENV.exec(raw)?.[1] : undefined;
    if (unset) {
      result.unsetEnv.push(unset);
      continue;
    }
    const setting = SETTINGS[key];
    if (email.handles(path)) continue;
    if (!setting && !(key in BUILT_IN) && insideDisabledTable(source.data, path)) continue;
    if (setting) {
      result.env[setting[0]] = setting[1](getPath(config, path), dirname(file));
    } else if (key in BUILT_IN) {
      if (!isDeepStrictEqual(getPath(config, path), BUILT_IN[key])) {
        ignore(path, `not supported: the stack always behaves as ${JSON.stringify(BUILT_IN[key])}`);
      }
    } else if (path[0] !== 'auth' || path[1] !== 'external') {
      ignore(path, 'not implemented by the stack');
    }
  }
  Object.assign(result.env, email.env, externalProviders(source, config));
  return result;
}
