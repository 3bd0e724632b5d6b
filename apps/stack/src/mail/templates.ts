import { readFileSync } from 'node:fs';

/** GoTrue's mail template types, named as config.toml's [auth.email.template.<kind>] tables. */
export const MAIL_KINDS = [
  'confirmation',
  'invite',
  'magic_link',
  'recovery',
  'email_change',
  'reauthentication',
] as const;
export type MailKind = (typeof MAIL_KINDS)[number];

/** GoTrue's default subjects (internal/mailer/templatemailer). */
const DEFAULT_SUBJECTS: Record<MailKind, string> = {
  confirmation: 'Confirm your email address',
  invite: "You've been invited",
  magic_link: 'Your sign-in link',
  recovery: 'Reset your password',
  email_change: 'Confirm your new email address',
  reauthentication: '{{ .Token }} is your verification code',
};

const link = (label: string) => `<p><a href="{{ .ConfirmationURL }}">${label}</a></p>`;
const code = '<p>Or enter this code: <strong>{{ .Token }}</strong></p>';

/** Bodies with the variables GoTrue's defaults use, plus the one-time code. */
const DEFAULT_BODIES: Record<MailKind, string> = {
  confirmation: `<h2>Confirm your email address</h2>
<p>Open the link below to confirm {{ .Email }} and finish signing up.</p>
${link('Confirm email address')}
${code}`,
  invite: `<h2>You've been invited</h2>
<p>You have been invited to create an account on {{ .SiteURL }}. Open the link below to accept.</p>
${link('Accept invitation')}
${code}`,
  magic_link: `<h2>Your sign-in link</h2>
<p>Open the link below to sign in. It works once and expires soon.</p>
${link('Sign in')}
${code}`,
  recovery: `<h2>Reset your password</h2>
<p>Someone asked to reset the password of {{ .Email }}. Open the link below to choose a new one.</p>
${link('Reset password')}
${code}
<p>If it was not you, ignore this email.</p>`,
  email_change: `<h2>Confirm your new email address</h2>
<p>Open the link below to change the address of your account from {{ .Email }} to {{ .NewEmail }}.</p>
${link('Confirm email change')}
${code}
<p>If you did not ask for this change, ignore this email.</p>`,
  reauthentication: `<h2>Your verification code</h2>
<p>Enter this code to confirm it is you: <strong>{{ .Token }}</strong></p>
<p>It expires soon.</p>`,
};

export interface MailTemplate {
  subject: string;
  body: string;
}

export type MailTemplates = Record<MailKind, MailTemplate>;

/** Values a template may use: GoTrue's names ({{ .ConfirmationURL }}, {{ .Data.name }}, …). */
export type TemplateData = Record<string, string | Record<string, unknown> | undefined>;

/**
 * The templates: GoTrue's defaults, each subject or body replaced by GOTRUE_MAILER_SUBJECTS_<KIND>,
 * and each body by HARMONY_MAILER_TEMPLATES_<KIND>_PATH (a file, read once at start) or
 * GOTRUE_MAILER_TEMPLATES_<KIND>_CONTENT.
 */
export function loadMailTemplates(env: NodeJS.ProcessEnv): MailTemplates {
  const entries = MAIL_KINDS.map((kind) => {
    const name = kind.toUpperCase();
    const path = env[`HARMONY_MAILER_TEMPLATES_${name}_PATH`];
    let body = env[`GOTRUE_MAILER_TEMPLATES_${name}_CONTENT`] || DEFAULT_BODIES[kind];
    if (path) {
      try {
        body = readFileSync(path, 'utf8');
      } catch (error) {
        throw new Error(
          `[auth.email.template.${kind}] content_path: cannot read ${path}: ${(error as Error).message}`,
        );
      }
    }
    return [kind, { subject: env[`GOTRUE_MAILER_SUBJECTS_${name}`] || DEFAULT_SUBJECTS[kind], body }];
  });
  return Object.fromEntries(entries) as MailTemplates;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function lookup(data: TemplateData, path: string[]): string {
  let value: unknown = data;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return '';
    value = (value as Record<string, unknown>)[key];
  }
  if (value === undefined || value === null) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/**
 * Go template field references ({{ .Name }}, {{ .Data.key }}), the part of text/template that
 * mail templates use. Values are HTML-escaped in bodies, as html/template does.
 */
export function renderTemplate(template: string, data: TemplateData, html: boolean): string {
  return template.replace(/\{\{-?\s*\.([A-Za-z_][\w.]*)\s*-?\}\}/g, (_, path: string) => {
    const value = lookup(data, path.split('.'));
    return html ? escapeHtml(value) : value;
  });
}
