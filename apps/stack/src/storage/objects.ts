import { randomUUID } from 'node:crypto';
import type { Context } from 'hono';
import type { StackContext } from '../context.js';
import type { Identity } from './auth.js';
import { objectContentHeaders } from './content-type.js';
import {
  type BucketRow,
  deleteObjectRow,
  deleteObjectRows,
  findBucket,
  findObject,
  findObjectNames,
  insertObject,
  type ObjectMetadata,
  type ObjectRow,
  type RequestScope,
  renameObject,
  type StorageTx,
  searchObjects,
  transaction,
  upsertObject,
} from './db.js';
import { ERRORS, isUniqueViolation } from './errors.js';
import {
  commitStaged,
  discardStaged,
  isValidKey,
  moveObjectFile,
  mustBeValidBucketName,
  mustBeValidKey,
  type OpenedObject,
  openObject,
  type StagedFile,
  stageCopy,
  stageUpload,
  trashObjectFile,
} from './files.js';
import { readUploadBody } from './upload-body.js';

/** Everything a handler needs: the stack, the caller and the request's SQL scope. */
export interface StorageRequest {
  ctx: StackContext;
  identity: Identity;
  scope: RequestScope;
}

const tx = <T>(req: StorageRequest, fn: (tx: StorageTx) => Promise<T>) =>
  transaction(req.ctx.db.storage, req.scope, fn);

const isEmptyFolderPlaceholder = (key: string) => key.endsWith('.emptyFolderPlaceholder');

/** Storage's validateMimeType: `type/subtype` or `type/*` (parameters such as charset ignored). */
export function validateMimeType(mimeType: string, allowed: string[]): void {
  const [type, subtype] = (mimeType.split(';')[0] ?? '').trim().toLowerCase().split('/');
  if (!type || !subtype) throw ERRORS.invalidMimeType(mimeType);
  for (const entry of allowed) {
    const [allowedType, allowedSubtype] = (entry.split(';')[0] ?? '').trim().toLowerCase().split('/');
    if (allowedType === type && (allowedSubtype === '*' || allowedSubtype === subtype)) return;
  }
  throw ERRORS.invalidMimeType(mimeType);
}

// ---------------------------------------------------------------- upload

export interface UploadOptions {
  bucket: string;
  key: string;
  upsert: boolean;
  /** JWT sub recorded as owner_id (signed uploads: the signer's). */
  owner: string | undefined;
}

/**
 * Upload as Storage does it: bucket limits first, then an RLS permission test (a rolled-back
 * INSERT, or upsert), then the bytes to a temp file, then — in one transaction — the row and
 * the rename into place. Any failure leaves neither a file nor a row.
 */
export async function uploadObject(c: Context, req: StorageRequest, options: UploadOptions) {
  const { bucket, key, upsert, owner } = options;
  mustBeValidBucketName(bucket);
  mustBeValidKey(key);
  const root = req.ctx.config.storageDir;
  const bucketRow = await tx(req, (t) => t.asService(() => findBucket(t, bucket)));
  if (!bucketRow) throw ERRORS.noSuchBucket();

  const upload = await readUploadBody(c.req.raw);
  let staged: StagedFile;
  try {
    const limit = isEmptyFolderPlaceholder(key)
      ? 0
      : Math.min(req.ctx.config.fileSizeLimit, bucketRow.file_size_limit ?? Number.POSITIVE_INFINITY);
    if (bucketRow.allowed_mime_types?.length && !isEmptyFolderPlaceholder(key)) {
      validateMimeType(upload.mimeType, bucketRow.allowed_mime_types);
    }
    if (upload.declaredLength !== undefined && upload.declaredLength > limit) throw ERRORS.entityTooLarge();

    const probe = {
      bucketId: bucket,
      name: key,
      sub: owner,
      version: '1',
      metadata: { mimetype: upload.mimeType, contentLength: upload.declaredLength },
      userMetadata: upload.userMetadata,
    };
    await tx(req, (t) =>
      t.testPermission(() => (upsert ? upsertObject(t, probe) : insertObject(t, probe))),
    ).catch((error) => {
      throw !upsert && isUniqueViolation(error) ? ERRORS.keyAlreadyExists() : error;
    });
    staged = await stageUpload(root, bucket, key, upload.body, limit);
  } catch (error) {
    upload.cancel();
    throw error;
  }

  const metadata: ObjectMetadata = {
    eTag: staged.eTag,
    size: staged.size,
    mimetype: upload.mimeType,
    cacheControl: upload.cacheControl,
    lastModified: new Date().toISOString(),
    contentLength: staged.size,
    httpStatusCode: 200,
  };
  try {
    const id = await tx(req, async (t) => {
      const object = {
        bucketId: bucket,
        name: key,
        sub: owner,
        version: randomUUID(),
        metadata,
        // storage-api stores a copy, so an upload without metadata reads back as {}, not null.
        userMetadata: { ...upload.userMetadata },
      };
      const id = await t.asService(async () =>
        upsert ? (await upsertObject(t, object)).id : await insertObject(t, object),
      );
      const change = await commitStaged(staged);
      t.onRollback(change.undo);
      t.afterCommit(change.finish);
      return id;
    });
    return { id, key: `${bucket}/${key}` };
  } catch (error) {
    await discardStaged(staged);
    throw !upsert && isUniqueViolation(error) ? ERRORS.keyAlreadyExists() : error;
  }
}

