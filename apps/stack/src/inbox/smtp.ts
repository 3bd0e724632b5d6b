import { type AddressObject, simpleParser } from 'mailparser';
import type { Logger } from 'pino';
import { SMTPServer } from 'smtp-server';
import type { MailStore } from './store.js';

const MAX_MESSAGE_BYTES = 10 * 1024 * 1024;

/** Each address as Inbucket lists it: `<a@b>`, or `Name <a@b>`. */
const addresses = (field: AddressObject | AddressObject[] | undefined) =>
  (Array.isArray(field) ? field : field ? [field] : [])
    .flatMap((group) => group.value)
    .map(({ name, address }) => (name ? `${name} <${address}>` : `<${address}>`));

/**
 * The inbox's SMTP side: accepts every message for every recipient (any credentials, no TLS,
 * like Inbucket and Mailpit) and stores it parsed.
 */
export function createSmtpServer(store: MailStore, log: Logger): SMTPServer {
  return new SMTPServer({
    authOptional: true,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    size: MAX_MESSAGE_BYTES,
    logger: false,
    onAuth: (auth, _session, callback) => callback(null, { user: auth.username ?? 'inbox' }),
    onData: (stream, session, callback) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if (stream.sizeExceeded) {
          callback(Object.assign(new Error('Message exceeds the inbox size limit'), { responseCode: 552 }));
          return;
        }
        const raw = Buffer.concat(chunks);
        simpleParser(raw)
          .then((parsed) => {
            const headers: Record<string, string[]> = {};
            for (const line of parsed.headerLines) {
              const value = line.line.slice(line.line.indexOf(':') + 1).trim();
              headers[line.key] = [...(headers[line.key] ?? []), value];
            }
            const stored = store.add(raw, {
              recipients: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
              from: parsed.from?.text ?? (session.envelope.mailFrom ? session.envelope.mailFrom.address : ''),
              to: addresses(parsed.to),
              subject: parsed.subject ?? '',
              date: (parsed.date ?? new Date()).toISOString(),
              text: parsed.text ?? '',
              html: typeof parsed.html === 'string' ? parsed.html : '',
              headers,
            });
            log.debug(
              { id: stored.id, to: stored.recipients, subject: stored.subject },
              'inbox: mail received',
            );
            callback();
          })
          .catch((error: unknown) => {
            log.warn({ err: error }, 'inbox: unreadable message');
            callback(Object.assign(new Error('Message could not be parsed'), { responseCode: 554 }));
          });
      });
    },
  });
}
