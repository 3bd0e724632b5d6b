import { freePort } from '@harmony/db';
import type { TestDatabase } from '@harmony/db/testing';
import pino from 'pino';
import type { FederationConfig } from '../src/config.js';
import type { HarmonyFederation } from '../src/federation/index.js';
import { type RunningService, startService } from '../src/service.js';
import { createServerDatabase, serverConfig, waitFor } from './helpers.js';

/** One complete Harmony apps/server with federation on, on its own database and port. */
export interface Instance {
  db: TestDatabase;
  service: RunningService;
  federation: HarmonyFederation;
  /** http://127.0.0.1:<port>: the instance's public origin in tests. */
  origin: string;
  /** 127.0.0.1:<port>: how other instances name it (profiles.domain, handles). */
  host: string;
  stop(): Promise<void>;
}

export async function startInstance(federation: Partial<FederationConfig> = {}): Promise<Instance> {
  const db = await createServerDatabase();
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const service = await startService({
    config: serverConfig(db, {
      port,
      federation: {
        origin,
        // Both instances listen on loopback: the test-only switch (off by default).
        allowPrivateAddresses: true,
        maxInboxBytes: 64 * 1024,
        timeoutMs: 15_000,
        ...federation,
      },
    }),
    log: pino({ level: process.env.SERVER_TEST_LOG ?? 'silent' }),
    crontab: '',
    sweepIntervalMs: 300,
    abandonedAfterSeconds: 1,
  });
  if (!service.federation) throw new Error('federation did not start');
  return {
    db,
    service,
    federation: service.federation,
    origin,
    host: `127.0.0.1:${port}`,
    async stop() {
      await service.stop();
      await db.close();
    },
  };
}

/** Waits for what crosses instances: several jobs and signed requests, on a loaded test machine. */
export function waitAcross<T>(probe: () => Promise<T | undefined | null | false>): Promise<T> {
  return waitFor(probe, 45_000);
}
