import type { JobHelpers } from 'graphile-worker';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { ServerConfig } from '../config.js';
import type { Database } from '../db/client.js';
import type { HarmonyFederation } from '../federation/index.js';

export interface JobContext {
  db: Database;
  config: ServerConfig;
  log: Logger;
  /** Set when federation is on (its jobs fail clearly without it). */
  federation?: HarmonyFederation | null;
}

/** One kind of job: its task name, the payload it accepts, and what it does (idempotently). */
export interface JobDefinition<Schema extends z.ZodType = z.ZodType> {
  name: string;
  payload: Schema;
  run(payload: z.output<Schema>, context: JobContext, helpers: JobHelpers): Promise<void>;
}

export function defineJob<Schema extends z.ZodType>(
  definition: JobDefinition<Schema>,
): JobDefinition<Schema> {
  return definition;
}
