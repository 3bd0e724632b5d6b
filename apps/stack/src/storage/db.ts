import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { Identity } from './auth.js';

/** What Storage puts in the transaction-local settings of every request (scope.ts). */
export interface RequestScope {
  identity: Identity;
  /** storage.operation, e.g. storage.object.upload. */
  operation: string;
  method: string;
  path: string;
  headers: Record<string, string>;
}

const SETTINGS_SQL = `select
  set_config('role', $1, true),
  set_config('request.jwt.claim.role', $1, true),
  set_config('request.jwt', $2, true),
  set_config('request.jwt.claim.sub', $3, true),
  set_config('request.jwt.claims', $4, true),
  set_config('request.headers', $5, true),
  set_config('request.method', $6, true),
  set_config('request.path', $7, true),
  set_config('storage.operation', $8, true),
  set_config('storage.allow_delete_query', 'true', true)`;

/**
 * One request's transaction on the storage pool. Queries run as the caller's role,
 * so RLS on storage.buckets/objects decides; `asService` is Storage's "asSuperUser".
 */
export class StorageTx {
  private readonly rollbackHooks: (() => Promise<void>)[] = [];
  private readonly commitHooks: (() => Promise<void>)[] = [];

  constructor(
    private readonly client: pg.PoolClient,
    private readonly scope: RequestScope,
  ) {}

  query<R extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params: unknown[] = []) {
    return this.client.query<R>(sql, params);
  }

  /** Runs `fn` as service_role (bypasses RLS), then switches back to the caller's role. */
  async asService<T>(fn: () => Promise<T>): Promise<T> {
    if (this.scope.identity.role === 'service_role') return fn();
    await this.client.query(`select set_config('role', 'service_role', true)`);
    const restore = () =>
      this.client.query(`select set_config('role', $1, true)`, [this.scope.identity.role]);
    let result: T;
    try {
      result = await fn();
    } catch (error) {
      // After a failed statement the transaction is aborted and only the original error matters.
      await restore().catch(() => undefined);
      throw error;
    }
    await restore();
    return result;
  }

  /** Storage's testPermission: runs `fn` as the caller in a savepoint that is always rolled back. */
  async testPermission(fn: () => Promise<unknown>): Promise<void> {
    await this.client.query('savepoint test_permission');
    try {
      await fn();
    } finally {
      await this.client.query('rollback to savepoint test_permission');
    }
  }

  /** Undoes a side effect (a renamed file) if the transaction does not commit. */
  onRollback(hook: () => Promise<void>): void {
    this.rollbackHooks.push(hook);
  }

  /** Finishes a side effect (drops a backup file) once the transaction has committed. */
  afterCommit(hook: () => Promise<void>): void {
    this.commitHooks.push(hook);
  }

  async runRollbackHooks(): Promise<void> {
    for (const hook of this.rollbackHooks.reverse()) await hook().catch(() => undefined);
  }

  async runCommitHooks(): Promise<void> {
    for (const hook of this.commitHooks) await hook().catch(() => undefined);
  }
}

export async function transaction<T>(
  pool: pg.Pool,
  scope: RequestScope,
  fn: (tx: StorageTx) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  const tx = new StorageTx(client, scope);
  let broken = false;
  let released = false;
  try {
    await client.query('begin');
    const { identity } = scope;
    await client.query(SETTINGS_SQL, [
      identity.role,
      identity.jwt,
      identity.sub ?? '',
      JSON.stringify(identity.claims),
      JSON.stringify(scope.headers),
      scope.method,
      scope.path,
      scope.operation,
    ]);
    const result = await fn(tx);
    await client.query('commit');
    client.release();
    released = true;
    await tx.runCommitHooks();
    return result;
  } catch (error) {
    await client.query('rollback').catch(() => {
      broken = true;
    });
    await tx.runRollbackHooks();
    throw error;
  } finally {
    if (!released) client.release(broken);
  }
}

