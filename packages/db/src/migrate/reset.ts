import pg from 'pg';

/**
 * Drops and recreates the database a URL names, connecting to `template1` on the same
 * server. Refuses databases whose platform Supabase provides: use `supabase db reset` there.
 */
export async function recreateDatabase(databaseUrl: string): Promise<void> {
  const target = new URL(databaseUrl);
  const name = decodeURIComponent(target.pathname.slice(1)) || 'postgres';
  await refuseSupabaseManaged(databaseUrl);
  const maintenance = new URL(databaseUrl);
  maintenance.pathname = '/template1';
  const client = new pg.Client({ connectionString: maintenance.toString() });
  await client.connect();
  try {
    const ident = client.escapeIdentifier(name);
    await client.query(`drop database if exists ${ident} with (force)`);
    await client.query(`create database ${ident}`);
  } finally {
    await client.end();
  }
}

async function refuseSupabaseManaged(databaseUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  try {
    await client.connect();
  } catch (error) {
    // A database that does not exist yet has nothing to protect.
    if ((error as { code?: string }).code === '3D000') return;
    throw error;
  }
  try {
    const { rows } = await client.query<{ auth: boolean; ledger: boolean }>(
      `select to_regclass('auth.users') is not null as auth,
              to_regclass('harmony_migrations.applied_files') is not null as ledger`,
    );
    const { auth, ledger } = rows[0] ?? { auth: false, ledger: false };
    const ourPlatform =
      ledger &&
      (await client.query(`select 1 from harmony_migrations.applied_files where phase = 'platform' limit 1`))
        .rowCount === 1;
    if (auth && !ourPlatform) {
      throw new Error(
        'this database is managed by Supabase (its auth schema is not ours); use `supabase db reset`',
      );
    }
  } finally {
    await client.end();
  }
}
