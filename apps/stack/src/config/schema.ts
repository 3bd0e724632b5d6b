import { z } from 'zod';

// The CLI decodes weakly: env(NAME) yields a string, which may fill a number or boolean field.
const int = z.preprocess(
  (value) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value),
  z.number().int().min(0),
);
const port = z.preprocess(
  (value) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value),
  z.number().int().min(1).max(65_535),
);
const bool = z.preprocess(
  (value) => (value === 'true' ? true : value === 'false' ? false : value),
  z.boolean(),
);
const strings = z.array(z.string());

const SIZE_UNITS: Record<string, number> = {
  b: 1,
  kb: 1e3,
  kib: 1024,
  mb: 1e6,
  mib: 1024 ** 2,
  gb: 1e9,
  gib: 1024 ** 3,
};
const parseSize = (value: string) => {
  const [, n, unit] = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(value.trim()) ?? [];
  const factor = SIZE_UNITS[(unit || 'b').toLowerCase()];
  return n && factor ? Math.round(Number(n) * factor) : value;
};
/** A size as the CLI writes it ("50MiB", "512KiB") or a number of bytes, in bytes. */
const size = z.preprocess(
  (value) => (typeof value === 'string' ? parseSize(value) : value),
  z.number({ error: 'expected a size such as "50MiB" or a number of bytes' }).int().min(0),
);
const switches = z.object({ enroll_enabled: bool, verify_enabled: bool }).partial();

/**
 * The config.toml keys the stack reads, with their types. Other keys the CLI knows are
 * checked against cli-keys.ts only.
 */
export const projectSchema = z
  .object({
    api: z
      .object({ enabled: bool, port, schemas: strings, extra_search_path: strings, max_rows: int })
      .partial(),
    db: z.object({ port }).partial(),
    realtime: z.object({ enabled: bool }).partial(),
    studio: z.object({ enabled: bool, port }).partial(),
    inbucket: z.object({ enabled: bool, port, smtp_port: port, pop3_port: port }).partial(),
    storage: z.object({ enabled: bool, file_size_limit: size }).partial(),
    auth: z
      .object({
        enabled: bool,
        site_url: z.string(),
        additional_redirect_urls: strings,
        jwt_expiry: int,
        enable_refresh_token_rotation: bool,
        refresh_token_reuse_interval: int,
        enable_signup: bool,
        enable_anonymous_sign_ins: bool,
        enable_manual_linking: bool,
        minimum_password_length: int,
        jwt_secret: z.string(),
        signing_keys_path: z.string(),
        anon_key: z.string(),
        service_role_key: z.string(),
        publishable_key: z.string(),
        secret_key: z.string(),
        rate_limit: z.object({ sign_in_sign_ups: int, token_refresh: int, anonymous_users: int }).partial(),
        email: z
          .object({
            enable_signup: bool,
            enable_confirmations: bool,
            double_confirm_changes: bool,
            secure_password_change: bool,
          })
          .partial(),
        mfa: z
          .object({ max_enrolled_factors: int, totp: switches, phone: switches, web_authn: switches })
          .partial(),
        external: z.record(
          z.string(),
          z
            .object({
              enabled: bool,
              client_id: z.string(),
              secret: z.string(),
              url: z.string(),
              redirect_uri: z.string(),
              skip_nonce_check: bool,
            })
            .partial(),
        ),
      })
      .partial(),
  })
  .partial();

export type ProjectToml = z.infer<typeof projectSchema>;