// ---------------------------------------------------------------- rows

export interface BucketRow {
  id: string;
  name: string;
  owner: string | null;
  public: boolean;
  created_at: Date;
  updated_at: Date;
  file_size_limit: number | null;
  allowed_mime_types: string[] | null;
  type: string;
}

export interface ObjectMetadata {
  eTag: string;
  size: number;
  mimetype: string;
  cacheControl: string;
  lastModified: string;
  contentLength: number;
  httpStatusCode: number;
}

export interface ObjectRow {
  id: string;
  bucket_id: string;
  name: string;
  owner: string | null;
  owner_id: string | null;
  version: string | null;
  metadata: Partial<ObjectMetadata> | null;
  user_metadata: Record<string, unknown> | null;
  created_at: Date;
  updated_at: Date;
  last_accessed_at: Date;
}

const BUCKET_COLUMNS = `id, name, owner, public, created_at, updated_at,
  file_size_limit::float8 as file_size_limit, allowed_mime_types, type::text as type`;

const OBJECT_COLUMNS = `id, bucket_id, name, owner, owner_id, version, metadata, user_metadata,
  created_at, updated_at, last_accessed_at`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** owner (uuid, deprecated) only when the JWT sub is a uuid; owner_id is the sub as text. */
export function ownerColumns(sub: string | undefined): { owner: string | null; owner_id: string | null } {
  return { owner: sub && UUID.test(sub) ? sub : null, owner_id: sub ?? null };
}

// ---------------------------------------------------------------- buckets

export async function findBucket(tx: StorageTx, id: string, forUpdate = false) {
  const { rows } = await tx.query<BucketRow>(
    `select ${BUCKET_COLUMNS} from storage.buckets where id = $1 limit 1${forUpdate ? ' for update' : ''}`,
    [id],
  );
  return rows[0];
}

export interface ListBucketOptions {
  limit?: number;
  offset?: number;
  search?: string;
  sortColumn?: 'id' | 'name' | 'created_at' | 'updated_at';
  sortOrder?: 'asc' | 'desc';
}

export async function listBuckets(tx: StorageTx, options: ListBucketOptions) {
  const values: unknown[] = [];
  let where = '';
  if (options.search) {
    values.push(`%${options.search.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`);
    where = `where name ilike $${values.length}`;
  }
  const order = options.sortColumn
    ? `order by ${options.sortColumn} ${options.sortOrder === 'desc' ? 'desc' : 'asc'}`
    : '';
  let page = '';
  if (options.limit !== undefined) {
    values.push(options.limit);
    page += ` limit $${values.length}`;
  }
  if (options.offset !== undefined) {
    values.push(options.offset);
    page += ` offset $${values.length}`;
  }
  const { rows } = await tx.query<BucketRow>(
    `select ${BUCKET_COLUMNS} from storage.buckets ${where} ${order} ${page}`,
    values,
  );
  return rows;
}

export async function insertBucket(
  tx: StorageTx,
  bucket: {
    id: string;
    name: string;
    public: boolean;
    file_size_limit: number | null;
    allowed_mime_types: string[] | null;
    sub: string | undefined;
  },
) {
  const { owner, owner_id } = ownerColumns(bucket.sub);
  await tx.query(
    `insert into storage.buckets (id, name, owner, owner_id, public, file_size_limit, allowed_mime_types)
     values ($1, $2, $3, $4, $5, $6, $7)`,
    [
      bucket.id,
      bucket.name,
      owner,
      owner_id,
      bucket.public,
      bucket.file_size_limit,
      bucket.allowed_mime_types,
    ],
  );
}

