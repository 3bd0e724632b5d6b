import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadAuthConfig } from '../../src/auth/config.js';
import { loadProjectConfig } from '../../src/config/project-config.js';
import { loadStackConfig } from '../../src/config.js';
import { renderTemplate } from '../../src/mail/templates.js';

const dir = mkdtempSync(join(tmpdir(), 'harmony-email-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A project as the CLI lays it out: supabase/config.toml, templates under supabase/templates. */
function project(toml: string) {
  const supabase = join(dir, `p${Math.random().toString(36).slice(2)}`, 'supabase');
  mkdirSync(join(supabase, 'templates'), { recursive: true });
  writeFileSync(
    join(supabase, 'templates', 'recovery.html'),
    '<p>Reset {{ .Email }}: {{ .ConfirmationURL }}</p>',
  );
  writeFileSync(join(supabase, 'config.toml'), toml);
  return loadProjectConfig(join(supabase, 'config.toml'), {});
}

describe('config.toml: mail', () => {
  it('maps [auth.email.smtp], [auth.email] and the templates to GoTrue variables', () => {
    const loaded = project(`
[inbucket]
enabled = true
port = 64324
smtp_port = 64325
[auth.rate_limit]
email_sent = 5
token_verifications = 7
[auth.email]
double_confirm_changes = false
secure_password_change = true
max_frequency = "60s"
otp_length = 8
otp_expiry = 600
[auth.email.smtp]
enabled = true
host = "smtp.example.com"
port = 587
user = "apikey"
pass = "secret"
admin_email = "noreply@example.com"
sender_name = "Harmony"
[auth.email.template.recovery]
subject = "Reset your Harmony password"
content_path = "./supabase/templates/recovery.html"
[auth.email.template.magic_link]
content_path = "./templates/recovery.html"
`);
    expect(loaded?.env).toMatchObject({
      HARMONY_INBOX_ENABLED: 'true',
      HARMONY_INBOX_PORT: '64324',
      HARMONY_INBOX_SMTP_PORT: '64325',
      HARMONY_AUTH_RATE_LIMIT_EMAIL_SENT: '5',
      HARMONY_AUTH_RATE_LIMIT_TOKEN_VERIFICATIONS: '7',
      GOTRUE_MAILER_SECURE_EMAIL_CHANGE_ENABLED: 'false',
      GOTRUE_SECURITY_UPDATE_PASSWORD_REQUIRE_REAUTHENTICATION: 'true',
      GOTRUE_SMTP_MAX_FREQUENCY: '60s',
      GOTRUE_MAILER_OTP_LENGTH: '8',
      GOTRUE_MAILER_OTP_EXP: '600',
      GOTRUE_SMTP_HOST: 'smtp.example.com',
      GOTRUE_SMTP_PORT: '587',
      GOTRUE_SMTP_USER: 'apikey',
      GOTRUE_SMTP_PASS: 'secret',
      GOTRUE_SMTP_ADMIN_EMAIL: 'noreply@example.com',
      GOTRUE_SMTP_SENDER_NAME: 'Harmony',
      GOTRUE_MAILER_SUBJECTS_RECOVERY: 'Reset your Harmony password',
    });
    expect(loaded?.env.HARMONY_MAILER_TEMPLATES_RECOVERY_PATH).toMatch(
      /supabase\/templates\/recovery\.html$/,
    );
    expect(loaded?.env.HARMONY_MAILER_TEMPLATES_MAGIC_LINK_PATH).toBe(
      loaded?.env.HARMONY_MAILER_TEMPLATES_RECOVERY_PATH,
    );
    expect(loaded?.ignored).toEqual([]);

    const auth = loadAuthConfig(loadStackConfig({}), loaded?.env);
    expect(auth.email).toMatchObject({
      otpLength: 8,
      otpExpiry: 600,
      maxFrequency: 60,
      secureEmailChange: false,
      passwordChangeNeedsReauthentication: true,
      smtp: { host: 'smtp.example.com', port: 587, adminEmail: 'noreply@example.com', senderName: 'Harmony' },
    });
    expect(auth.rateLimits.emailSent.limit).toBe(5);
    const recovery = auth.email.templates.recovery;
    expect(recovery.subject).toBe('Reset your Harmony password');
    expect(
      renderTemplate(recovery.body, { Email: 'a<b>@x.io', ConfirmationURL: 'http://x/?a=1&b=2' }, true),
    ).toBe('<p>Reset a&#60;b&#62;@x.io: http://x/?a=1&#38;b=2</p>');
    expect(auth.email.templates.confirmation.subject).toBe('Confirm your email address');
  });

  it('without [auth.email.smtp] sends from the inbox sender, and email_sent does not apply (as the CLI)', () => {
    const loaded = project(`
[inbucket]
admin_email = "admin@harmony.test"
sender_name = "Harmony dev"
[auth.rate_limit]
email_sent = 2
`);
    expect(loaded?.env).toMatchObject({
      GOTRUE_SMTP_ADMIN_EMAIL: 'admin@harmony.test',
      GOTRUE_SMTP_SENDER_NAME: 'Harmony dev',
    });
    expect(loaded?.env.GOTRUE_SMTP_HOST).toBeUndefined();
    expect(loaded?.env.HARMONY_AUTH_RATE_LIMIT_EMAIL_SENT).toBeUndefined();
    expect(loaded?.ignored.join('\n')).toMatch(
      /:6: auth\.rate_limit\.email_sent: applies only with \[auth\.email\.smtp\]/,
    );
  });

  it('refuses a malformed max_frequency and reports an unknown template', () => {
    expect(() => project('[auth.email]\nmax_frequency = "soon"\n')).toThrow(
      /config\.toml:2: auth\.email\.max_frequency: expected a duration/,
    );
    const loaded = project('[auth.email.template.welcome]\nsubject = "Hi"\n');
    expect(loaded?.ignored.join('\n')).toMatch(/auth\.email\.template\.welcome: unknown template/);
  });

  it('stops with the file named when a template file is missing', () => {
    const loaded = project('[auth.email.template.invite]\ncontent_path = "./templates/missing.html"\n');
    expect(() => loadAuthConfig(loadStackConfig({}), loaded?.env)).toThrow(
      /\[auth\.email\.template\.invite\] content_path: cannot read .*missing\.html/,
    );
  });
});
