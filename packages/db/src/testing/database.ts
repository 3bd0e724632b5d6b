import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { connectionUrl, LOCAL_PASSWORD } from '../postgres.js';
import type { TestCluster } from './global-setup.js';
import {
  ANON_CLAIMS,
  type JwtClaims,
  REQUEST_SETTINGS_SQL,
  type Requester,
  requestSettings,
  SERVICE_CLAIMS,
  userClaims,
} from './requester.js';

/** Methods shared by a test database and a rolled-back transaction in it. */
export interface Session extends Requester {
  /** Runs SQL as `authenticated` with these JWT claims, the way PostgREST would. */
  asUser(claims: JwtClaims & { sub: string }): Requester;
  asAnon(): Requester;
  asService(): Requester;
}

/**
 * A database of its own for one test file, cloned from the migrated template.
 * `query` runs as the superuser (for setup); `asUser/asAnon/asService` log in as
 * `authenticator` and switch role per transaction exactly as PostgREST does.
 */
export class TestDatabase implements Session {
  private readonly admin: pg.Pool;
  private readonly api: pg.Pool;

  private constructor(
    readonly name: string,
    private readonly port: number,
  ) {
    this.admin = new pg.Pool({ connectionString: connectionUrl(port, name), max: 4 });
    // Room for 8+ truly concurrent requests (the concurrency tests need them).
    this.api = new pg.Pool({ connectionString: this.url('authenticator'), max: 10 });
    // An idle client ended by the server (a stack under test stopping, a forced drop) is not a
    // test failure; a query on a dead client still rejects where the test awaits it.
    this.admin.on('error', () => undefined);
    this.api.on('error', () => undefined);
  }

  static async create(cluster: TestCluster = inject('harmonyPostgres')): Promise<TestDatabase> {
    const name = `test_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: connectionUrl(cluster.port) });
    await admin.connect();
    try {
      await admin.query(`create database ${name} template ${cluster.template} owner postgres`);
    } finally {
      await admin.end();
    }
    return new TestDatabase(name, cluster.port);
  }

  url(user = 'supabase_admin'): string {
    return `postgresql://${user}:${LOCAL_PASSWORD}@127.0.0.1:${this.port}/${this.name}`;
  }

  query<R extends pg.QueryResultRow = Record<string, unknown>>(sql: string, params?: unknown[]) {
    return this.admin.query<R>(sql, params);
  }

  asUser(claims: JwtClaims & { sub: string }): Requester {
    return this.requester(userClaims(claims));
  }

  asAnon(): Requester {
    return this.requester(ANON_CLAIMS);
  }

  asService(): Requester {
    return this.requester(SERVICE_CLAIMS);
  }

  /** Runs `body` in one superuser transaction that is always rolled back. */
  async rollback<T>(body: (tx: Session) => Promise<T>): Promise<T> {
    const client = await this.admin.connect();
    await client.query('begin');
    try {
      return await body(transactionSession(client));
    } finally {
      await client.query('rollback');
      client.release();
    }
  }

  async close(): Promise<void> {
    await Promise.all([this.admin.end(), this.api.end()]);
    const admin = new pg.Client({ connectionString: connectionUrl(this.port) });
    await admin.connect();
    try {
      await admin.query(`drop database if exists ${this.name} with (force)`);
    } finally {
      await admin.end();
    }
  }

  private requester(claims: JwtClaims): Requester {
    return {
      query: async <R extends pg.QueryResultRow>(sql: string, params?: unknown[]) => {
        const client = await this.api.connect();
        try {
          await client.query('begin');
          await client.query(REQUEST_SETTINGS_SQL, requestSettings(claims));
          const result = await client.query<R>(sql, params);
          await client.query('commit');
          return result;
        } catch (error) {
          await client.query('rollback');
          throw error;
        } finally {
          client.release();
        }
      },
    };
  }
}

/**
 * Inside an open transaction: each statement runs in a savepoint, so a failed one leaves the rest usable.
 * One connection runs one statement at a time, so concurrent callers (Promise.all) are queued: their
 * savepoints and role switches would otherwise interleave.
 */
function transactionSession(client: pg.PoolClient): Session {
  let queue: Promise<unknown> = Promise.resolve();
  const serialized = <T>(task: () => Promise<T>): Promise<T> => {
    const run = queue.then(task, task);
    queue = run.catch(() => undefined);
    return run;
  };
  const inSavepoint = <R extends pg.QueryResultRow>(
    sql: string,
    params: unknown[] | undefined,
    claims: JwtClaims | undefined,
  ) => serialized(() => inSavepointNow<R>(sql, params, claims));
  const inSavepointNow = async <R extends pg.QueryResultRow>(
    sql: string,
    params: unknown[] | undefined,
    claims: JwtClaims | undefined,
  ) => {
    await client.query('savepoint request');
    try {
      if (claims) await client.query(REQUEST_SETTINGS_SQL, requestSettings(claims));
      const result = await client.query<R>(sql, params);
      await client.query('release savepoint request');
      return result;
    } catch (error) {
      await client.query('rollback to savepoint request');
      throw error;
    } finally {
      if (claims) await client.query(`reset role; select set_config('request.jwt.claims', '', true)`);
    }
  };
  const as = (claims: JwtClaims): Requester => ({
    query: (sql, params) => inSavepoint(sql, params, claims),
  });
  return {
    query: (sql, params) => inSavepoint(sql, params, undefined),
    asUser: (claims) => as(userClaims(claims)),
    asAnon: () => as(ANON_CLAIMS),
    asService: () => as(SERVICE_CLAIMS),
  };
}

export function createTestDatabase(cluster?: TestCluster): Promise<TestDatabase> {
  return TestDatabase.create(cluster);
}
