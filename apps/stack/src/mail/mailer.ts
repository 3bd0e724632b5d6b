import nodemailer from 'nodemailer';
import type { Logger } from 'pino';
import { type MailKind, type MailTemplates, renderTemplate, type TemplateData } from './templates.js';

/** GoTrue's SMTP settings (GOTRUE_SMTP_*), from [auth.email.smtp] or the local inbox. */
export interface SmtpSettings {
  host: string;
  port: number;
  user: string;
  pass: string;
  /** The sender address (GOTRUE_SMTP_ADMIN_EMAIL). */
  adminEmail: string;
  senderName: string;
}

export interface Mailer {
  /** Renders `kind` for `data` and hands it to the SMTP server; rejects when the server refuses it. */
  send(to: string, kind: MailKind, data: TemplateData): Promise<void>;
}

export function smtpFromEnv(env: NodeJS.ProcessEnv): SmtpSettings | undefined {
  if (!env.GOTRUE_SMTP_HOST) return undefined;
  return {
    host: env.GOTRUE_SMTP_HOST,
    port: Number(env.GOTRUE_SMTP_PORT ?? 587),
    user: env.GOTRUE_SMTP_USER ?? '',
    pass: env.GOTRUE_SMTP_PASS ?? '',
    adminEmail: env.GOTRUE_SMTP_ADMIN_EMAIL || 'admin@email.com',
    senderName: env.GOTRUE_SMTP_SENDER_NAME ?? '',
  };
}

/**
 * Sends auth mail over SMTP with nodemailer. Without an SMTP host mail is only logged, as
 * GoTrue's no-op mailer drops it.
 */
export function createMailer(smtp: SmtpSettings | undefined, templates: MailTemplates, log: Logger): Mailer {
  if (!smtp) {
    return {
      send: async (to, kind) => log.debug({ to, kind }, 'mail: no SMTP server configured, not sent'),
    };
  }
  const transport = nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    // Port 465 speaks TLS from the first byte; others upgrade with STARTTLS when offered.
    secure: smtp.port === 465,
    auth: smtp.user ? { user: smtp.user, pass: smtp.pass } : undefined,
  });
  const from = smtp.senderName ? { name: smtp.senderName, address: smtp.adminEmail } : smtp.adminEmail;
  return {
    send: async (to, kind, data) => {
      const template = templates[kind];
      await transport.sendMail({
        from,
        to,
        subject: renderTemplate(template.subject, data, false),
        html: renderTemplate(template.body, data, true),
      });
    },
  };
}
