import type { AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { serve } from '@hono/node-server';
import type { Logger } from 'pino';
import { createSmtpServer } from './smtp.js';
import { MailStore } from './store.js';
import { createInboxApp } from './web.js';

export interface InboxOptions {
  host: string;
  /** [inbucket] smtp_port (54325); 0 picks a free port. */
  smtpPort: number;
  /** [inbucket] port (54324); 0 picks a free port. */
  webPort: number;
  /** Where mail is kept across restarts. */
  dir: string;
  log: Logger;
}

export interface RunningInbox {
  smtpPort: number;
  url: string;
  store: MailStore;
  stop(): Promise<void>;
}

const inUse = (what: string, port: number, key: string) =>
  new Error(
    `${what} port ${port} is already in use (is \`supabase start\` running?); set [inbucket] ${key} in supabase/config.toml`,
  );

/** The local inbox, as the CLI's Inbucket/Mailpit: an SMTP server and a web UI with a JSON API. */
export async function startInbox(options: InboxOptions): Promise<RunningInbox> {
  const store = new MailStore(options.dir);
  const smtp = createSmtpServer(store, options.log);
  await new Promise<void>((resolve, reject) => {
    smtp.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? inUse('SMTP', options.smtpPort, 'smtp_port') : error),
    );
    smtp.listen(options.smtpPort, options.host, () => resolve());
  });
  smtp.on('error', (error) => options.log.warn({ err: error }, 'inbox: SMTP error'));
  const web = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve(
      { fetch: createInboxApp(store, options.host).fetch, port: options.webPort, hostname: options.host },
      () => resolve(s),
    );
    s.once('error', (error: NodeJS.ErrnoException) => {
      smtp.close(() => {});
      reject(error.code === 'EADDRINUSE' ? inUse('Inbox web', options.webPort, 'port') : error);
    });
  });
  const smtpPort = (smtp.server.address() as AddressInfo).port;
  const webPort = (web.address() as AddressInfo).port;
  return {
    smtpPort,
    url: `http://${options.host}:${webPort}`,
    store,
    stop: async () => {
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
      await new Promise<void>((resolve) => {
        web.close(() => resolve());
        (web as unknown as { closeIdleConnections?: () => void }).closeIdleConnections?.();
      });
    },
  };
}

/** The inbox's settings: [inbucket] enabled / port / smtp_port, mail kept beside the database's data. */
export function inboxSettings(env: NodeJS.ProcessEnv, postgresDataDir: string) {
  return {
    enabled: !['0', 'false', 'no', 'off'].includes((env.HARMONY_INBOX_ENABLED ?? 'true').toLowerCase()),
    webPort: Number(env.HARMONY_INBOX_PORT ?? 54324),
    smtpPort: Number(env.HARMONY_INBOX_SMTP_PORT ?? 54325),
    dir: resolve(env.HARMONY_INBOX_DIR ?? join(dirname(postgresDataDir), 'inbox')),
  };
}
