/**
 * Every key the Supabase CLI's config.toml accepts (its config structs; `*` is a name the
 * project chooses, `**` anything below). A key outside this list is an error, as the CLI's
 * strict decoding makes it; a listed key the stack does not implement is accepted and reported.
 */
const CLI_KEYS = `
project_id
api.enabled api.port api.schemas api.extra_search_path api.max_rows api.auto_expose_new_tables api.external_url
api.tls.enabled api.tls.cert_path api.tls.key_path
db.port db.shadow_port db.health_timeout db.major_version db.root_key
db.pooler.enabled db.pooler.port db.pooler.pool_mode db.pooler.default_pool_size db.pooler.max_client_conn
db.migrations.enabled db.migrations.schema_paths db.seed.enabled db.seed.sql_paths
db.network_restrictions.enabled db.network_restrictions.allowed_cidrs db.network_restrictions.allowed_cidrs_v6
db.ssl_enforcement.enabled db.vault.*
realtime.enabled realtime.ip_version realtime.max_header_length
studio.enabled studio.port studio.api_url studio.openai_api_key
inbucket.enabled inbucket.port inbucket.smtp_port inbucket.pop3_port inbucket.admin_email inbucket.sender_name
storage.enabled storage.file_size_limit storage.image_transformation.enabled storage.s3_protocol.enabled
storage.buckets.*.public storage.buckets.*.file_size_limit storage.buckets.*.allowed_mime_types storage.buckets.*.objects_path
storage.analytics.enabled storage.analytics.max_namespaces storage.analytics.max_tables storage.analytics.max_catalogs
storage.analytics.buckets.** storage.vector.enabled storage.vector.max_buckets storage.vector.max_indexes storage.vector.buckets.**
auth.enabled auth.site_url auth.external_url auth.additional_redirect_urls auth.jwt_expiry auth.jwt_issuer
auth.enable_refresh_token_rotation auth.refresh_token_reuse_interval auth.enable_manual_linking auth.enable_signup
auth.enable_anonymous_sign_ins auth.minimum_password_length auth.password_requirements auth.signing_keys_path
auth.publishable_key auth.secret_key auth.jwt_secret auth.anon_key auth.service_role_key
auth.passkey.enabled auth.webauthn.rp_display_name auth.webauthn.rp_id auth.webauthn.rp_origins
auth.rate_limit.anonymous_users auth.rate_limit.token_refresh auth.rate_limit.sign_in_sign_ups
auth.rate_limit.token_verifications auth.rate_limit.email_sent auth.rate_limit.sms_sent auth.rate_limit.web3
auth.captcha.enabled auth.captcha.provider auth.captcha.secret
auth.hook.*.enabled auth.hook.*.uri auth.hook.*.secrets
auth.mfa.max_enrolled_factors auth.mfa.totp.enroll_enabled auth.mfa.totp.verify_enabled
auth.mfa.phone.enroll_enabled auth.mfa.phone.verify_enabled auth.mfa.phone.otp_length auth.mfa.phone.template
auth.mfa.phone.max_frequency auth.mfa.web_authn.enroll_enabled auth.mfa.web_authn.verify_enabled
auth.sessions.timebox auth.sessions.inactivity_timeout
auth.email.enable_signup auth.email.double_confirm_changes auth.email.enable_confirmations
auth.email.secure_password_change auth.email.max_frequency auth.email.otp_length auth.email.otp_expiry
auth.email.template.*.subject auth.email.template.*.content auth.email.template.*.content_path
auth.email.notification.*.enabled auth.email.notification.*.subject auth.email.notification.*.content
auth.email.notification.*.content_path auth.email.smtp.enabled auth.email.smtp.host auth.email.smtp.port
auth.email.smtp.user auth.email.smtp.pass auth.email.smtp.admin_email auth.email.smtp.sender_name
auth.sms.enable_signup auth.sms.enable_confirmations auth.sms.template auth.sms.max_frequency auth.sms.test_otp.*
auth.sms.*.enabled auth.sms.*.account_sid auth.sms.*.message_service_sid auth.sms.*.auth_token
auth.sms.*.originator auth.sms.*.access_key auth.sms.*.sender auth.sms.*.api_key auth.sms.*.from auth.sms.*.api_secret
auth.external.*.enabled auth.external.*.client_id auth.external.*.secret auth.external.*.url
auth.external.*.redirect_uri auth.external.*.skip_nonce_check auth.external.*.email_optional
auth.web3.*.enabled auth.third_party.** auth.oauth_server.**
edge_runtime.enabled edge_runtime.policy edge_runtime.inspector_port edge_runtime.deno_version edge_runtime.secrets.*
functions.*.enabled functions.*.verify_jwt functions.*.import_map functions.*.entrypoint functions.*.static
analytics.enabled analytics.port analytics.backend analytics.vector_port analytics.gcp_project_id
analytics.gcp_project_number analytics.gcp_jwt_path
experimental.** remotes.**
`
  .split(/\s+/)
  .filter(Boolean);

const matches = (pattern: string[], path: string[]): boolean => {
  if (pattern[0] === '**') return path.length > 0;
  if (!pattern.length || !path.length) return pattern.length === path.length;
  return (pattern[0] === '*' || pattern[0] === path[0]) && matches(pattern.slice(1), path.slice(1));
};

const PATTERNS = CLI_KEYS.map((key) => key.split('.'));

/** Whether the CLI accepts this leaf key (given as its path segments). */
export const isCliKey = (path: string[]): boolean => PATTERNS.some((pattern) => matches(pattern, path));
