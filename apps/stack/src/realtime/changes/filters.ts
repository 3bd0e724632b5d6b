import {
  type ArrayValue,
  CastError,
  type Comparable,
  type PgType,
  parseArrayLiteral,
  toComparable,
} from './values.js';

/**
 * postgres_changes filters as Realtime parses them: `column=op.value`, several joined by
 * `,` (AND), any operator negated with `not.`, values optionally double-quoted, `in.(a,b)`.
 */

export const FILTER_OPS = [
  'eq',
  'neq',
  'lt',
  'lte',
  'gt',
  'gte',
  'in',
  'like',
  'ilike',
  'is',
  'match',
  'imatch',
  'isdistinct',
] as const;
export type FilterOp = (typeof FILTER_OPS)[number];

export interface Filter {
  /** As written, possibly `col->>key` for a jsonb key. */
  column: string;
  op: FilterOp;
  /** For `in`: an array literal `{a,b}`. */
  value: string;
  negate: boolean;
}

export class FilterParseError extends Error {}

/** Elixir's `inspect` of a list of strings, as Realtime quotes unparsable filters. */
const inspectList = (parts: string[]) => `[${parts.map((p) => JSON.stringify(p)).join(', ')}]`;

export function parseFilters(filter: string): Filter[] {
  const trimmed = filter.trim();
  if (trimmed === '') return [];
  return splitTopLevel(trimmed).map(parseSegment);
}

function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let current = '';
  let depth = 0;
  let quoted = false;
  let prev = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (quoted) {
      if (ch === '\\' && i + 1 < text.length) {
        current += ch + text[i + 1];
        i++;
        prev = text[i] as string;
        continue;
      }
      if (ch === '"') quoted = false;
      current += ch;
    } else if (ch === '"' && (prev === '.' || prev === '(' || prev === ',')) {
      quoted = true;
      current += ch;
    } else if (ch === '(') {
      depth++;
      current += ch;
    } else if (ch === ')') {
      depth = Math.max(0, depth - 1);
      current += ch;
    } else if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
      prev = '';
      continue;
    } else {
      current += ch;
    }
    prev = ch;
  }
  parts.push(current);
  return parts;
}

function parseSegment(segment: string): Filter {
  const trimmed = segment.trim();
  if (trimmed === '')
    throw new FilterParseError('filter must not contain empty segments (check for extra commas)');
  const eq = trimmed.indexOf('=');
  if (eq < 0) throw new FilterParseError(inspectList([trimmed]));
  const column = trimmed.slice(0, eq);
  let rest = trimmed.slice(eq + 1);
  let negate = false;
  if (rest.startsWith('not.')) {
    negate = true;
    rest = rest.slice(4);
  }
  const dot = rest.indexOf('.');
  if (dot < 0) throw new FilterParseError(inspectList([rest]));
  const op = rest.slice(0, dot);
  const raw = rest.slice(dot + 1);
  if (!(FILTER_OPS as readonly string[]).includes(op)) throw new FilterParseError(inspectList([op, raw]));
  if (op === 'in') {
    if (raw.length < 2 || !raw.startsWith('(') || !raw.endsWith(')'))
      throw new FilterParseError('`in` filter value must be wrapped by parentheses');
    return { column, op: 'in', value: `{${raw.slice(1, -1)}}`, negate };
  }
  return { column, op: op as FilterOp, value: unquote(raw), negate };
}

function unquote(value: string): string {
  if (!value.startsWith('"')) return value;
  let out = '';
  for (let i = 1; i < value.length; i++) {
    const ch = value[i] as string;
    if (ch === '\\' && i + 1 < value.length) {
      out += value[i + 1];
      i++;
    } else if (ch === '"') {
      return i === value.length - 1 ? out : value;
    } else {
      out += ch;
    }
  }
  return value;
}

export interface FilterColumn {
  name: string;
  type: PgType;
}

/** A filter bound to a table: the column it reads and its operand, parsed as that column's type. */
export interface CompiledFilter {
  column: string;
  jsonKey: string | null;
  op: FilterOp;
  negate: boolean;
  type: PgType;
  operand: Comparable | null;
  operands: (Comparable | null)[];
  pattern: RegExp | null;
}

const TEXT_TYPE: PgType = { oid: 25, name: 'text', baseOid: 25, elem: null, delimiter: ',' };

/**
 * Binds filters to a table's selectable columns, rejecting what Realtime's subscription
 * check rejects (unknown columns, uncastable values, bad `is` keywords or regexes).
 */
