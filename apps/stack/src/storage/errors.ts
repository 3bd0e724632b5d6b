import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { isDatabaseUnavailable, isInvalidValue } from '../db-errors.js';

/**
 * A Storage API error as supabase/storage renders it: body
 * `{statusCode: '<real status>', code, error, message}` while the HTTP status is 400 for
 * nearly everything (500 stays 500) unless the error says otherwise — "the big quirk".
 */
export class StorageError extends Error {
  /** The HTTP status actually sent. */
  readonly httpStatus: number;

  constructor(
    readonly code: string,
    /** The "real" status, sent as a string in the body's `statusCode`. */
    readonly status: number,
    message: string,
    /** Legacy `error` field; defaults to the code. */
    readonly legacyError?: string,
    httpStatus?: number,
  ) {
    super(message);
    this.httpStatus = httpStatus ?? (status === 500 ? 500 : 400);
  }

  body() {
    return {
      statusCode: String(this.status),
      code: this.code,
      error: this.legacyError ?? this.code,
      message: this.message,
    };
  }

  withHttpStatus(status: number): StorageError {
    return new StorageError(this.code, this.status, this.message, this.legacyError, status);
  }
}

export const ERRORS = {
  noSuchBucket: () => new StorageError('NoSuchBucket', 404, 'Bucket not found', 'Bucket not found'),
  noSuchKey: () => new StorageError('NoSuchKey', 404, 'Object not found', 'not_found'),
  invalidKey: (key: string) => new StorageError('InvalidKey', 400, `Invalid key: ${key}`),
  /** A key whose file would collide with a folder (or the reverse) on the local disk. */
  keyConflict: (key: string) =>
    new StorageError(
      'InvalidKey',
      400,
      `Invalid key: ${key} (an object and a folder cannot share this name on this server)`,
    ),
  invalidBucketName: () => new StorageError('InvalidBucketName', 400, 'Bucket name invalid', 'Invalid Input'),
  keyAlreadyExists: () =>
    new StorageError('KeyAlreadyExists', 409, 'The resource already exists', 'Duplicate'),
  bucketAlreadyExists: () =>
    new StorageError('BucketAlreadyExists', 409, 'The resource already exists', 'Duplicate'),
  resourceAlreadyExists: () =>
    new StorageError('ResourceAlreadyExists', 409, 'The resource already exists', 'Duplicate'),
  bucketNotEmpty: () =>
    new StorageError('ResourceNotEmpty', 409, 'The bucket you tried to delete is not empty'),
  accessDenied: (message = 'Access denied') => new StorageError('AccessDenied', 403, message, 'Unauthorized'),
  invalidJwt: (message = 'Invalid JWT') => new StorageError('InvalidJWT', 400, message),
  invalidSignature: (message = 'Invalid signature') => new StorageError('InvalidSignature', 400, message),
  expiredToken: () => new StorageError('ExpiredToken', 400, 'The provided token has expired.'),
  entityTooLarge: (entity = 'object') =>
    new StorageError(
      'EntityTooLarge',
      413,
      `The ${entity} exceeded the maximum allowed size`,
      'Payload too large',
    ),
  invalidMimeType: (mime: string) =>
    new StorageError('InvalidMimeType', 415, `mime type ${mime} is not supported`, 'invalid_mime_type'),
  invalidRange: () => new StorageError('InvalidRange', 400, 'invalid range provided', 'invalid_range', 416),
  missingParameter: (name: string) =>
    new StorageError('MissingParameter', 400, `Missing Required Parameter ${name}`),
  invalidParameter: (name: string, message?: string) =>
    new StorageError('InvalidParameter', 400, message ?? `Invalid Parameter ${name}`),
  invalidRequest: (message: string) => new StorageError('InvalidRequest', 400, message),
  noContent: () => new StorageError('InvalidRequest', 400, 'No content provided'),
  invalidFileSizeLimit: () =>
    new StorageError('InvalidRequest', 400, 'Invalid file size format, hint: use 20GB / 20MB / 30KB / 3B'),
  relatedResourceNotFound: () =>
    new StorageError('InvalidRequest', 404, 'The related resource does not exist'),
  databaseTimeout: () =>
    new StorageError('DatabaseTimeout', 544, 'The connection to the database timed out', undefined, 544),
  database: (code: string) => new StorageError('DatabaseError', 500, `database error, code: ${code}`),
  /** Storage has no code of its own for an unreachable database: its generic one, as a 503. */
  databaseUnavailable: () =>
    new StorageError(
      'DatabaseError',
      503,
      'The database is unavailable, please try again later',
      undefined,
      503,
    ),
  internal: (message = 'Internal server error') => new StorageError('InternalError', 500, message),
};

interface PgLikeError {
  code?: string;
  message?: string;
  detail?: string;
}

function isPgError(error: unknown): error is PgLikeError & Error {
  return error instanceof Error && typeof (error as PgLikeError).code === 'string' && 'severity' in error;
}

/**
 * Maps a PostgreSQL error the way Storage's DBError.fromDBError does; an unreachable database
 * is a 503 and any value PostgreSQL refuses (class 22, e.g. a NUL byte) an InvalidParameter.
 */
export function fromPgError(error: unknown): unknown {
  if (isDatabaseUnavailable(error)) return ERRORS.databaseUnavailable();
  if (isInvalidValue(error)) {
    return ERRORS.invalidParameter(
      'value',
      error.message || 'Invalid value format or type conversion failed',
    );
  }
  if (!isPgError(error)) return error;
  switch (error.code) {
    case '42501':
      return ERRORS.accessDenied(
        error.message?.includes('row-level security')
          ? 'new row violates row-level security policy'
          : error.message,
      );
    case '23505':
      return ERRORS.resourceAlreadyExists();
    case '23503':
      if (error.detail?.includes('is still referenced from table')) {
        return new StorageError(
          'InvalidRequest',
          409,
          'The resource could not be updated or removed due to a foreign key constraint',
        );
      }
      return ERRORS.relatedResourceNotFound();
    case '57014':
      return ERRORS.databaseTimeout();
    default:
      return ERRORS.database(error.code ?? 'unknown');
  }
}

export function isUniqueViolation(error: unknown): boolean {
  return (
    (isPgError(error) && error.code === '23505') ||
    (error instanceof StorageError && error.code === 'ResourceAlreadyExists')
  );
}

/** Renders any error as Storage would; unexpected errors become a 500 InternalError. */
export function renderError(c: Context, error: unknown, log?: (error: unknown) => void): Response {
  const mapped = fromPgError(error);
  if (mapped instanceof StorageError) {
    return c.json(mapped.body(), mapped.httpStatus as ContentfulStatusCode);
  }
  log?.(error);
  return c.json(ERRORS.internal().body(), 500);
}
