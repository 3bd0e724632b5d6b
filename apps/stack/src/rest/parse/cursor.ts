import { queryParamError } from '../errors.js';
import type { Field, JsonOperation, JsonPath } from './types.js';

/**
 * A tiny backtracking parser over one query-string value, in the style of the Parsec parsers
 * PostgREST uses (QueryParams.hs). Failures throw a shared sentinel; the cursor remembers the
 * furthest position reached and what was expected there, which becomes PGRST100's details.
 */
const FAILURE = Symbol('parse failure');

export function isFailure(error: unknown): boolean {
  return error === FAILURE;
}

export class Cursor {
  pos = 0;
  private errorPos = -1;
  private expected: string[] = [];

  constructor(readonly src: string) {}

  get atEnd(): boolean {
    return this.pos >= this.src.length;
  }

  peek(offset = 0): string {
    return this.src.charAt(this.pos + offset);
  }

  startsWith(text: string): boolean {
    return this.src.startsWith(text, this.pos);
  }

  /** Consumes `text` if it comes next. */
  eat(text: string): boolean {
    if (this.src.startsWith(text, this.pos)) {
      this.pos += text.length;
      return true;
    }
    return false;
  }

  expect(text: string, label = JSON.stringify(text)): void {
    if (!this.eat(text)) this.fail(label);
  }

  /** Records what was expected here and aborts the current alternative. */
  fail(expected: string | string[]): never {
    const list = typeof expected === 'string' ? [expected] : expected;
    if (this.pos > this.errorPos) {
      this.errorPos = this.pos;
      this.expected = [...list];
    } else if (this.pos === this.errorPos) {
      for (const e of list) if (!this.expected.includes(e)) this.expected.push(e);
    }
    throw FAILURE;
  }

  /** Runs `parse`; on failure restores the position and returns undefined (Parsec's `try`). */
  attempt<T>(parse: () => T): T | undefined {
    const start = this.pos;
    try {
      return parse();
    } catch (error) {
      if (error !== FAILURE) throw error;
      this.pos = start;
      return undefined;
    }
  }

  /** Spaces and tabs (PostgREST's `ws`). */
  skipSpaces(): void {
    while (this.pos < this.src.length) {
      const ch = this.src.charCodeAt(this.pos);
      if (ch !== 32 && ch !== 9) break;
      this.pos++;
    }
  }

  requireEnd(expected: string[] = []): void {
    if (!this.atEnd) this.fail([...expected, 'end of input']);
  }

  /** Parsec-like details: `unexpected "x" expecting a, b or c`. */
  describeError(): { column: number; details: string } {
    const at = Math.max(this.errorPos, 0);
    const ch = this.src.charAt(at);
    const unexpected = at >= this.src.length ? 'unexpected end of input' : `unexpected ${JSON.stringify(ch)}`;
    const list = this.expected.filter(Boolean);
    let expecting = '';
    if (list.length === 1) expecting = ` expecting ${list[0]}`;
    else if (list.length > 1)
      expecting = ` expecting ${list.slice(0, -1).join(', ')} or ${list[list.length - 1]}`;
    return { column: at + 1, details: `${unexpected}${expecting}` };
  }
}

/**
 * Parses all of `input` with `parse`, or throws PGRST100 with PostgREST's message shape:
 * `"failed to parse select parameter (x)" (line 1, column 3)`.
 */
export function runParser<T>(label: string, input: string, parse: (c: Cursor) => T): T {
  const c = new Cursor(input);
  try {
    return parse(c);
  } catch (error) {
    if (error !== FAILURE) throw error;
    const { column, details } = c.describeError();
    throw queryParamError(`${JSON.stringify(`${label} (${input})`)} (line 1, column ${column})`, details);
  }
}

const LETTER = /\p{L}/u;

