import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../src/testing/index.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.close());

const USER_ID = '6f1d2c1e-6c7e-4a4b-9d55-2b8f1f2b9a01';

describe('Supabase platform emulation', () => {
  it('creates the API roles with the attributes real Supabase gives them', async () => {
    const { rows } = await db.query<{
      rolname: string;
      rolsuper: boolean;
      rolinherit: boolean;
      rolcanlogin: boolean;
      rolbypassrls: boolean;
    }>(
      `select rolname, rolsuper, rolinherit, rolcanlogin, rolbypassrls from pg_roles
        where rolname in ('postgres','anon','authenticated','service_role','authenticator',
                          'supabase_admin','supabase_auth_admin','supabase_storage_admin','dashboard_user')
        order by rolname`,
    );
    const byName = Object.fromEntries(rows.map(({ rolname, ...attrs }) => [rolname, attrs]));
    expect(byName).toEqual({
      anon: { rolsuper: false, rolinherit: true, rolcanlogin: false, rolbypassrls: false },
      authenticated: { rolsuper: false, rolinherit: true, rolcanlogin: false, rolbypassrls: false },
      authenticator: { rolsuper: false, rolinherit: false, rolcanlogin: true, rolbypassrls: false },
      dashboard_user: { rolsuper: false, rolinherit: true, rolcanlogin: false, rolbypassrls: false },
      postgres: { rolsuper: false, rolinherit: true, rolcanlogin: true, rolbypassrls: true },
      service_role: { rolsuper: false, rolinherit: true, rolcanlogin: false, rolbypassrls: true },
      supabase_admin: { rolsuper: true, rolinherit: true, rolcanlogin: true, rolbypassrls: true },
      supabase_auth_admin: { rolsuper: false, rolinherit: false, rolcanlogin: true, rolbypassrls: false },
      supabase_storage_admin: { rolsuper: false, rolinherit: false, rolcanlogin: true, rolbypassrls: false },
    });
  });

  it('lets authenticator switch only to the API roles, and postgres own the database', async () => {
    const { rows } = await db.query<{ role: string }>(
      `select r.rolname as role from pg_auth_members m
         join pg_roles r on r.oid = m.roleid join pg_roles u on u.oid = m.member
        where u.rolname = 'authenticator' order by 1`,
    );
    expect(rows.map((r) => r.role)).toEqual(['anon', 'authenticated', 'service_role']);
    const owner = await db.query(
      `select pg_get_userbyid(datdba) as owner from pg_database where datname = current_database()`,
    );
    expect(owner.rows[0]?.owner).toBe('postgres');
  });

  it('auth.uid() and friends read request.jwt.claims, and are null without claims', async () => {
    const none = await db.asAnon().query('select auth.uid() as uid, auth.role() as role, auth.jwt() as jwt');
    expect(none.rows[0]).toMatchObject({ uid: null, role: 'anon' });
    const { rows } = await db.asUser({ sub: USER_ID, email: 'ada@example.com' }).query(
      `select auth.uid() as uid, auth.role() as role, auth.email() as email,
                auth.jwt() ->> 'aud' as aud, current_user as db_role`,
    );
    expect(rows[0]).toEqual({
      uid: USER_ID,
      role: 'authenticated',
      email: 'ada@example.com',
      aud: 'authenticated',
      db_role: 'authenticated',
    });
    const bare = await db.query(`select auth.uid() as uid, auth.jwt() as jwt`);
    expect(bare.rows[0]).toEqual({ uid: null, jwt: null });
  });

  it('switches role per transaction like PostgREST: the role ends with the transaction', async () => {
    expect((await db.asService().query('select current_user as u')).rows[0]?.u).toBe('service_role');
    expect((await db.asAnon().query('select current_user as u')).rows[0]?.u).toBe('anon');
    await db.rollback(async (tx) => {
      expect((await tx.asUser({ sub: USER_ID }).query('select current_user as u')).rows[0]?.u).toBe(
        'authenticated',
      );
      expect((await tx.query('select current_user as u, auth.uid() as uid')).rows[0]).toEqual({
        u: 'supabase_admin',
        uid: null,
      });
    });
  });

  it('hides auth tables from the API roles but not from service-side roles', async () => {
    await expect(db.asAnon().query('select * from auth.users')).rejects.toThrow(
      'permission denied for table users',
    );
    await expect(db.asUser({ sub: USER_ID }).query('select * from auth.users')).rejects.toThrow(
      'permission denied for table users',
    );
    const { rows } = await db.query(
      `select has_table_privilege('postgres', 'auth.users', 'select') as postgres_reads,
              has_table_privilege('service_role', 'auth.users', 'select') as service_reads`,
    );
    expect(rows[0]).toEqual({ postgres_reads: true, service_reads: false });
  });

  it('gives the GoTrue tables their real shape', async () => {
    const { rows } = await db.query<{ column_name: string; data_type: string; is_generated: string }>(
      `select column_name, data_type, is_generated from information_schema.columns
        where table_schema = 'auth' and table_name = 'users' order by ordinal_position`,
    );
    const columns = rows.map((r) => r.column_name);
    expect(columns.slice(0, 6)).toEqual(['instance_id', 'id', 'aud', 'role', 'email', 'encrypted_password']);
    expect(columns).toEqual(
      expect.arrayContaining(['raw_user_meta_data', 'raw_app_meta_data', 'is_anonymous', 'banned_until']),
    );
    expect(rows.find((r) => r.column_name === 'confirmed_at')?.is_generated).toBe('ALWAYS');
    const tables = await db.query<{ t: string }>(
      `select table_name as t from information_schema.tables where table_schema = 'auth' order by 1`,
    );
    expect(tables.rows.map((r) => r.t)).toEqual(
      expect.arrayContaining([
        'users',
        'identities',
        'sessions',
        'refresh_tokens',
        'mfa_factors',
        'mfa_challenges',
        'mfa_amr_claims',
        'audit_log_entries',
        'one_time_tokens',
      ]),
    );
  });

  it('exposes new public tables to the API roles through default privileges', async () => {
    // Harmony's own schema revokes these for tables postgres creates (see db_schema tests);
    // supabase_admin's defaults are the platform's and stay as Supabase ships them.
    await db.rollback(async (tx) => {
      await tx.query('create table public.probe (id int); insert into probe values (1)');
      const { rows } = await tx.asAnon().query('select count(*)::int as n from public.probe');
      expect(rows[0]?.n).toBe(1);
    });
    const { rows } = await db.query<{ grantee: string }>(
      `select distinct (aclexplode(defaclacl)).grantee::regrole::text as grantee from pg_default_acl
        where defaclrole = 'supabase_admin'::regrole and defaclnamespace = 'public'::regnamespace
          and defaclobjtype = 'r' order by 1`,
    );
    expect(rows.map((r) => r.grantee)).toEqual(
      expect.arrayContaining(['anon', 'authenticated', 'postgres', 'service_role']),
    );
  });

  it('provides storage with its helpers and delete protection', async () => {
    const { rows } = await db.query(
      `select storage.foldername('a/b/c.png') as folders, storage.filename('a/b/c.png') as file,
              storage.extension('a/c.tar.gz') as ext`,
    );
    expect(rows[0]).toEqual({ folders: ['a', 'b'], file: 'c.png', ext: 'gz' });
    await db.rollback(async (tx) => {
      await tx.query(`insert into storage.buckets (id, name) values ('probe', 'probe')`);
      await expect(tx.asService().query(`delete from storage.buckets where id = 'probe'`)).rejects.toThrow(
        /Direct deletion from storage tables is not allowed/,
      );
      await tx.query(`select set_config('storage.allow_delete_query', 'true', true)`);
      expect((await tx.query(`delete from storage.buckets where id = 'probe'`)).rowCount).toBe(1);
    });
  });

  it('has extensions in schema extensions and an empty supabase_realtime publication', async () => {
    const { rows } = await db.query(
      `select extname, extnamespace::regnamespace::text as schema from pg_extension
        where extname in ('pgcrypto', 'uuid-ossp') order by 1`,
    );
    expect(rows).toEqual([
      { extname: 'pgcrypto', schema: 'extensions' },
      { extname: 'uuid-ossp', schema: 'extensions' },
    ]);
    const publication = await db.query(
      `select pubinsert, pubupdate, pubdelete, pubtruncate from pg_publication where pubname = 'supabase_realtime'`,
    );
    expect(publication.rows).toEqual([
      { pubinsert: true, pubupdate: true, pubdelete: true, pubtruncate: true },
    ]);
  });

  it('runs app SQL as the non-superuser postgres role', async () => {
    const { rows } = await db.query(`select rolsuper from pg_roles where rolname = 'postgres'`);
    expect(rows[0]?.rolsuper).toBe(false);
    const ledger = await db.query(
      `select count(*)::int as n from harmony_migrations.applied_files where phase = 'platform'`,
    );
    expect(ledger.rows[0]?.n).toBeGreaterThan(0);
  });
});
