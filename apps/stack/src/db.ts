import pg from 'pg';

/** Connection pools, one per database role the services log in as on real Supabase. */
export interface StackDb {
  /** PostgREST: NOINHERIT authenticator, switching role per request. */
  authenticator: pg.Pool;
  /**
   * Storage: supabase_storage_admin (a member of authenticator), switching role per request.
   * Only its sessions may write storage.objects as an API role (platform/35_storage_object_writes.sql).
   */
  storage: pg.Pool;
  /** GoTrue: owner of the auth schema. */
  auth: pg.Pool;
  /** Realtime and internals that Supabase runs as supabase_admin. */
  admin: pg.Pool;
  end(): Promise<void>;
}

export function connectStackDb(databaseUrl: string, rolePassword: string, poolSize = 10): StackDb {
  const as = (user: string, password = rolePassword, options: pg.PoolConfig = {}) => {
    const url = new URL(databaseUrl);
    url.username = user;
    url.password = password;
    const pool = new pg.Pool({ connectionString: url.toString(), max: poolSize, ...options });
    // An idle client dying (server restart) must not crash the process; the pool replaces it.
    pool.on('error', () => undefined);
    return pool;
  };
  const admin = new URL(databaseUrl);
  const db = {
    // REST reads run as implicit transactions (rest/execute.ts), which take the session's
    // default isolation: PostgREST's READ COMMITTED, whatever the database or role default says
    // (startup options outrank ALTER DATABASE/ROLE settings).
    authenticator: as('authenticator', rolePassword, {
      options: String.raw`-c default_transaction_isolation=read\ committed`,
    }),
    // authenticator's own role settings, which a supabase_storage_admin login does not get.
    storage: as('supabase_storage_admin', rolePassword, { statement_timeout: 8000, lock_timeout: 8000 }),
    auth: as('supabase_auth_admin'),
    admin: as(decodeURIComponent(admin.username), decodeURIComponent(admin.password)),
    end: async () => {
      await Promise.all([db.authenticator.end(), db.storage.end(), db.auth.end(), db.admin.end()]);
    },
  };
  return db;
}

/**
 * Whether the database answers on this pool within `timeoutMs` (health checks and Realtime
 * joins ask before promising anything). A dead pooled connection is replaced by the pool.
 */
export async function databaseReachable(pool: pg.Pool, timeoutMs = 2_000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([
      pool.query('select 1').then(
        () => true,
        () => false,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
