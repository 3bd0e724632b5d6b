import {
  type BucketRow,
  bucketHasObjects,
  deleteAllObjectRows,
  deleteBucket as deleteBucketRow,
  findBucket,
  insertBucket,
  type ListBucketOptions,
  listBuckets as listBucketRows,
  transaction,
  updateBucket as updateBucketRow,
} from './db.js';
import { ERRORS } from './errors.js';
import { isValidKey, mustBeValidBucketName, removeBucketDir, trashObjectFile } from './files.js';
import type { StorageRequest } from './objects.js';

/**
 * Bucket routes. Who may create, change or delete buckets is decided by RLS on
 * storage.buckets (normally only service_role, which bypasses it).
 */

/** The bucket JSON Storage sends (its response schema turns a null owner into ""). */
function bucketJson(row: BucketRow, withType: boolean) {
  return {
    id: row.id,
    name: row.name,
    owner: row.owner ?? '',
    public: row.public,
    ...(withType ? { type: row.type } : {}),
    file_size_limit: row.file_size_limit,
    allowed_mime_types: row.allowed_mime_types,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

const tx = <T>(req: StorageRequest, fn: Parameters<typeof transaction<T>>[2]) =>
  transaction(req.ctx.db.storage, req.scope, fn);

export async function listBuckets(req: StorageRequest, options: ListBucketOptions) {
  const rows = await tx(req, (t) => listBucketRows(t, options));
  return rows.map((row) => bucketJson(row, true));
}

export async function getBucket(req: StorageRequest, id: string) {
  const row = await tx(req, (t) => findBucket(t, id));
  if (!row) throw ERRORS.noSuchBucket();
  return bucketJson(row, false);
}

/** "20MB" / "30KB" / "3B" (decimal units, as Storage) or a byte count; never above the global limit. */
function parseFileSizeLimit(value: unknown, globalLimit: number): number | null | undefined {
  if (value === undefined) return undefined;
  if (value === null) return null;
  let bytes: number;
  if (typeof value === 'number') bytes = value;
  else if (typeof value === 'string') {
    const match = /^([0-9]+(?:\.[0-9]+)?)(gb|mb|kb|b)$/i.exec(value.trim());
    if (!match) throw ERRORS.invalidFileSizeLimit();
    const units: Record<string, number> = { gb: 1e9, mb: 1e6, kb: 1e3, b: 1 };
    bytes =
      Number(Number.parseFloat(match[1] ?? '0').toPrecision(3)) *
      (units[(match[2] ?? 'b').toLowerCase()] ?? 1);
  } else throw ERRORS.invalidFileSizeLimit();
  if (!Number.isFinite(bytes) || bytes < 0) throw ERRORS.invalidFileSizeLimit();
  if (bytes > globalLimit) throw ERRORS.entityTooLarge();
  return Math.floor(bytes);
}

function parseMimeTypes(value: unknown): string[] | null | undefined {
  if (value === undefined || value === null) return value;
  if (!Array.isArray(value)) throw ERRORS.invalidRequest('allowed_mime_types must be an array of strings');
  const types = value.filter((type): type is string => typeof type === 'string' && type.length > 0);
  for (const type of types) {
    if (
      type.length > 1000 ||
      !/^([a-zA-Z0-9\-+.]+)\/([a-zA-Z0-9\-+.]+)(;\s*charset=[a-zA-Z0-9-]+)?$|\*$/.test(type)
    ) {
      throw ERRORS.invalidMimeType(type);
    }
  }
  return types;
}

export interface BucketBody {
  id?: unknown;
  name?: unknown;
  public?: unknown;
  file_size_limit?: unknown;
  allowed_mime_types?: unknown;
}

export async function createBucket(req: StorageRequest, body: BucketBody) {
  const name = body.name;
  if (typeof name !== 'string') throw ERRORS.invalidRequest("body must have required property 'name'");
  const id = typeof body.id === 'string' && body.id ? body.id : name;
  if (name.trim() !== name) throw ERRORS.invalidBucketName();
  mustBeValidBucketName(name);
  mustBeValidBucketName(id);
  const bucket = {
    id,
    name,
    public: body.public === true,
    file_size_limit: parseFileSizeLimit(body.file_size_limit, req.ctx.config.fileSizeLimit) ?? null,
    allowed_mime_types: parseMimeTypes(body.allowed_mime_types) ?? null,
    sub: req.identity.sub,
  };
  try {
    await tx(req, (t) => insertBucket(t, bucket));
  } catch (error) {
    if ((error as { code?: string }).code === '23505') throw ERRORS.bucketAlreadyExists();
    throw error;
  }
  return { name };
}

export async function updateBucket(req: StorageRequest, id: string, body: BucketBody) {
  mustBeValidBucketName(id);
  const fields = {
    public: typeof body.public === 'boolean' ? body.public : undefined,
    file_size_limit: parseFileSizeLimit(body.file_size_limit, req.ctx.config.fileSizeLimit),
    allowed_mime_types: parseMimeTypes(body.allowed_mime_types),
  };
  if (Object.values(fields).every((value) => value === undefined)) throw ERRORS.noContent();
  const updated = await tx(req, (t) => updateBucketRow(t, id, fields));
  if (updated === 0) throw ERRORS.noSuchBucket();
}

export async function deleteBucket(req: StorageRequest, id: string) {
  mustBeValidBucketName(id);
  await tx(req, async (t) => {
    const bucket = await t.asService(() => findBucket(t, id, true));
    if (!bucket) throw ERRORS.noSuchBucket();
    if (await t.asService(() => bucketHasObjects(t, id))) throw ERRORS.bucketNotEmpty();
    if ((await deleteBucketRow(t, id)) === 0) throw ERRORS.noSuchBucket();
    t.afterCommit(() => removeBucketDir(req.ctx.config.storageDir, id));
  });
}

/** Storage queues this; here it runs at once (rows and files), with the same reply. */
export async function emptyBucket(req: StorageRequest, id: string) {
  mustBeValidBucketName(id);
  await tx(req, async (t) => {
    if (!(await findBucket(t, id))) throw ERRORS.noSuchBucket();
    const names = await deleteAllObjectRows(t, id);
    for (const name of names) {
      if (!isValidKey(name)) continue;
      const change = await trashObjectFile(req.ctx.config.storageDir, id, name);
      t.onRollback(change.undo);
      t.afterCommit(change.finish);
    }
  });
}