// ---------------------------------------------------------------- read

export type ReadMode =
  /** GET /object/<b>/<p> and /object/authenticated/…: RLS unless the bucket is public. */
  | 'caller'
  /** /object/public/…: public buckets only, no RLS. */
  | 'public'
  /** /object/sign/… after the token was verified: no RLS. */
  | 'signed';

/** An object a read route may serve, with its bucket (whose allowed types shape the headers). */
export interface ReadableObject {
  object: ObjectRow;
  bucket: BucketRow;
}

/** Finds the object a read route serves, with Storage's bucket/visibility rules. */
export async function findReadableObject(
  req: StorageRequest,
  bucket: string,
  key: string,
  mode: ReadMode,
): Promise<ReadableObject> {
  mustBeValidKey(key);
  return tx(req, async (t) => {
    const bucketRow = await t.asService(() => findBucket(t, bucket));
    if (mode === 'signed') {
      const object = bucketRow && (await t.asService(() => findObject(t, bucket, key)));
      if (!object) throw ERRORS.noSuchKey();
      return { object, bucket: bucketRow };
    }
    if (mode === 'public' && !bucketRow?.public) throw ERRORS.noSuchBucket();
    if (!req.identity.authenticated && !bucketRow?.public) throw ERRORS.noSuchBucket();
    if (!bucketRow) throw ERRORS.noSuchBucket();
    const object = bucketRow.public
      ? await t.asService(() => findObject(t, bucket, key))
      : await findObject(t, bucket, key);
    if (!object) throw ERRORS.noSuchKey();
    return { object, bucket: bucketRow };
  });
}

function parseRange(
  header: string | undefined,
  size: number,
): { start: number; end: number } | 'invalid' | undefined {
  if (!header) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match) return undefined; // multiple or unknown ranges: serve everything
  const [, from = '', to = ''] = match;
  if (from === '' && to === '') return 'invalid';
  let start: number;
  let end: number;
  if (from === '') {
    const suffix = Number(to);
    if (suffix === 0) return 'invalid';
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(from);
    end = to === '' ? size - 1 : Math.min(Number(to), size - 1);
  }
  if (start >= size || start > end) return 'invalid';
  return { start, end };
}

function notFoundResponse(): Response {
  return new Response(
    JSON.stringify({
      error: 'Not found',
      message: 'The resource was not found',
      statusCode: '404',
      code: 'NoSuchKey',
    }),
    { status: 400, headers: { 'content-type': 'application/json', 'cache-control': 'no-store' } },
  );
}