export function compileFilters(filters: Filter[], columns: Map<string, FilterColumn>): CompiledFilter[] {
  return filters.map((f) => {
    const arrow = f.column.indexOf('->>');
    const name = arrow >= 0 ? f.column.slice(0, arrow) : f.column;
    const jsonKey = arrow >= 0 ? f.column.slice(arrow + 3).replace(/^[\s"]+|[\s"]+$/g, '') : null;
    if (arrow >= 0 && (name === '' || !jsonKey || jsonKey.includes('->>')))
      throw new FilterParseError(`invalid jsonb filter expression ${f.column}`);
    const column = columns.get(name);
    if (!column) throw new FilterParseError(`invalid column for filter ${f.column}`);
    if (jsonKey !== null && column.type.baseOid !== 3802)
      throw new FilterParseError(`jsonb filter requires a jsonb column, got ${column.type.name}`);
    const type = jsonKey !== null ? TEXT_TYPE : column.type;
    const compiled: CompiledFilter = {
      column: name,
      jsonKey,
      op: f.op,
      negate: f.negate,
      type,
      operand: null,
      operands: [],
      pattern: null,
    };
    try {
      if (f.op === 'in') {
        const values = flatten(parseArrayLiteral(f.value));
        if (values.length > 100) throw new FilterParseError('too many values for `in` filter. Maximum 100');
        compiled.operands = values.map((v) => (v === null ? null : toComparable(v, type)));
      } else if (f.op === 'is') {
        if (!['null', 'true', 'false', 'unknown'].includes(f.value))
          throw new FilterParseError('invalid value for is filter: must be null, true, false, or unknown');
        if (f.value !== 'null' && type.baseOid !== 16)
          throw new FilterParseError(`is ${f.value} filter requires a boolean column, got ${type.name}`);
      } else if (f.op === 'like' || f.op === 'ilike') {
        compiled.pattern = likeToRegExp(f.value, f.op === 'ilike');
      } else if (f.op === 'match' || f.op === 'imatch') {
        compiled.pattern = new RegExp(f.value, f.op === 'imatch' ? 'iu' : 'u');
      } else {
        compiled.operand = toComparable(f.value, type);
      }
    } catch (error) {
      if (error instanceof FilterParseError) throw error;
      if (error instanceof CastError) throw new FilterParseError(error.message);
      throw new FilterParseError(
        `invalid regular expression for ${f.op} filter: ${(error as Error).message}`,
      );
    }
    if (f.op === 'is') compiled.operand = f.value;
    return compiled;
  });
}

function likeToRegExp(pattern: string, insensitive: boolean): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] as string;
    if (ch === '\\' && i + 1 < pattern.length) {
      source += escapeRegExp(pattern[i + 1] as string);
      i++;
    } else if (ch === '%') source += '.*';
    else if (ch === '_') source += '.';
    else source += escapeRegExp(ch);
  }
  return new RegExp(`^${source}$`, insensitive ? 'isu' : 'su');
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** Values of a row by column name (text form; null for SQL NULL; absent when not sent). */
export type RowText = Map<string, string | null>;

/** SQL three-valued logic collapsed as Realtime does: only `true` passes. */
export function rowMatches(filters: CompiledFilter[], row: RowText): boolean {
  for (const f of filters) if (evaluate(f, row) !== true) return false;
  return true;
}

function evaluate(f: CompiledFilter, row: RowText): boolean | null {
  if (!row.has(f.column)) return null;
  let text = row.get(f.column) ?? null;
  if (text !== null && f.jsonKey !== null) text = jsonText(text, f.jsonKey);
  let value: Comparable | null = null;
  if (text !== null) {
    try {
      value = toComparable(text, f.type);
    } catch {
      return null;
    }
  }
  let result: boolean | null;
  switch (f.op) {
    case 'is': {
      if (f.operand === 'null') result = value === null;
      else if (f.operand === 'unknown') result = value === null;
      else result = value === (f.operand === 'true');
      break;
    }
    case 'isdistinct':
      result = value !== f.operand;
      break;
    default: {
      if (value === null) return null;
      result = compare(f, value, text as string);
    }
  }
  if (result === null) return null;
  return f.negate ? !result : result;
}

function compare(f: CompiledFilter, value: Comparable, text: string): boolean | null {
  const operand = f.operand;
  switch (f.op) {
    case 'eq':
      return value === operand;
    case 'neq':
      return value !== operand;
    case 'lt':
      return (value as number) < (operand as number);
    case 'lte':
      return (value as number) <= (operand as number);
    case 'gt':
      return (value as number) > (operand as number);
    case 'gte':
      return (value as number) >= (operand as number);
    case 'in': {
      if (f.operands.includes(value)) return true;
      return f.operands.includes(null) ? null : false;
    }
    case 'like':
    case 'ilike':
    case 'match':
    case 'imatch':
      return (f.pattern as RegExp).test(text);
    default:
      return null;
  }
}

function jsonText(json: string, key: string): string | null {
  try {
    const parsed = JSON.parse(json) as unknown;
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return null;
    const v = (parsed as Record<string, unknown>)[key];
    if (v === undefined || v === null) return null;
    return typeof v === 'string' ? v : JSON.stringify(v);
  } catch {
    return null;
  }
}

function flatten(values: ArrayValue[]): (string | null)[] {
  return values.flatMap((v) => (Array.isArray(v) ? flatten(v) : [v]));
}