export async function updateBucket(
  tx: StorageTx,
  id: string,
  fields: { public?: boolean; file_size_limit?: number | null; allowed_mime_types?: string[] | null },
): Promise<number> {
  const entries = Object.entries(fields).filter(([, value]) => value !== undefined);
  const set = entries.map(([column], i) => `${column} = $${i + 2}`).join(', ');
  const result = await tx.query(`update storage.buckets set ${set}, updated_at = now() where id = $1`, [
    id,
    ...entries.map(([, value]) => value),
  ]);
  return result.rowCount ?? 0;
}

export async function deleteBucket(tx: StorageTx, id: string): Promise<number> {
  const result = await tx.query('delete from storage.buckets where id = $1', [id]);
  return result.rowCount ?? 0;
}

export async function bucketHasObjects(tx: StorageTx, id: string): Promise<boolean> {
  const { rows } = await tx.query('select 1 from storage.objects where bucket_id = $1 limit 1', [id]);
  return rows.length > 0;
}

// ---------------------------------------------------------------- objects

export async function findObject(tx: StorageTx, bucketId: string, name: string, forUpdate = false) {
  const { rows } = await tx.query<ObjectRow>(
    `select ${OBJECT_COLUMNS} from storage.objects where bucket_id = $1 and name = $2 limit 1${
      forUpdate ? ' for update' : ''
    }`,
    [bucketId, name],
  );
  return rows[0];
}

export async function findObjectNames(
  tx: StorageTx,
  bucketId: string,
  names: string[],
): Promise<Set<string>> {
  const { rows } = await tx.query<{ name: string }>(
    'select name from storage.objects where bucket_id = $1 and name = any($2::text[])',
    [bucketId, names],
  );
  return new Set(rows.map((row) => row.name));
}

export interface NewObject {
  bucketId: string;
  name: string;
  sub: string | undefined;
  version: string;
  metadata: Partial<ObjectMetadata> | null;
  userMetadata: Record<string, unknown> | null | undefined;
}