function etagMatches(header: string, etag: string): boolean {
  const bare = (value: string) => value.trim().replace(/^W\//, '');
  return header.split(',').some((candidate) => candidate.trim() === '*' || bare(candidate) === bare(etag));
}

/** Cache-Control comes from the uploader: a value with a line break would be a second header. */
const isSafeHeaderValue = (value: unknown): value is string =>
  typeof value === 'string' && /^[\t\x20-\x7e\x80-\xff]*$/.test(value);

/**
 * Serves an object's bytes with Storage's headers: Content-Type, Cache-Control (or Expires for
 * signed URLs), ETag, Last-Modified, Content-Length, Accept-Ranges; honours If-None-Match,
 * If-Modified-Since, a single Range and ?download. Content headers keep active content from
 * running on this origin (content-type.ts).
 */
export async function renderObject(
  c: Context,
  req: StorageRequest,
  { object, bucket }: ReadableObject,
  options: { download?: string; expires?: string; headOnly: boolean },
): Promise<Response> {
  const opened: OpenedObject | undefined = await openObject(
    req.ctx.config.storageDir,
    object.bucket_id,
    object.name,
  );
  if (!opened) return notFoundResponse();
  const metadata = object.metadata ?? {};
  const size = opened.stats.size;
  const eTag = metadata.eTag ?? `"${opened.stats.mtimeMs.toString(16)}-${size.toString(16)}"`;
  const lastModified = new Date(metadata.lastModified ?? opened.stats.mtime);
  const headers = new Headers({
    'accept-ranges': 'bytes',
    ...objectContentHeaders(metadata.mimetype, bucket.allowed_mime_types),
    etag: eTag,
    'x-robots-tag': 'none',
  });
  if (!Number.isNaN(lastModified.getTime())) headers.set('last-modified', lastModified.toUTCString());
  if (options.expires) headers.set('expires', options.expires);
  else if (metadata.cacheControl && isSafeHeaderValue(metadata.cacheControl)) {
    headers.set('cache-control', metadata.cacheControl);
  }
  if (options.download !== undefined) {
    const name = encodeURIComponent(options.download);
    headers.set(
      'content-disposition',
      options.download === '' ? 'attachment;' : `attachment; filename=${name}; filename*=UTF-8''${name}`,
    );
  }

  const ifNoneMatch = c.req.header('if-none-match');
  const ifModifiedSince = c.req.header('if-modified-since');
  const notModified = ifNoneMatch
    ? etagMatches(ifNoneMatch, eTag)
    : ifModifiedSince !== undefined &&
      !Number.isNaN(Date.parse(ifModifiedSince)) &&
      Math.floor(lastModified.getTime() / 1000) <= Math.floor(Date.parse(ifModifiedSince) / 1000);
  if (notModified) return new Response(null, { status: 304, headers });

  const range = parseRange(c.req.header('range'), size);
  if (range === 'invalid') {
    const error = ERRORS.invalidRange();
    return new Response(JSON.stringify(error.body()), {
      status: 416,
      headers: { 'content-type': 'application/json', 'content-range': `bytes */${size}` },
    });
  }
  if (range) {
    headers.set('content-range', `bytes ${range.start}-${range.end}/${size}`);
    headers.set('content-length', String(range.end - range.start + 1));
    return new Response(options.headOnly ? null : opened.stream(range), { status: 206, headers });
  }
  headers.set('content-length', String(size));
  return new Response(options.headOnly || size === 0 ? null : opened.stream(), { status: 200, headers });
}

/** The info route's JSON (camelCased by storage-js). */
export function objectInfo(object: ObjectRow) {
  const metadata = object.metadata ?? {};
  return {
    id: object.id,
    name: object.name,
    version: object.version,
    bucket_id: object.bucket_id,
    size: metadata.size ?? null,
    content_type: metadata.mimetype ?? null,
    cache_control: metadata.cacheControl ?? null,
    etag: metadata.eTag ?? null,
    metadata: object.user_metadata,
    last_modified: object.updated_at,
    created_at: object.created_at,
  };
}

// ---------------------------------------------------------------- delete

/** DELETE /object/<b>/<p>: the caller must be able to delete it (else AccessDenied). */
export async function deleteObject(req: StorageRequest, bucket: string, key: string) {
  mustBeValidKey(key);
  await tx(req, async (t) => {
    const object = await t.asService(() => findObject(t, bucket, key, true));
    if (!object) throw ERRORS.noSuchKey();
    if ((await deleteObjectRow(t, bucket, key)) === 0) throw ERRORS.accessDenied('Access denied');
    const change = await trashObjectFile(req.ctx.config.storageDir, bucket, key);
    t.onRollback(change.undo);
    t.afterCommit(change.finish);
  });
}

/** DELETE /object/<b> {prefixes}: returns the rows the caller could delete. */
export async function deleteObjects(req: StorageRequest, bucket: string, names: string[]) {
  return tx(req, async (t) => {
    const rows = await deleteObjectRows(t, bucket, names);
    for (const row of rows) {
      if (!isValidKey(row.name)) continue; // a row made in SQL with a name no file can have
      const change = await trashObjectFile(req.ctx.config.storageDir, bucket, row.name);
      t.onRollback(change.undo);
      t.afterCommit(change.finish);
    }
    return rows;
  });
}

// ---------------------------------------------------------------- list

export interface ListOptions {
  prefix: string;
  limit?: number;
  offset?: number;
  search?: string;
  sortBy?: { column?: string; order?: string };
}

const SORT_COLUMNS = ['name', 'updated_at', 'created_at', 'last_accessed_at'] as const;

export async function listObjects(req: StorageRequest, bucket: string, options: ListOptions) {
  let prefix = options.prefix;
  if (prefix.length > 0 && !prefix.endsWith('/')) prefix = `${prefix}/`;
  const column = (options.sortBy?.column ?? 'name').toLowerCase();
  const sortColumn = (SORT_COLUMNS as readonly string[]).includes(column)
    ? (column as (typeof SORT_COLUMNS)[number])
    : 'name';
  return tx(req, (t) =>
    searchObjects(t, bucket, prefix, {
      limit: Math.min(options.limit ?? 100, 1500),
      offset: options.offset ?? 0,
      search: options.search ?? '',
      sortColumn,
      sortOrder: options.sortBy?.order?.toLowerCase() === 'desc' ? 'desc' : 'asc',
    }),
  );
}

// ---------------------------------------------------------------- move / copy

export interface MoveOptions {
  bucketId: string;
  sourceKey: string;
  destinationKey: string;
  destinationBucket?: string;
}

/**
 * Move = SELECT + UPDATE under RLS (tested in a rolled-back savepoint), then the rename of
 * row and file in one transaction.
 */
export async function moveObject(req: StorageRequest, options: MoveOptions) {
  const { bucketId, sourceKey, destinationKey } = options;
  const destinationBucket = options.destinationBucket || bucketId;
  mustBeValidKey(sourceKey);
  mustBeValidKey(destinationKey);
  mustBeValidBucketName(bucketId);
  mustBeValidBucketName(destinationBucket);
  const owner = req.identity.sub;
  const version = randomUUID();
  return tx(req, async (t) => {
    await t.testPermission(async () => {
      if (!(await findObject(t, bucketId, sourceKey))) throw ERRORS.noSuchKey();
      const updated = await renameObject(
        t,
        { bucketId, name: sourceKey },
        { bucketId: destinationBucket, name: destinationKey, sub: owner, version },
      );
      if (updated === 0) throw ERRORS.noSuchKey();
    });
    const source = await t.asService(() => findObject(t, bucketId, sourceKey, true));
    if (!source) throw ERRORS.noSuchKey();
    if (bucketId === destinationBucket && sourceKey === destinationKey) return source;
    await t.asService(() =>
      renameObject(
        t,
        { bucketId, name: sourceKey },
        { bucketId: destinationBucket, name: destinationKey, sub: owner, version },
      ),
    );
    const change = await moveObjectFile(
      req.ctx.config.storageDir,
      { bucket: bucketId, key: sourceKey },
      { bucket: destinationBucket, key: destinationKey },
    );
    t.onRollback(change.undo);
    t.afterCommit(change.finish);
    return { ...source, bucket_id: destinationBucket, name: destinationKey, version };
  });
}

export interface CopyOptions extends MoveOptions {
  upsert: boolean;
  copyMetadata?: boolean;
  metadata?: { cacheControl?: string; mimetype?: string };
  userMetadata?: Record<string, unknown>;
}

/** Copy = SELECT the source + INSERT (or upsert) the destination under RLS. */
export async function copyObject(req: StorageRequest, options: CopyOptions) {
  const { bucketId, sourceKey, destinationKey, upsert } = options;
  const destinationBucket = options.destinationBucket || bucketId;
  mustBeValidKey(sourceKey);
  mustBeValidKey(destinationKey);
  mustBeValidBucketName(bucketId);
  mustBeValidBucketName(destinationBucket);
  const owner = req.identity.sub;
  const copyMetadata = options.copyMetadata ?? true;

  const source = await tx(req, (t) => findObject(t, bucketId, sourceKey));
  if (!source) throw ERRORS.noSuchKey();
  const metadata: Partial<ObjectMetadata> = { ...(source.metadata ?? {}) };
  if (!copyMetadata) {
    if (options.metadata?.cacheControl !== undefined) metadata.cacheControl = options.metadata.cacheControl;
    if (options.metadata?.mimetype !== undefined) metadata.mimetype = options.metadata.mimetype;
  }
  const userMetadata = copyMetadata ? source.user_metadata : options.userMetadata;
  const probe = {
    bucketId: destinationBucket,
    name: destinationKey,
    sub: owner,
    version: '1',
    metadata,
    userMetadata,
  };
  await tx(req, (t) =>
    t.testPermission(() => (upsert ? upsertObject(t, probe) : insertObject(t, probe))),
  ).catch((error) => {
    throw !upsert && isUniqueViolation(error) ? ERRORS.keyAlreadyExists() : error;
  });

  const staged = await stageCopy(
    req.ctx.config.storageDir,
    { bucket: bucketId, key: sourceKey },
    destinationBucket,
    destinationKey,
  );
  try {
    return await tx(req, async (t) => {
      const object = {
        ...probe,
        version: randomUUID(),
        metadata: {
          ...metadata,
          eTag: staged.eTag,
          size: staged.size,
          contentLength: staged.size,
          lastModified: new Date().toISOString(),
        },
      };
      const row = await t.asService(async () => {
        if (upsert) return upsertObject(t, object);
        const id = await insertObject(t, object);
        return (await findObject(t, destinationBucket, destinationKey)) ?? ({ id } as ObjectRow);
      });
      const change = await commitStaged(staged);
      t.onRollback(change.undo);
      t.afterCommit(change.finish);
      return row;
    });
  } catch (error) {
    await discardStaged(staged);
    throw !upsert && isUniqueViolation(error) ? ERRORS.keyAlreadyExists() : error;
  }
}

// ---------------------------------------------------------------- signing helpers

/** createSignedUrl needs SELECT on the object (invisible ⇒ NoSuchKey). */
export async function assertVisible(req: StorageRequest, bucket: string, key: string) {
  mustBeValidKey(key);
  const object = await tx(req, (t) => findObject(t, bucket, key));
  if (!object) throw ERRORS.noSuchKey();
}

export async function visibleNames(req: StorageRequest, bucket: string, names: string[]) {
  return tx(req, (t) => findObjectNames(t, bucket, names));
}

/** createSignedUploadUrl: the caller must be allowed to INSERT (upsert: and UPDATE) it. */
export async function assertCanUpload(req: StorageRequest, bucket: string, key: string, upsert: boolean) {
  mustBeValidKey(key);
  const probe = {
    bucketId: bucket,
    name: key,
    sub: req.identity.sub,
    version: '1',
    metadata: null,
    userMetadata: null,
  };
  await tx(req, (t) =>
    t.testPermission(() => (upsert ? upsertObject(t, probe) : insertObject(t, probe))),
  ).catch((error) => {
    throw !upsert && isUniqueViolation(error) ? ERRORS.keyAlreadyExists() : error;
  });
}