/** PostgREST's identifier characters: letters, digits, `_`, space and `$`. */
export function isIdentChar(ch: string): boolean {
  const code = ch.charCodeAt(0);
  if (code < 128) {
    return (
      (code >= 97 && code <= 122) ||
      (code >= 65 && code <= 90) ||
      (code >= 48 && code <= 57) ||
      code === 95 ||
      code === 32 ||
      code === 36
    );
  }
  return LETTER.test(ch);
}

/** One or more identifier characters, trimmed. */
export function pIdentifier(c: Cursor, label = 'letter or digit'): string {
  const start = c.pos;
  while (!c.atEnd && isIdentChar(c.peek())) c.pos++;
  if (c.pos === start) c.fail(label);
  return c.src.slice(start, c.pos).trim();
}

/** `"…"` with `\` escaping the next character. */
export function pQuotedValue(c: Cursor): string {
  c.expect('"');
  let out = '';
  for (;;) {
    if (c.atEnd) c.fail('"\\""');
    const ch = c.peek();
    if (ch === '"') {
      c.pos++;
      return out;
    }
    if (ch === '\\') {
      c.pos++;
      if (c.atEnd) c.fail('any character');
      out += c.peek();
      c.pos++;
      continue;
    }
    out += ch;
    c.pos++;
  }
}

/** `a-b-c` where a `-` followed by `>` starts a JSON arrow instead. */
function sepByDash(c: Cursor, part: (c: Cursor) => string): string {
  const parts = [part(c)];
  while (c.peek() === '-' && c.peek(1) !== '>') {
    c.pos++;
    parts.push(part(c));
  }
  return parts.join('-');
}

const FIELD_NAME = 'field name (* or [a..z0..9_$])';

/** A column/relation name: quoted, or identifier characters joined by dashes. */
export function pFieldName(c: Cursor): string {
  if (c.peek() === '"') return pQuotedValue(c);
  if (c.atEnd || !isIdentChar(c.peek())) c.fail(FIELD_NAME);
  return sepByDash(c, (cc) => pIdentifier(cc, FIELD_NAME));
}

const JSON_KEY_STOP = new Set(['(', '-', ':', '.', ',', '>', ')']);

function pJsonKeyIdentifier(c: Cursor): string {
  const start = c.pos;
  while (!c.atEnd && !JSON_KEY_STOP.has(c.peek())) c.pos++;
  if (c.pos === start) c.fail('any non reserved character different from: .,>()');
  return c.src.slice(start, c.pos).trim();
}

function pJsonOperand(c: Cursor): JsonOperation['operand'] {
  const idx = c.attempt(() => {
    const start = c.pos;
    c.eat('-');
    const digitsStart = c.pos;
    while (!c.atEnd && c.peek() >= '0' && c.peek() <= '9') c.pos++;
    if (c.pos === digitsStart) c.fail('digit');
    const ends =
      c.atEnd || c.startsWith('->') || c.startsWith('::') || c.startsWith('.') || c.startsWith(',');
    if (!ends) c.fail(['digit', '"->"', '"::"', '"."', '","', 'end of input']);
    const text = c.src.slice(start, c.pos);
    return text.startsWith('-') ? text : `+${text}`;
  });
  if (idx !== undefined) return { kind: 'idx', value: idx };
  if (c.peek() === '"') return { kind: 'key', value: pQuotedValue(c) };
  return { kind: 'key', value: sepByDash(c, pJsonKeyIdentifier) };
}

/** `->key`, `->>key`, `->0`, repeated. */
export function pJsonPath(c: Cursor): JsonPath {
  const path: JsonPath = [];
  for (;;) {
    let arrow: JsonOperation['arrow'];
    if (c.eat('->>')) arrow = '->>';
    else if (c.eat('->')) arrow = '->';
    else return path;
    path.push({ arrow, operand: pJsonOperand(c) });
  }
}

/** A field with an optional JSON path, surrounded by optional spaces. */
export function pField(c: Cursor): Field {
  c.skipSpaces();
  const name = pFieldName(c);
  const jsonPath = pJsonPath(c);
  c.skipSpaces();
  return { name, jsonPath };
}
