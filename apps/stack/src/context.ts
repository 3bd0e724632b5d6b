import type { Logger } from 'pino';
import type { StackConfig } from './config.js';
import type { StackDb } from './db.js';
import type { ApiKeys } from './jwt.js';

/** What every service receives: configuration, the database pools, keys and the logger. */
export interface StackContext {
  config: StackConfig;
  db: StackDb;
  keys: ApiKeys;
  log: Logger;
}

/** Hono context variables set by the gateway. */
export interface StackEnv {
  Variables: {
    /**
     * The caller's JWT as the CLI's Kong forwards it (see gateway.ts callerToken); '' when the
     * request carries neither key nor token. Not yet verified: each service verifies it.
     */
    bearer: string;
  };
}
