import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { MAIL_KINDS, type MailKind } from '../mail/templates.js';
import type { ProjectToml } from './schema.js';

/** The [auth.email.smtp], [auth.email.template.*] and [inbucket] sender keys, as GoTrue's variables. */
export interface EmailSettings {
  env: Record<string, string>;
  /** Keys this module decides about (applied, or reported through `ignored`). */
  handles(path: string[]): boolean;
  ignored: Array<[path: string[], why: string]>;
}

/**
 * A template file as written in config.toml: relative to the supabase/ directory, or (as the
 * CLI's template writes it, "./supabase/templates/…") to the project directory above it.
 */
function templatePath(value: string, configDir: string): string {
  const inSupabase = resolve(configDir, value);
  return existsSync(inSupabase) ? inSupabase : resolve(dirname(configDir), value);
}

/**
 * Mail settings as the CLI hands them to GoTrue: an enabled [auth.email.smtp] is the mail server
 * (and only then does [auth.rate_limit] email_sent apply); without one, mail goes to the local
 * inbox from [inbucket] admin_email / sender_name.
 */
export function emailSettings(config: ProjectToml, configDir: string): EmailSettings {
  const env: Record<string, string> = {};
  const ignored: EmailSettings['ignored'] = [];
  const smtp = config.auth?.email?.smtp;
  const inbucket = config.inbucket ?? {};
  if (smtp && smtp.enabled !== false) {
    const set = (name: string, value: string | number | undefined) => {
      if (value !== undefined) env[`GOTRUE_SMTP_${name}`] = String(value);
    };
    set('HOST', smtp.host);
    set('PORT', smtp.port);
    set('USER', smtp.user);
    set('PASS', smtp.pass);
    set('ADMIN_EMAIL', smtp.admin_email);
    set('SENDER_NAME', smtp.sender_name);
    const emailSent = config.auth?.rate_limit?.email_sent;
    if (emailSent !== undefined) env.HARMONY_AUTH_RATE_LIMIT_EMAIL_SENT = String(emailSent);
  } else {
    if (inbucket.admin_email) env.GOTRUE_SMTP_ADMIN_EMAIL = inbucket.admin_email;
    if (inbucket.sender_name) env.GOTRUE_SMTP_SENDER_NAME = inbucket.sender_name;
    if (config.auth?.rate_limit?.email_sent !== undefined) {
      ignored.push([
        ['auth', 'rate_limit', 'email_sent'],
        'applies only with [auth.email.smtp], as in the CLI',
      ]);
    }
  }
  for (const [kind, template] of Object.entries(config.auth?.email?.template ?? {})) {
    if (!MAIL_KINDS.includes(kind as MailKind)) {
      ignored.push([
        ['auth', 'email', 'template', kind],
        `unknown template (one of ${MAIL_KINDS.join(', ')})`,
      ]);
      continue;
    }
    const name = kind.toUpperCase();
    if (template.subject) env[`GOTRUE_MAILER_SUBJECTS_${name}`] = template.subject;
    if (template.content) env[`GOTRUE_MAILER_TEMPLATES_${name}_CONTENT`] = template.content;
    if (template.content_path) {
      env[`HARMONY_MAILER_TEMPLATES_${name}_PATH`] = templatePath(template.content_path, configDir);
    }
  }
  if (inbucket.pop3_port !== undefined)
    ignored.push([['inbucket', 'pop3_port'], 'the inbox has no POP3 server']);
  const handles = (path: string[]) => {
    const key = path.join('.');
    return (
      key.startsWith('auth.email.smtp.') ||
      key.startsWith('auth.email.template.') ||
      [
        'auth.rate_limit.email_sent',
        'inbucket.admin_email',
        'inbucket.sender_name',
        'inbucket.pop3_port',
      ].includes(key)
    );
  };
  return { env, handles, ignored };
}
