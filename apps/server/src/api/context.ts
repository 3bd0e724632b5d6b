import type { Logger } from 'pino';
import type { ServerConfig } from '../config.js';
import type { Database } from '../db/client.js';

/** What the /api/ routes use: the database (as harmony_server), the configuration, the log. */
export interface ApiContext {
  db: Database;
  config: ServerConfig;
  log: Logger;
}
