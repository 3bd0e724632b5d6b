import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { repoRoot } from '@harmony/db';
import { type ApiKeys, DEMO_JWT_SECRET } from './jwt.js';
import { JwtKeys, loadSigningKeys } from './jwt-keys.js';

export interface StackConfig {
  host: string;
  port: number;
  /** The URL clients use, e.g. http://127.0.0.1:54321 (also the JWT issuer base). */
  publicUrl: string;
  /** HS256 secret for access tokens and API keys, as GOTRUE_JWT_SECRET / PGRST_JWT_SECRET. */
  jwtSecret: string;
  /**
   * Signs access tokens and verifies every caller's JWT (auth, REST, storage, realtime): the
   * secret, plus the asymmetric keys of HARMONY_JWT_SIGNING_KEYS_PATH ([auth] signing_keys_path).
   */
  jwtKeys: JwtKeys;
  /** Keys set explicitly (ANON_KEY, SERVICE_ROLE_KEY, PUBLISHABLE_KEY, SECRET_KEY); the rest are the CLI's. */
  apiKeys: Partial<ApiKeys>;
  jwtExpirySeconds: number;
  /** Password of the service roles (authenticator, supabase_auth_admin, …) in the database. */
  rolePassword: string;
  siteUrl: string;
  /** GOTRUE_MAILER_AUTOCONFIRM: sign-ups are confirmed at once (no mail server locally). */
  autoconfirm: boolean;
  disableSignup: boolean;
  maxBodyBytes: number;
  /** PGRST_DB_MAX_ROWS. */
  maxRows: number;
  /** PostgREST's exposed schemas; as the Supabase CLI, `storage` is not among them by default. */
  schemas: string[];
  /** PGRST_DB_EXTRA_SEARCH_PATH ([api] extra_search_path); Supabase's is public, extensions. */
  extraSearchPath: string[];
  storageDir: string;
  /**
   * Storage's global upload cap in bytes (FILE_SIZE_LIMIT, as the CLI passes [storage]
   * file_size_limit to storage-api); bucket limits may only lower it.
   */
  fileSizeLimit: number;
}

/**
 * The CLI's demo secret unless JWT_SECRET is set; refused where other machines can reach the
 * stack. Locally a secret needs the CLI's 16 characters; reachable from other machines, the
 * 32 that self-hosted Supabase asks for.
 */
function loadJwtSecret(env: NodeJS.ProcessEnv, host: string): string {
  if (env.JWT_SECRET) {
    const minimum = isLoopback(host) ? 16 : 32;
    if (env.JWT_SECRET.length < minimum) {
      throw new Error(
        isLoopback(host)
          ? 'JWT_SECRET ([auth] jwt_secret) must be at least 16 characters'
          : `JWT_SECRET must be at least 32 characters when HARMONY_STACK_HOST=${host} is reachable from other machines`,
      );
    }
    return env.JWT_SECRET;
  }
  if (!isLoopback(host)) {
    throw new Error(
      `HARMONY_STACK_HOST=${host} is reachable from other machines: set JWT_SECRET (and keys) instead of the public demo secret`,
    );
  }
  return DEMO_JWT_SECRET;
}

export const isLoopback = (host: string) =>
  host === 'localhost' || host === '::1' || (isIP(host) === 4 && host.startsWith('127.'));

const flag = (value: string | undefined, fallback: boolean) =>
  value === undefined ? fallback : ['1', 'true', 'yes', 'on'].includes(value.toLowerCase());

export function loadStackConfig(env: NodeJS.ProcessEnv = process.env): StackConfig {
  const root = repoRoot();
  const host = env.HARMONY_STACK_HOST ?? '127.0.0.1';
  const port = Number(env.HARMONY_STACK_PORT ?? 54321);
  const jwtSecret = loadJwtSecret(env, host);
  const signingKeysPath = env.HARMONY_JWT_SIGNING_KEYS_PATH;
  return {
    host,
    port,
    publicUrl: env.API_EXTERNAL_URL ?? `http://${host}:${port}`,
    jwtSecret,
    jwtKeys: new JwtKeys(jwtSecret, signingKeysPath ? loadSigningKeys(resolve(root, signingKeysPath)) : []),
    apiKeys: {
      anon: env.ANON_KEY,
      serviceRole: env.SERVICE_ROLE_KEY,
      publishable: env.PUBLISHABLE_KEY,
      secret: env.SECRET_KEY,
    },
    jwtExpirySeconds: Number(env.JWT_EXPIRY ?? 3600),
    rolePassword: env.HARMONY_DB_ROLE_PASSWORD ?? 'postgres',
    siteUrl: env.SITE_URL ?? 'http://127.0.0.1:5173',
    autoconfirm: flag(env.ENABLE_EMAIL_AUTOCONFIRM, true),
    disableSignup: flag(env.DISABLE_SIGNUP, false),
    maxBodyBytes: Number(env.HARMONY_MAX_BODY_BYTES ?? 1024 * 1024),
    maxRows: Number(env.PGRST_DB_MAX_ROWS ?? 1000),
    schemas: (env.PGRST_DB_SCHEMAS ?? 'public,graphql_public').split(',').map((s) => s.trim()),
    extraSearchPath: (env.PGRST_DB_EXTRA_SEARCH_PATH ?? 'public,extensions')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    storageDir: resolve(root, env.HARMONY_STORAGE_DIR ?? '.data/storage'),
    fileSizeLimit: Number(env.FILE_SIZE_LIMIT ?? 50 * 1024 * 1024),
  };
}