/** Plain INSERT (no RETURNING, so only the INSERT policy applies). Returns the new id. */
export async function insertObject(tx: StorageTx, object: NewObject): Promise<string> {
  const id = randomUUID();
  const { owner, owner_id } = ownerColumns(object.sub);
  await tx.query(
    `insert into storage.objects (id, bucket_id, name, owner, owner_id, version, metadata, user_metadata)
     values ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [
      id,
      object.bucketId,
      object.name,
      owner,
      owner_id,
      object.version,
      object.metadata,
      object.userMetadata ?? null,
    ],
  );
  return id;
}

/** INSERT … ON CONFLICT (name, bucket_id) DO UPDATE, as Storage's upsertObject. */
export async function upsertObject(tx: StorageTx, object: NewObject): Promise<ObjectRow> {
  const { owner, owner_id } = ownerColumns(object.sub);
  // As upstream: an upsert without a (uuid) sub keeps the previous owner columns.
  const ownerUpdates = [owner ? 'owner = excluded.owner' : '', owner_id ? 'owner_id = excluded.owner_id' : '']
    .filter(Boolean)
    .map((clause) => `${clause}, `)
    .join('');
  const { rows } = await tx.query<ObjectRow>(
    `insert into storage.objects (bucket_id, name, owner, owner_id, version, metadata, user_metadata)
     values ($1, $2, $3, $4, $5, $6, $7)
     on conflict (name, bucket_id) do update set ${ownerUpdates}
       version = excluded.version, metadata = excluded.metadata, user_metadata = excluded.user_metadata
     returning ${OBJECT_COLUMNS}`,
    [
      object.bucketId,
      object.name,
      owner,
      owner_id,
      object.version,
      object.metadata,
      object.userMetadata ?? null,
    ],
  );
  return rows[0] as ObjectRow;
}

export async function renameObject(
  tx: StorageTx,
  from: { bucketId: string; name: string },
  to: { bucketId: string; name: string; sub: string | undefined; version: string },
): Promise<number> {
  const { owner, owner_id } = ownerColumns(to.sub);
  const sets = ['bucket_id = $3', 'name = $4', 'version = $5'];
  const values: unknown[] = [from.bucketId, from.name, to.bucketId, to.name, to.version];
  if (owner) sets.push(`owner = $${values.push(owner)}`);
  if (owner_id) sets.push(`owner_id = $${values.push(owner_id)}`);
  const result = await tx.query(
    `update storage.objects set ${sets.join(', ')} where bucket_id = $1 and name = $2`,
    values,
  );
  return result.rowCount ?? 0;
}

export async function deleteObjectRow(tx: StorageTx, bucketId: string, name: string): Promise<number> {
  const result = await tx.query('delete from storage.objects where bucket_id = $1 and name = $2', [
    bucketId,
    name,
  ]);
  return result.rowCount ?? 0;
}

/** DELETE … RETURNING: rows the caller may not SELECT or DELETE are silently kept. */
export async function deleteObjectRows(tx: StorageTx, bucketId: string, names: string[]) {
  const { rows } = await tx.query<ObjectRow & Record<string, unknown>>(
    'delete from storage.objects where bucket_id = $1 and name = any($2::text[]) returning *',
    [bucketId, names],
  );
  return rows;
}

export async function deleteAllObjectRows(tx: StorageTx, bucketId: string) {
  const { rows } = await tx.query<{ name: string }>(
    'delete from storage.objects where bucket_id = $1 returning name',
    [bucketId],
  );
  return rows.map((row) => row.name);
}

export interface SearchOptions {
  limit: number;
  offset: number;
  search: string;
  sortColumn: 'name' | 'updated_at' | 'created_at' | 'last_accessed_at';
  sortOrder: 'asc' | 'desc';
}

export interface ListEntry {
  name: string;
  id: string | null;
  updated_at: Date | null;
  created_at: Date | null;
  last_accessed_at: Date | null;
  metadata: Record<string, unknown> | null;
}

/**
 * storage.search() semantics, in our own SQL and run as the caller (RLS filters rows): the
 * immediate children of `prefix` whose relative name starts with `search` (case-insensitive);
 * folders come back with null id/timestamps/metadata, names are relative to the prefix.
 * Sorting by name interleaves folders and files (a folder sorts as "<name>/"); other sort
 * columns list folders first, then files.
 */
export async function searchObjects(
  tx: StorageTx,
  bucketId: string,
  prefix: string,
  options: SearchOptions,
): Promise<ListEntry[]> {
  const dir = options.sortOrder === 'desc' ? 'desc' : 'asc';
  const order =
    options.sortColumn === 'name'
      ? `order by lower(sort_name) collate "C" ${dir}, sort_name collate "C" ${dir}`
      : `order by is_file, case when is_file then null else lower(name) collate "C" end ${dir},
           ${options.sortColumn} ${dir}, lower(name) collate "C" ${dir}`;
  const { rows } = await tx.query<ListEntry>(
    `with matched as (
       select o.id, o.updated_at, o.created_at, o.last_accessed_at, o.metadata,
              substr(o.name, length($2::text) + 1) as rel
       from storage.objects o
       where o.bucket_id = $1::text and starts_with(lower(o.name), lower($2::text || $3::text))
     ),
     classified as (
       select *, strpos(substr(rel, length($3::text) + 1), '/') as slash from matched
     ),
     entries as (
       select distinct left(rel, length($3::text) + slash - 1) as name,
              null::uuid as id, null::timestamptz as updated_at, null::timestamptz as created_at,
              null::timestamptz as last_accessed_at, null::jsonb as metadata, false as is_file
       from classified where slash > 0
       union all
       select rel, id, updated_at, created_at, last_accessed_at, metadata, true
       from classified where slash = 0
     )
     select name, id, updated_at, created_at, last_accessed_at, metadata
     from (select *, case when is_file then name else name || '/' end as sort_name from entries) e
     ${order}
     limit $4::int offset $5::int`,
    [bucketId, prefix, options.search, options.limit, options.offset],
  );
  return rows;
}
