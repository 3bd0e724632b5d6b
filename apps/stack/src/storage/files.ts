import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, type Stats } from 'node:fs';
import { copyFile, link, mkdir, open, rename, rm, rmdir, stat, unlink } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { ERRORS } from './errors.js';

/**
 * Object bytes live at <storageDir>/<bucket>/<object name>. Every write goes to a temp file in
 * the destination folder, is fsynced and then renamed into place, so a reader (or a crash)
 * never sees half an object. Temp names contain '#', which no valid key may contain.
 */

/** Storage's limits.ts: S3-safe characters only. */
const VALID_OBJECT_KEY = /^[A-Za-z0-9_/!.*'() &$=@;:+,?-]*$/;
const VALID_BUCKET_NAME = /^[A-Za-z0-9_!.*'() &$=@;:+,?-]*$/;

export function isValidBucketName(name: string): boolean {
  return (
    name.length > 0 && name.length < 101 && VALID_BUCKET_NAME.test(name) && name !== '.' && name !== '..'
  );
}

export function mustBeValidBucketName(name: string | undefined): asserts name is string {
  if (!name || !isValidBucketName(name)) throw ERRORS.invalidBucketName();
}

/** Why a key cannot be a path under the storage directory, or undefined when it can. */
function keyProblem(key: string): string | undefined {
  if (key.length === 0) return 'empty';
  if (key.includes('\0')) return 'contains a null byte';
  if (key.includes('\\')) return 'contains a backslash';
  if (isAbsolute(key) || key.startsWith('/')) return 'must be a relative path';
  if (!VALID_OBJECT_KEY.test(key)) return 'contains invalid characters';
  for (const segment of key.split('/')) {
    if (segment === '' || segment === '.' || segment === '..') return 'contains an empty or dot segment';
    if (Buffer.byteLength(segment) > 255) return 'has a segment that is too long';
  }
  return undefined;
}

export function isValidKey(key: string): boolean {
  return keyProblem(key) === undefined;
}

export function mustBeValidKey(key: string | undefined): asserts key is string {
  if (key === undefined || keyProblem(key)) throw ERRORS.invalidKey(key ?? '');
}

/** The file of an object; rejects anything that would resolve outside <root>/<bucket>. */
export function objectPath(root: string, bucket: string, key: string): string {
  mustBeValidBucketName(bucket);
  mustBeValidKey(key);
  const bucketDir = resolve(root, bucket);
  const path = resolve(bucketDir, ...key.split('/'));
  if (!path.startsWith(bucketDir + sep)) throw ERRORS.invalidKey(key);
  return path;
}

export function bucketPath(root: string, bucket: string): string {
  mustBeValidBucketName(bucket);
  return resolve(root, bucket);
}

function fsCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/** mkdir -p that reports the directories it created (outermost first). */
async function ensureDir(dir: string, key: string): Promise<string[]> {
  let first: string | undefined;
  try {
    first = await mkdir(dir, { recursive: true });
  } catch (error) {
    if (['ENOTDIR', 'EEXIST'].includes(fsCode(error) ?? '')) throw ERRORS.keyConflict(key);
    throw error;
  }
  if (!first) return [];
  const created = [first];
  const rest = relative(first, dir);
  let current = first;
  for (const part of rest ? rest.split(sep) : []) {
    current = join(current, part);
    created.push(current);
  }
  return created;
}

/** Removes now-empty directories between `dir` and `stopAt` (exclusive), best effort. */
async function pruneEmptyDirs(dir: string, stopAt: string): Promise<void> {
  let current = dir;
  while (current.startsWith(stopAt + sep)) {
    try {
      await rmdir(current);
    } catch {
      return;
    }
    current = dirname(current);
  }
}

async function fsyncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r').catch(() => undefined);
  if (!handle) return;
  await handle.sync().catch(() => undefined);
  await handle.close();
}

function tempSibling(path: string, kind: string): string {
  return join(dirname(path), `#${kind}-${randomUUID()}`);
}

/** A fully written, fsynced temp file waiting to be renamed over its object's path. */
export interface StagedFile {
  finalPath: string;
  tempPath: string;
  size: number;
  eTag: string;
  bucketDir: string;
  key: string;
}

/** Opens a new temp file next to `finalPath`, creating folders (racing with pruning deletes). */
async function openTemp(finalPath: string, key: string) {
  for (let attempt = 0; ; attempt++) {
    await ensureDir(dirname(finalPath), key);
    const tempPath = tempSibling(finalPath, 'upload');
    try {
      return { tempPath, handle: await open(tempPath, 'wx', 0o644) };
    } catch (error) {
      if (fsCode(error) === 'ENOENT' && attempt < 3) continue;
      if (fsCode(error) === 'ENOTDIR') throw ERRORS.keyConflict(key);
      throw error;
    }
  }
}

/**
 * Streams `body` into a temp file, stopping with EntityTooLarge once it exceeds `limit` bytes.
 * On any failure nothing is left behind.
 */
export async function stageUpload(
  root: string,
  bucket: string,
  key: string,
  body: AsyncIterable<Uint8Array>,
  limit: number,
): Promise<StagedFile> {
  const finalPath = objectPath(root, bucket, key);
  const bucketDir = bucketPath(root, bucket);
  const { tempPath, handle } = await openTemp(finalPath, key);
  const hash = createHash('md5');
  let size = 0;
  try {
    for await (const chunk of body) {
      size += chunk.byteLength;
      if (size > limit) throw ERRORS.entityTooLarge();
      hash.update(chunk);
      let offset = 0;
      while (offset < chunk.byteLength) {
        const { bytesWritten } = await handle.write(chunk, offset);
        offset += bytesWritten;
      }
    }
    await handle.sync();
    await handle.close();
  } catch (error) {
    await handle.close().catch(() => undefined);
    await unlink(tempPath).catch(() => undefined);
    await pruneEmptyDirs(dirname(finalPath), bucketDir);
    throw error;
  }
  return { finalPath, tempPath, size, eTag: `"${hash.digest('hex')}"`, bucketDir, key };
}

/** Stages a copy of an existing object's file at another key. */
export async function stageCopy(
  root: string,
  source: { bucket: string; key: string },
  bucket: string,
  key: string,
): Promise<StagedFile> {
  const sourcePath = objectPath(root, source.bucket, source.key);
  const finalPath = objectPath(root, bucket, key);
  const bucketDir = bucketPath(root, bucket);
  const { tempPath, handle } = await openTemp(finalPath, key);
  await handle.close();
  try {
    await copyFile(sourcePath, tempPath);
    const copied = await open(tempPath, 'r+');
    await copied.sync();
    await copied.close();
    const hash = createHash('md5');
    for await (const chunk of createReadStream(tempPath)) hash.update(chunk as Buffer);
    const { size } = await stat(tempPath);
    return { finalPath, tempPath, size, eTag: `"${hash.digest('hex')}"`, bucketDir, key };
  } catch (error) {
    await unlink(tempPath).catch(() => undefined);
    await pruneEmptyDirs(dirname(finalPath), bucketDir);
    if (fsCode(error) === 'ENOENT') throw ERRORS.noSuchKey();
    throw error;
  }
}

/** Drops a staged file that will not be committed. */
export async function discardStaged(staged: StagedFile): Promise<void> {
  await unlink(staged.tempPath).catch(() => undefined);
  await pruneEmptyDirs(dirname(staged.finalPath), staged.bucketDir);
}

/** Undo/finish actions for a file change made inside a database transaction. */
export interface FileChange {
  /** The transaction rolled back: put everything back as it was. */
  undo(): Promise<void>;
  /** The transaction committed: drop backups. */
  finish(): Promise<void>;
}

/**
 * Renames a staged file over its object's path. A file it replaces is kept as a hard-linked
 * backup until `finish`, so `undo` can restore it if the database transaction fails.
 */
export async function commitStaged(staged: StagedFile): Promise<FileChange> {
  let backup: string | undefined;
  try {
    const existing = await stat(staged.finalPath).catch(() => undefined);
    if (existing?.isDirectory()) throw ERRORS.keyConflict(staged.key);
    if (existing) {
      backup = tempSibling(staged.finalPath, 'backup');
      await link(staged.finalPath, backup);
    }
    await rename(staged.tempPath, staged.finalPath);
  } catch (error) {
    if (backup) await unlink(backup).catch(() => undefined);
    await discardStaged(staged);
    if (['EISDIR', 'ENOTEMPTY', 'EEXIST'].includes(fsCode(error) ?? '')) throw ERRORS.keyConflict(staged.key);
    throw error;
  }
  await fsyncDir(dirname(staged.finalPath));
  return {
    undo: async () => {
      if (backup) await rename(backup, staged.finalPath);
      else {
        await unlink(staged.finalPath).catch(() => undefined);
        await pruneEmptyDirs(dirname(staged.finalPath), staged.bucketDir);
      }
    },
    finish: async () => {
      if (backup) await unlink(backup).catch(() => undefined);
    },
  };
}

/** Moves an object's file to a trash name; `finish` deletes it, `undo` restores it. */
export async function trashObjectFile(root: string, bucket: string, key: string): Promise<FileChange> {
  const path = objectPath(root, bucket, key);
  const bucketDir = bucketPath(root, bucket);
  const trash = tempSibling(path, 'trash');
  try {
    await rename(path, trash);
  } catch (error) {
    if (['ENOENT', 'ENOTDIR', 'EISDIR'].includes(fsCode(error) ?? '')) {
      return { undo: async () => undefined, finish: async () => undefined };
    }
    throw error;
  }
  return {
    undo: () => rename(trash, path),
    finish: async () => {
      await unlink(trash).catch(() => undefined);
      await pruneEmptyDirs(dirname(path), bucketDir);
    },
  };
}

/** Renames an object's file to another key (move); `undo` renames it back. */
export async function moveObjectFile(
  root: string,
  from: { bucket: string; key: string },
  to: { bucket: string; key: string },
): Promise<FileChange> {
  const source = objectPath(root, from.bucket, from.key);
  const target = objectPath(root, to.bucket, to.key);
  const sourceBucketDir = bucketPath(root, from.bucket);
  const targetBucketDir = bucketPath(root, to.bucket);
  await ensureDir(dirname(target), to.key);
  const existing = await stat(target).catch(() => undefined);
  if (existing?.isDirectory()) throw ERRORS.keyConflict(to.key);
  try {
    await rename(source, target);
  } catch (error) {
    await pruneEmptyDirs(dirname(target), targetBucketDir);
    if (fsCode(error) === 'ENOENT') throw ERRORS.noSuchKey();
    if (['EISDIR', 'ENOTEMPTY', 'ENOTDIR'].includes(fsCode(error) ?? '')) throw ERRORS.keyConflict(to.key);
    throw error;
  }
  await fsyncDir(dirname(target));
  return {
    undo: async () => {
      await mkdir(dirname(source), { recursive: true });
      await rename(target, source);
      await pruneEmptyDirs(dirname(target), targetBucketDir);
    },
    finish: () => pruneEmptyDirs(dirname(source), sourceBucketDir),
  };
}

/** Deletes a bucket's folder (after its rows are gone). */
export async function removeBucketDir(root: string, bucket: string): Promise<void> {
  await rm(bucketPath(root, bucket), { recursive: true, force: true });
}

export interface OpenedObject {
  stats: Stats;
  /** A stream of bytes [start, end] (inclusive), as the web stream a Response takes. */
  stream(range?: { start: number; end: number }): ReadableStream<Uint8Array>;
}

/** Stats an object's file; undefined when it is missing. */
export async function openObject(
  root: string,
  bucket: string,
  key: string,
): Promise<OpenedObject | undefined> {
  const path = objectPath(root, bucket, key);
  const stats = await stat(path).catch(() => undefined);
  if (!stats?.isFile()) return undefined;
  return {
    stats,
    stream: (range) =>
      Readable.toWeb(createReadStream(path, range ?? {})) as unknown as ReadableStream<Uint8Array>,
  };
}
