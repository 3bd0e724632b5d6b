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

/**
 * The CLI's sizeInBytes (docker/go-units RAMInBytes): every unit is binary, so "5MB" and
 * "5MiB" are both 5 MiB; "k", "m", "g", "t", "p" with optional "i" and "b", or a plain number.
 */
const POWERS_OF_1024: Record<string, number> = { '': 0, k: 1, m: 2, g: 3, t: 4, p: 5 };
const parseSize = (value: string) => {
  const [, n, unit = ''] = /^(\d+(?:\.\d+)?) ?([kmgtp])?i?b?$/i.exec(value) ?? [];
  return n ? Math.trunc(Number(n) * 1024 ** (POWERS_OF_1024[unit.toLowerCase()] ?? 0)) : value;
};
/** A size as the CLI writes it ("50MiB", "512KiB", "5MB") or a number of bytes, in bytes. */
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
    inbucket: z
      .object({
        enabled: bool,
        port,
        smtp_port: port,
        pop3_port: port,
        admin_email: z.string(),
        sender_name: z.string(),
      })
      .partial(),
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
        // The CLI refuses a shorter secret ("Must be at least 16 characters") and accepts 16 to 31.
        jwt_secret: z
          .string()
          .min(16, { error: 'must be at least 16 characters, as the Supabase CLI requires' }),
        signing_keys_path: z.string(),
        anon_key: z.string(),
        service_role_key: z.string(),
        publishable_key: z.string(),
        secret_key: z.string(),
        rate_limit: z
          .object({
            sign_in_sign_ups: int,
            token_refresh: int,
            anonymous_users: int,
            token_verifications: int,
            email_sent: int,
          })
          .partial(),
        email: z
          .object({
            enable_signup: bool,
            enable_confirmations: bool,
            double_confirm_changes: bool,
            secure_password_change: bool,
            max_frequency: z.string().regex(/^(\d+(\.\d+)?(ms|s|m|h))+$/, {
              error: 'expected a duration such as "1s", "60s" or "1m"',
            }),
            otp_length: int,
            otp_expiry: int,
            template: z.record(
              z.string(),
              z.object({ subject: z.string(), content: z.string(), content_path: z.string() }).partial(),
            ),
            smtp: z
              .object({
                enabled: bool,
                host: z.string(),
                port,
                user: z.string(),
                pass: z.string(),
                admin_email: z.string(),
                sender_name: z.string(),
              })
              .partial(),
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
