import { z } from 'zod';
import { parseAllowedHosts, type Resolver } from './net/outbound.js';

/** The HTTP port of /health and /ready; next to the local stack's ports (54321–54329). */
export const DEFAULT_PORT = 54330;

export interface VapidKeys {
  publicKey: string;
  privateKey: string;
  /** `mailto:` or `https:` contact the push services may use (RFC 8292). */
  subject: string;
}

export interface ServerConfig {
  /** Connects as harmony_server (never a superuser). */
  databaseUrl: string;
  host: string;
  port: number;
  /** Jobs run at once by this replica. */
  concurrency: number;
  /** Whether this replica also schedules the crontab's jobs (any replica may; each runs once). */
  scheduledJobs: boolean;
  logLevel: string;
  /** Without keys, send-push jobs fail (and retry) with a clear error. */
  vapid: VapidKeys | null;
  /** A device whose tab sent a heartbeat this recently gets no push. */
  pushActiveWindowSeconds: number;
  /** Let push endpoints be plain http and private addresses: local push servers in tests/dev only. */
  pushAllowPrivateEndpoints: boolean;
  /** How long a push waits for the push service. */
  pushTimeoutMs: number;
  /** Profiles with no heartbeat for this long are shown offline. */
  presenceStaleMinutes: number;
  /**
   * Non-public "address:port" pairs outbound requests may reach anyway (a local test site for
   * link previews; OUTBOUND_ALLOWED_HOSTS). Empty by default: never set it in production.
   */
  outboundAllowedHosts: ReadonlySet<string>;
  /** How names become addresses for outbound requests: the system's, unless a test injects one. */
  outboundResolver?: Resolver;
  /** The whole fetch of one link preview's page (and of its image). */
  previewTimeoutMs: number;
  /** Pages fetched from one host per minute, across replicas. */
  previewFetchesPerHostPerMinute: number;
  /** ActivityPub federation; off (null) unless FEDERATION_ORIGIN is set. */
  federation?: FederationConfig | null;
  /** Supabase's API and service role key (SUPABASE_URL, SUPABASE_SERVICE_ROLE_KEY): bot sign-in needs them. */
  supabase?: SupabaseAdmin | null;
}

export interface SupabaseAdmin {
  url: string;
  serviceRoleKey: string;
}

export interface FederationConfig {
  /** The instance's public web origin (`https://chat.example.org`): actor ids and WebFinger use it. */
  origin: string;
  /**
   * Reach other instances over plain http on loopback/private addresses: two local instances in
   * tests and development only. Never in production (it turns off the private-address guard).
   */
  allowPrivateAddresses: boolean;
  /** Inbox posts larger than this are refused (413). */
  maxInboxBytes: number;
  /** How long an outgoing fetch or delivery waits. */
  timeoutMs: number;
}

const flag = z
  .enum(['true', 'false', '1', '0', ''])
  .optional()
  .transform((value) => value === 'true' || value === '1');
const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const EnvSchema = z.object({
  HARMONY_SERVER_DATABASE_URL: z.string().url(),
  HARMONY_SERVER_HOST: z.string().default('127.0.0.1'),
  HARMONY_SERVER_PORT: z.coerce.number().int().min(0).max(65535).default(DEFAULT_PORT),
  HARMONY_SERVER_CONCURRENCY: positiveInt(10),
  HARMONY_SERVER_SCHEDULED_JOBS: z.enum(['true', 'false']).default('true'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  VAPID_PUBLIC_KEY: z.string().optional(),
  VAPID_PRIVATE_KEY: z.string().optional(),
  VAPID_SUBJECT: z.string().default('mailto:admin@localhost'),
  PUSH_ACTIVE_WINDOW_SECONDS: positiveInt(90),
  PUSH_ALLOW_PRIVATE_ENDPOINTS: flag,
  PUSH_TIMEOUT_MS: positiveInt(10_000),
  PRESENCE_STALE_MINUTES: positiveInt(10),
  OUTBOUND_ALLOWED_HOSTS: z.string().optional(),
  PREVIEW_TIMEOUT_MS: positiveInt(8_000),
  PREVIEW_FETCHES_PER_HOST_PER_MINUTE: positiveInt(30),
  // Empty (as compose passes an unset variable) leaves federation off.
  FEDERATION_ORIGIN: z.union([z.literal(''), z.string().url()]).optional(),
  FEDERATION_ALLOW_PRIVATE_ADDRESSES: flag,
  FEDERATION_MAX_INBOX_BYTES: positiveInt(256 * 1024),
  FEDERATION_TIMEOUT_MS: positiveInt(10_000),
  SUPABASE_URL: z.union([z.literal(''), z.string().url()]).optional(),
  SUPABASE_SERVICE_ROLE_KEY: z.string().optional(),
});

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadServerConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`apps/server configuration: ${problems.join('; ')}`);
  }
  const e = parsed.data;
  if (Boolean(e.SUPABASE_URL) !== Boolean(e.SUPABASE_SERVICE_ROLE_KEY)) {
    throw new ConfigError('SUPABASE_URL and SUPABASE_SERVICE_ROLE_KEY are set together');
  }
  if (Boolean(e.VAPID_PUBLIC_KEY) !== Boolean(e.VAPID_PRIVATE_KEY)) {
    throw new ConfigError('VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY are set together (pnpm keys makes both)');
  }
  return {
    supabase:
      e.SUPABASE_URL && e.SUPABASE_SERVICE_ROLE_KEY
        ? { url: e.SUPABASE_URL.replace(/\/+$/, ''), serviceRoleKey: e.SUPABASE_SERVICE_ROLE_KEY }
        : null,
    databaseUrl: e.HARMONY_SERVER_DATABASE_URL,
    host: e.HARMONY_SERVER_HOST,
    port: e.HARMONY_SERVER_PORT,
    concurrency: e.HARMONY_SERVER_CONCURRENCY,
    scheduledJobs: e.HARMONY_SERVER_SCHEDULED_JOBS === 'true',
    logLevel: e.LOG_LEVEL,
    vapid:
      e.VAPID_PUBLIC_KEY && e.VAPID_PRIVATE_KEY
        ? { publicKey: e.VAPID_PUBLIC_KEY, privateKey: e.VAPID_PRIVATE_KEY, subject: e.VAPID_SUBJECT }
        : null,
    pushActiveWindowSeconds: e.PUSH_ACTIVE_WINDOW_SECONDS,
    pushAllowPrivateEndpoints: e.PUSH_ALLOW_PRIVATE_ENDPOINTS,
    pushTimeoutMs: e.PUSH_TIMEOUT_MS,
    presenceStaleMinutes: e.PRESENCE_STALE_MINUTES,
    outboundAllowedHosts: parseAllowedHosts(e.OUTBOUND_ALLOWED_HOSTS),
    previewTimeoutMs: e.PREVIEW_TIMEOUT_MS,
    previewFetchesPerHostPerMinute: e.PREVIEW_FETCHES_PER_HOST_PER_MINUTE,
    federation: e.FEDERATION_ORIGIN
      ? {
          origin: new URL(e.FEDERATION_ORIGIN).origin,
          allowPrivateAddresses: e.FEDERATION_ALLOW_PRIVATE_ADDRESSES,
          maxInboxBytes: e.FEDERATION_MAX_INBOX_BYTES,
          timeoutMs: e.FEDERATION_TIMEOUT_MS,
        }
      : null,
  };
}
