import pg from 'pg';

/** Connection pools, one per database role the services log in as on real Supabase. */
export interface StackDb {
  /** PostgREST and Storage: NOINHERIT authenticator, switching role per request. */
  authenticator: pg.Pool;
  /** GoTrue: owner of the auth schema. */
  auth: pg.Pool;
  /** Realtime and internals that Supabase runs as supabase_admin. */
  admin: pg.Pool;
  end(): Promise<void>;
}

export function connectStackDb(databaseUrl: string, rolePassword: string, poolSize = 10): StackDb {
  const as = (user: string, password = rolePassword) => {
    const url = new URL(databaseUrl);
    url.username = user;
    url.password = password;
    const pool = new pg.Pool({ connectionString: url.toString(), max: poolSize });
    // An idle client dying (server restart) must not crash the process; the pool replaces it.
    pool.on('error', () => undefined);
    return pool;
  };
  const admin = new URL(databaseUrl);
  const db = {
    authenticator: as('authenticator'),
    auth: as('supabase_auth_admin'),
    admin: as(decodeURIComponent(admin.username), decodeURIComponent(admin.password)),
    end: async () => {
      await Promise.all([db.authenticator.end(), db.auth.end(), db.admin.end()]);
    },
  };
  return db;
}
