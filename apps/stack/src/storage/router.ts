import { type Context, Hono } from 'hono';
import { routePath } from 'hono/route';
import type { StackContext, StackEnv } from '../context.js';
import { databaseReachable } from '../db.js';
import { authenticate, type Identity, requireRole, SERVICE_IDENTITY } from './auth.js';
import { createBucket, deleteBucket, emptyBucket, getBucket, listBuckets, updateBucket } from './buckets.js';
import type { ListBucketOptions } from './db.js';
import { ERRORS, renderError } from './errors.js';
import { type ListV2Options, listObjectsV2 } from './list-v2.js';
import {
  assertCanUpload,
  assertVisible,
  copyObject,
  deleteObject,
  deleteObjects,
  findReadableObject,
  listObjects,
  moveObject,
  objectInfo,
  type ReadMode,
  renderObject,
  type StorageRequest,
  uploadObject,
  visibleNames,
} from './objects.js';
import { parseExpiresIn, signDownloadToken, signUploadToken, verifyObjectToken } from './signed-urls.js';
import { parseMetadataHeader } from './upload-body.js';

/**
 * The Storage API as storage-js 2.119 uses it, mounted at /storage/v1. Kong puts no key-auth
 * here: routes verify the caller's JWT themselves ('jwt'), treat a missing/invalid one as anon
 * ('optional', Storage's allowInvalidJwt), or need none ('none': public and signed-URL routes,
 * which read with service_role).
 */
type Auth = 'jwt' | 'optional' | 'none';

interface Params {
  bucket: string;
  /** The `*` tail: the object name, percent-decoded. */
  key: string;
  id: string;
}

type Handler = (c: Context<StackEnv>, req: StorageRequest, params: Params) => Promise<Response>;

/**
 * Path parameters read from the still-encoded URL path so an encoded '/' stays inside its
 * segment until the whole object name is decoded (and then validated as a key).
 */
function pathParams(c: Context): Params {
  const pattern = routePath(c).split('/');
  const segments = new URL(c.req.url).pathname.split('/');
  const decode = (value: string) => {
    try {
      return decodeURIComponent(value);
    } catch {
      throw ERRORS.invalidKey(value);
    }
  };
  const params: Params = { bucket: '', key: '', id: '' };
  pattern.forEach((part, i) => {
    if (part === '*') params.key = decode(segments.slice(i).join('/'));
    else if (part === ':bucket') params.bucket = decode(segments[i] ?? '');
    else if (part === ':id') params.id = decode(segments[i] ?? '');
  });
  return params;
}

async function jsonBody<T = Record<string, unknown>>(c: Context): Promise<T> {
  const text = await c.req.text();
  if (!text) return {} as T;
  try {
    const parsed = JSON.parse(text) as unknown;
    if (!parsed || typeof parsed !== 'object') throw new Error('not an object');
    return parsed as T;
  } catch {
    throw ERRORS.invalidRequest('Body is not valid JSON');
  }
}

const isHead = (c: Context) => c.req.method === 'HEAD';

function optionalInt(value: string | undefined, name: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0)
    throw ERRORS.invalidRequest(`querystring/${name} must be integer`);
  return number;
}

/** list-v2's body schema, with the messages storage-api's validator gives. */
function listV2Options(body: Record<string, unknown>): ListV2Options {
  const { prefix, limit, cursor, with_delimiter: withDelimiter, sortBy } = body;
  const mustBe = (name: string, what: string) => ERRORS.invalidRequest(`body/${name} must be ${what}`);
  if (prefix !== undefined && typeof prefix !== 'string') throw mustBe('prefix', 'string');
  if (cursor !== undefined && typeof cursor !== 'string') throw mustBe('cursor', 'string');
  if (withDelimiter !== undefined && typeof withDelimiter !== 'boolean')
    throw mustBe('with_delimiter', 'boolean');
  if (limit !== undefined) {
    if (typeof limit !== 'number' || !Number.isInteger(limit)) throw mustBe('limit', 'integer');
    if (limit < 1) throw mustBe('limit', '>= 1');
  }
  let sort: ListV2Options['sortBy'];
  if (sortBy !== undefined) {
    if (!sortBy || typeof sortBy !== 'object') throw mustBe('sortBy', 'object');
    const { column, order } = sortBy as Record<string, unknown>;
    if (column === undefined) throw ERRORS.invalidRequest("body/sortBy must have required property 'column'");
    if (typeof column !== 'string' || !['name', 'updated_at', 'created_at'].includes(column))
      throw mustBe('sortBy/column', 'equal to one of the allowed values');
    if (order !== undefined && (typeof order !== 'string' || !['asc', 'desc'].includes(order)))
      throw mustBe('sortBy/order', 'equal to one of the allowed values');
    sort = { column, order: order as string | undefined };
  }
  return { prefix, limit, cursor, withDelimiter, sortBy: sort };
}

