import { signRequest } from '@fedify/fedify';
import { freePort } from '@harmony/db';
import type { TestDatabase } from '@harmony/db/testing';
import pino from 'pino';
import type { TestUser } from '../../../db_schema/tests/fixtures.js';
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

/** An actor's id on an instance: a user's or a server Group's (by profile or server id). */
export const actorUri = (instance: Instance, id: string): string => `${instance.origin}/ap/actors/${id}`;

export type SigningKey = Parameters<typeof signRequest>[1];
export type SignatureSpec = 'rfc9421' | 'draft-cavage-http-signatures-12';

/** `request` signed as a local actor of `from` (its own key unless `key` is given). */
export async function signAs(
  from: Instance,
  actorId: string,
  request: Request,
  options: { spec?: SignatureSpec; body?: ArrayBuffer; key?: SigningKey } = {},
): Promise<Request> {
  const key = options.key ?? ((await from.federation.keys.get(actorId)).privateKey as SigningKey);
  return signRequest(request, key, new URL(`${actorUri(from, actorId)}#main-key`), {
    spec: options.spec ?? 'rfc9421',
    body: options.body,
  });
}

/** An activity POSTed to `inbox` as JSON-LD, signed as `actorId` of `from`. */
export async function signedPost(
  from: Instance,
  actorId: string,
  inbox: string,
  activity: Record<string, unknown>,
  options: { spec?: SignatureSpec; key?: SigningKey } = {},
): Promise<Request> {
  const body = new TextEncoder().encode(
    JSON.stringify({ '@context': 'https://www.w3.org/ns/activitystreams', ...activity }),
  );
  const request = new Request(inbox, {
    method: 'POST',
    headers: { 'Content-Type': 'application/activity+json' },
    body,
  });
  return signAs(from, actorId, request, { ...options, body: body.buffer });
}

/** What a client does to find `@user@host`: the lookup, then its result (throws if it failed). */
export async function findRemote(user: TestUser, handle: string): Promise<string> {
  const { rows } = await user.api.query<{ id: string }>('select public.request_remote_lookup($1) as id', [
    handle,
  ]);
  return waitAcross(async () => {
    const result = await user.api.query<{ status: string; profile_id: string | null; error: string | null }>(
      'select * from public.remote_lookup_result($1)',
      [rows[0]?.id],
    );
    const row = result.rows[0];
    if (row?.status === 'failed') throw new Error(row.error ?? 'lookup failed');
    return row?.status === 'done' ? (row.profile_id ?? undefined) : undefined;
  });
}

/** Finds and follows `@user@host` through the client's calls, until the follow is accepted. */
export async function followRemote(user: TestUser, handle: string): Promise<string> {
  const profileId = await findRemote(user, handle);
  await user.api.query('select public.follow_remote($1)', [profileId]);
  await waitAcross(async () => {
    const mine = await user.api.query<{ state: string }>(
      'select state from public.remote_follows where followee_id = $1',
      [profileId],
    );
    return mine.rows[0]?.state === 'accepted';
  });
  return profileId;
}
