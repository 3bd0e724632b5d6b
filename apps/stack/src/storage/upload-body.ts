import { ERRORS } from './errors.js';

/** What an upload request carries, with the file bytes still unread. */
export interface UploadBody {
  mimeType: string;
  cacheControl: string;
  userMetadata: Record<string, unknown> | undefined;
  /** Content-Length of a raw body (multipart lengths include the framing). */
  declaredLength: number | undefined;
  body: AsyncIterable<Uint8Array>;
  /** Stops reading the request (after an early rejection). */
  cancel(): void;
}

const MAX_FIELD_BYTES = 1024 * 1024;
const MAX_HEADER_BYTES = 16 * 1024;

const malformed = () => ERRORS.invalidRequest('Malformed multipart/form-data body');

/** Buffers a web stream just enough to find delimiters, streaming everything else through. */
class StreamCursor {
  private buffer: Buffer = Buffer.alloc(0);
  private ended = false;

  constructor(private readonly reader: ReadableStreamDefaultReader<Uint8Array>) {}

  private async pull(): Promise<boolean> {
    if (this.ended) return false;
    const { value, done } = await this.reader.read();
    if (done) {
      this.ended = true;
      return false;
    }
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, value]) : Buffer.from(value);
    return true;
  }

  /** Returns the bytes before `delimiter` and consumes the delimiter. */
  async readUntil(delimiter: Buffer, max: number): Promise<Buffer> {
    for (;;) {
      const at = this.buffer.indexOf(delimiter);
      if (at >= 0) {
        const out = this.buffer.subarray(0, at);
        this.buffer = this.buffer.subarray(at + delimiter.length);
        return out;
      }
      if (this.buffer.length > max + delimiter.length) throw ERRORS.entityTooLarge('multipart field');
      if (!(await this.pull())) throw malformed();
    }
  }

  async read(length: number): Promise<Buffer> {
    while (this.buffer.length < length) if (!(await this.pull())) throw malformed();
    const out = this.buffer.subarray(0, length);
    this.buffer = this.buffer.subarray(length);
    return out;
  }

  /** Yields the bytes before `delimiter` as they arrive. */
  async *streamUntil(delimiter: Buffer): AsyncGenerator<Uint8Array> {
    for (;;) {
      const at = this.buffer.indexOf(delimiter);
      if (at >= 0) {
        if (at > 0) yield this.buffer.subarray(0, at);
        this.buffer = this.buffer.subarray(at + delimiter.length);
        return;
      }
      const safe = this.buffer.length - (delimiter.length - 1);
      if (safe > 0) {
        yield this.buffer.subarray(0, safe);
        this.buffer = this.buffer.subarray(safe);
      }
      if (!(await this.pull())) throw malformed();
    }
  }

  cancel(): void {
    this.reader.cancel().catch(() => undefined);
  }
}

function headerParams(value: string): Record<string, string> {
  const params: Record<string, string> = {};
  for (const match of value.matchAll(/;\s*([^=;\s]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]*))/g)) {
    const name = (match[1] ?? '').toLowerCase();
    params[name] = match[2] !== undefined ? match[2].replace(/\\(.)/g, '$1') : (match[3] ?? '').trim();
  }
  return params;
}

function parseMetadataJson(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  if (Buffer.byteLength(text) > MAX_FIELD_BYTES) throw ERRORS.entityTooLarge('user_metadata');
  try {
    const parsed = JSON.parse(text) as unknown;
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The x-metadata header: base64 of a JSON object. */
export function parseMetadataHeader(value: string | undefined): Record<string, unknown> | undefined {
  if (value === undefined) return undefined;
  return parseMetadataJson(Buffer.from(value, 'base64').toString('utf8'));
}

async function* emptyBody(): AsyncGenerator<Uint8Array> {}

async function* streamBody(reader: ReadableStreamDefaultReader<Uint8Array>): AsyncGenerator<Uint8Array> {
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    yield value;
  }
}

/**
 * Reads an upload as Storage's fileUploadFromRequest does. multipart/form-data: fields
 * (cacheControl, metadata/userMetadata, contentType) up to the first file part, whose
 * content-type is the object's; the file is the first part with a filename (or named '' /
 * 'file'). Anything else is the raw object, typed by Content-Type, with Cache-Control and a
 * base64 JSON x-metadata header.
 */
export async function readUploadBody(request: Request): Promise<UploadBody> {
  const contentType = request.headers.get('content-type') ?? '';
  const reader = request.body?.getReader();
  if (!contentType.toLowerCase().startsWith('multipart/form-data')) {
    const length = Number(request.headers.get('content-length') ?? Number.NaN);
    return {
      mimeType: contentType || 'application/octet-stream',
      cacheControl: request.headers.get('cache-control') ?? 'no-cache',
      userMetadata: parseMetadataHeader(request.headers.get('x-metadata') ?? undefined),
      declaredLength: Number.isFinite(length) && length >= 0 ? length : undefined,
      body: reader ? streamBody(reader) : emptyBody(),
      cancel: () => reader?.cancel().catch(() => undefined),
    };
  }

  const boundary = headerParams(contentType).boundary;
  if (!boundary || !reader) throw ERRORS.noContent();
  const cursor = new StreamCursor(reader);
  const partDelimiter = Buffer.from(`\r\n--${boundary}`);
  const fields: Record<string, string> = {};
  await cursor.readUntil(Buffer.from(`--${boundary}`), MAX_HEADER_BYTES);
  for (;;) {
    const after = (await cursor.read(2)).toString('latin1');
    if (after === '--') break;
    if (after !== '\r\n') throw malformed();
    const rawHeaders = (await cursor.readUntil(Buffer.from('\r\n\r\n'), MAX_HEADER_BYTES)).toString('utf8');
    const headers = new Map<string, string>();
    for (const line of rawHeaders.split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
    }
    const disposition = headerParams(headers.get('content-disposition') ?? '');
    const name = disposition.name ?? '';
    const isFile = disposition.filename !== undefined || name === '' || name === 'file';
    if (!isFile) {
      fields[name] = (await cursor.readUntil(partDelimiter, MAX_FIELD_BYTES)).toString('utf8');
      continue;
    }
    const cacheTime = fields.cacheControl;
    return {
      mimeType: fields.contentType || headers.get('content-type') || 'application/octet-stream',
      cacheControl: cacheTime ? `max-age=${cacheTime}` : 'no-cache',
      userMetadata: parseMetadataJson(fields.metadata ?? fields.userMetadata),
      declaredLength: undefined,
      body: cursor.streamUntil(partDelimiter),
      cancel: () => cursor.cancel(),
    };
  }
  throw ERRORS.noContent();
}