export function createStorageRouter(ctx: StackContext): Hono<StackEnv> {
  const app = new Hono<StackEnv>();

  const route =
    (operation: string | ((c: Context) => string), auth: Auth, handler: Handler, roles?: string[]) =>
    async (c: Context<StackEnv>) => {
      try {
        const identity: Identity =
          auth === 'none'
            ? SERVICE_IDENTITY
            : await authenticate(c, ctx, { allowInvalidJwt: auth === 'optional' });
        if (roles) requireRole(identity, roles);
        const req: StorageRequest = {
          ctx,
          identity,
          scope: {
            identity,
            operation: typeof operation === 'string' ? operation : operation(c),
            method: c.req.method,
            path: c.req.path,
            headers: Object.fromEntries(c.req.raw.headers),
          },
        };
        return await handler(c, req, pathParams(c));
      } catch (error) {
        return renderError(c, error, (err) => ctx.log.error({ err, path: c.req.path }, 'storage error'));
      }
    };

  /** GET (and HEAD) of an object's bytes. */
  const serve =
    (mode: ReadMode): Handler =>
    async (c, req, { bucket, key }) => {
      const readable = await findReadableObject(req, bucket, key, mode);
      return renderObject(c, req, readable, { download: c.req.query('download'), headOnly: isHead(c) });
    };

  /** GET /object/info/…: the object's row as JSON. */
  const info =
    (mode: ReadMode): Handler =>
    async (c, req, { bucket, key }) => {
      const { object } = await findReadableObject(req, bucket, key, mode);
      const body = objectInfo(object);
      if (body.etag) c.header('etag', body.etag);
      if (body.cache_control) c.header('cache-control', body.cache_control);
      return c.json(body);
    };

  const headOr = (head: string, get: string) => (c: Context) => (isHead(c) ? head : get);

  // Storage's health check (no auth); here it also says whether the database answers.
  app.get('/status', async (c) =>
    (await databaseReachable(ctx.db.storage))
      ? c.body(null, 200)
      : renderError(c, ERRORS.databaseUnavailable()),
  );

  // ------------------------------------------------------------------ buckets

  app.get(
    '/bucket',
    route('storage.bucket.list', 'jwt', async (c, req) => {
      const sortColumn = c.req.query('sortColumn');
      const sortOrder = c.req.query('sortOrder');
      if (sortColumn && !['id', 'name', 'created_at', 'updated_at'].includes(sortColumn)) {
        throw ERRORS.invalidRequest('querystring/sortColumn must be equal to one of the allowed values');
      }
      if (sortOrder && !['asc', 'desc'].includes(sortOrder)) {
        throw ERRORS.invalidRequest('querystring/sortOrder must be equal to one of the allowed values');
      }
      const options: ListBucketOptions = {
        limit: optionalInt(c.req.query('limit'), 'limit'),
        offset: optionalInt(c.req.query('offset'), 'offset'),
        search: c.req.query('search'),
        sortColumn: sortColumn as ListBucketOptions['sortColumn'],
        sortOrder: sortOrder as ListBucketOptions['sortOrder'],
      };
      return c.json(await listBuckets(req, options));
    }),
  );
  app.get(
    '/bucket/:id',
    route('storage.bucket.get', 'jwt', async (c, req, { id }) => c.json(await getBucket(req, id))),
  );
  app.post(
    '/bucket',
    route('storage.bucket.create', 'jwt', async (c, req) =>
      c.json(await createBucket(req, await jsonBody(c))),
    ),
  );
  app.put(
    '/bucket/:id',
    route('storage.bucket.update', 'jwt', async (c, req, { id }) => {
      await updateBucket(req, id, await jsonBody(c));
      return c.json({ message: 'Successfully updated' });
    }),
  );
  app.delete(
    '/bucket/:id',
    route('storage.bucket.delete', 'jwt', async (c, req, { id }) => {
      await deleteBucket(req, id);
      return c.json({ message: 'Successfully deleted' });
    }),
  );
  app.post(
    '/bucket/:id/empty',
    route(
      'storage.bucket.empty',
      'jwt',
      async (c, req, { id }) => {
        await emptyBucket(req, id);
        return c.json({ message: 'Empty bucket has been queued. Completion may take up to an hour.' });
      },
      ['service_role'],
    ),
  );

  // ------------------------------------------------------------------ objects: specific routes first

  app.post(
    '/object/list/:bucket',
    route('storage.object.list', 'jwt', async (c, req, { bucket }) => {
      const body = await jsonBody<{
        prefix?: unknown;
        limit?: unknown;
        offset?: unknown;
        search?: unknown;
        sortBy?: { column?: unknown; order?: unknown };
      }>(c);
      if (typeof body.prefix !== 'string')
        throw ERRORS.invalidRequest("body must have required property 'prefix'");
      const int = (value: unknown, name: string, min: number) => {
        if (value === undefined) return undefined;
        if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
          throw ERRORS.invalidRequest(`body/${name} must be >= ${min}`);
        }
        return value;
      };
      return c.json(
        await listObjects(req, bucket, {
          prefix: body.prefix,
          limit: int(body.limit, 'limit', 1),
          offset: int(body.offset, 'offset', 0),
          search: typeof body.search === 'string' ? body.search : undefined,
          sortBy: {
            column: typeof body.sortBy?.column === 'string' ? body.sortBy.column : undefined,
            order: typeof body.sortBy?.order === 'string' ? body.sortBy.order : undefined,
          },
        }),
      );
    }),
  );

  app.post(
    '/object/list-v2/:bucket',
    route('storage.object.list_v2', 'jwt', async (c, req, { bucket }) => {
      const body = await jsonBody<Record<string, unknown>>(c);
      return c.json(await listObjectsV2(req, bucket, listV2Options(body)));
    }),
  );

  const keysOf = (body: Record<string, unknown>) => {
    const { bucketId, sourceKey, destinationKey, destinationBucket } = body;
    for (const [name, value] of Object.entries({ bucketId, sourceKey, destinationKey })) {
      if (typeof value !== 'string')
        throw ERRORS.invalidRequest(`body must have required property '${name}'`);
    }
    return {
      bucketId: bucketId as string,
      sourceKey: sourceKey as string,
      destinationKey: destinationKey as string,
      destinationBucket: typeof destinationBucket === 'string' ? destinationBucket : undefined,
    };
  };

  app.post(
    '/object/move',
    route('storage.object.move', 'jwt', async (c, req) => {
      const moved = await moveObject(req, keysOf(await jsonBody(c)));
      return c.json({ message: 'Successfully moved', Id: moved.id, Key: moved.name });
    }),
  );
  app.post(
    '/object/copy',
    route('storage.object.copy', 'jwt', async (c, req) => {
      const body = await jsonBody(c);
      const keys = keysOf(body);
      const metadata = body.metadata as { cacheControl?: string; mimetype?: string } | undefined;
      const row = await copyObject(req, {
        ...keys,
        upsert: c.req.header('x-upsert') === 'true',
        copyMetadata: typeof body.copyMetadata === 'boolean' ? body.copyMetadata : undefined,
        metadata: metadata && typeof metadata === 'object' ? metadata : undefined,
        userMetadata: parseMetadataHeader(c.req.header('x-metadata')),
      });
      const destinationBucket = keys.destinationBucket || keys.bucketId;
      return c.json({ Id: row.id, Key: `${destinationBucket}/${keys.destinationKey}`, ...row });
    }),
  );

  app.post(
    '/object/sign/:bucket',
    route('storage.object.sign_many', 'jwt', async (c, req, { bucket }) => {
      const body = await jsonBody<{ expiresIn?: unknown; paths?: unknown }>(c);
      const expiresIn = parseExpiresIn(body.expiresIn);
      if (!Array.isArray(body.paths) || !body.paths.every((path) => typeof path === 'string')) {
        throw ERRORS.invalidRequest("body must have required property 'paths'");
      }
      const paths = body.paths as string[];
      const visible = await visibleNames(req, bucket, paths);
      return c.json(
        await Promise.all(
          paths.map(async (path) =>
            visible.has(path)
              ? {
                  error: null,
                  path,
                  signedURL: `/object/sign/${bucket}/${path}?token=${await signDownloadToken(
                    ctx.config.jwtSecret,
                    `${bucket}/${path}`,
                    expiresIn,
                  )}`,
                }
              : {
                  error: 'Either the object does not exist or you do not have access to it',
                  path,
                  signedURL: null,
                },
          ),
        ),
      );
    }),
  );
  app.post(
    '/object/sign/:bucket/*',
    route('storage.object.sign', 'jwt', async (c, req, { bucket, key }) => {
      const body = await jsonBody<{ expiresIn?: unknown }>(c);
      const expiresIn = parseExpiresIn(body.expiresIn);
      await assertVisible(req, bucket, key);
      const url = `${bucket}/${key}`;
      const token = await signDownloadToken(ctx.config.jwtSecret, url, expiresIn);
      return c.json({ signedURL: `/object/sign/${url}?token=${token}` });
    }),
  );
  app.get(
    '/object/sign/:bucket/*',
    route('storage.object.get_signed', 'none', async (c, req, { bucket, key }) => {
      const token = await verifyObjectToken(
        ctx.config.jwtSecret,
        c.req.query('token'),
        bucket,
        key,
        'download',
      );
      const readable = await findReadableObject(req, bucket, key, 'signed');
      return renderObject(c, req, readable, {
        download: c.req.query('download'),
        expires: new Date(token.exp * 1000).toUTCString(),
        headOnly: isHead(c),
      });
    }),
  );

  app.post(
    '/object/upload/sign/:bucket/*',
    route('storage.object.sign_upload_url', 'jwt', async (c, req, { bucket, key }) => {
      const upsert = c.req.header('x-upsert') === 'true';
      await assertCanUpload(req, bucket, key, upsert);
      const url = `${bucket}/${key}`;
      const token = await signUploadToken(ctx.config.jwtSecret, url, req.identity.sub, upsert);
      return c.json({ url: `/object/upload/sign/${url}?token=${token}`, token });
    }),
  );
  app.put(
    '/object/upload/sign/:bucket/*',
    route('storage.object.upload_signed', 'none', async (c, req, { bucket, key }) => {
      const token = await verifyObjectToken(
        ctx.config.jwtSecret,
        c.req.query('token'),
        bucket,
        key,
        'upload',
      );
      const uploaded = await uploadObject(c, req, {
        bucket,
        key,
        upsert: token.upsert === true,
        owner: typeof token.owner === 'string' ? token.owner : undefined,
      });
      return c.json({ Key: uploaded.key });
    }),
  );

  app.get(
    '/object/public/:bucket/*',
    route(headOr('storage.object.info_public', 'storage.object.get_public'), 'none', serve('public')),
  );
  app.get(
    '/object/authenticated/:bucket/*',
    route(
      headOr('object.head_authenticated_info', 'storage.object.get_authenticated'),
      'jwt',
      serve('caller'),
    ),
  );
  app.get('/object/info/public/:bucket/*', route('storage.object.info_public', 'none', info('public')));
  app.get(
    '/object/info/authenticated/:bucket/*',
    route('object.get_authenticated_info', 'jwt', info('caller')),
  );
  app.get('/object/info/:bucket/*', route('object.get_authenticated_info', 'optional', info('caller')));

  // ------------------------------------------------------------------ objects: /object/<bucket>/<path>

  app.get(
    '/object/:bucket/*',
    route(
      headOr('object.head_authenticated_info', 'storage.object.get_authenticated'),
      'optional',
      serve('caller'),
    ),
  );
  app.post(
    '/object/:bucket/*',
    route('storage.object.upload', 'jwt', async (c, req, { bucket, key }) => {
      const uploaded = await uploadObject(c, req, {
        bucket,
        key,
        upsert: c.req.header('x-upsert') === 'true',
        owner: req.identity.sub,
      });
      return c.json({ Id: uploaded.id, Key: uploaded.key });
    }),
  );
  app.put(
    '/object/:bucket/*',
    route('storage.object.upload_update', 'jwt', async (c, req, { bucket, key }) => {
      const uploaded = await uploadObject(c, req, { bucket, key, upsert: true, owner: req.identity.sub });
      return c.json({ Id: uploaded.id, Key: uploaded.key });
    }),
  );
  app.delete(
    '/object/:bucket',
    route('storage.object.delete_many', 'jwt', async (c, req, { bucket }) => {
      const body = await jsonBody<{ prefixes?: unknown }>(c);
      if (!Array.isArray(body.prefixes) || body.prefixes.length < 1 || body.prefixes.length > 1000) {
        throw ERRORS.invalidRequest('body/prefixes must contain between 1 and 1000 items');
      }
      // storage-js 2.119 also sends {path, versionId} entries.
      const names = body.prefixes.map((entry: unknown) =>
        typeof entry === 'string' ? entry : String((entry as { path?: unknown } | null)?.path ?? ''),
      );
      return c.json(await deleteObjects(req, bucket, names));
    }),
  );
  app.delete(
    '/object/:bucket/*',
    route('storage.object.delete', 'jwt', async (c, req, { bucket, key }) => {
      await deleteObject(req, bucket, key);
      return c.json({ message: 'Successfully deleted' });
    }),
  );

  return app;
}
