/**
 * Column values arrive from pgoutput in their text form. Realtime sends each as
 * `to_jsonb(value::type)` would render it (numbers and booleans unquoted, json inline,
 * arrays as JSON arrays, timestamps in ISO 8601); filters compare them by their type.
 */

export interface PgType {
  oid: number;
  /** pg_type.typname, what `columns[].type` reports (`int4`, `_text`, …). */
  name: string;
  /** The type whose rendering applies: the base type of a domain, else the type itself. */
  baseOid: number;
  /** Element type of an array type (of its base type for a domain over an array). */
  elem: PgType | null;
  delimiter: string;
}

export const OID = {
  bool: 16,
  int8: 20,
  int2: 21,
  int4: 23,
  oid: 26,
  json: 114,
  float4: 700,
  float8: 701,
  date: 1082,
  time: 1083,
  timestamp: 1114,
  timestamptz: 1184,
  numeric: 1700,
  uuid: 2950,
  jsonb: 3802,
} as const;

const NUMERIC = new Set<number>([OID.int2, OID.int4, OID.int8, OID.float4, OID.float8, OID.numeric]);
const JSON_NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;

/** A JSON fragment for the value, as to_jsonb renders it. */
export function valueToJson(text: string | null, type: PgType): string {
  if (text === null) return 'null';
  if (type.elem) return arrayToJson(text, type);
  const oid = type.baseOid;
  if (oid === OID.bool) return text === 't' ? 'true' : 'false';
  if (NUMERIC.has(oid)) return JSON_NUMBER.test(text) ? text : JSON.stringify(text);
  if (oid === OID.json || oid === OID.jsonb) return text;
  if (oid === OID.timestamp) return JSON.stringify(isoTimestamp(text, false));
  if (oid === OID.timestamptz) return JSON.stringify(isoTimestamp(text, true));
  return JSON.stringify(text);
}

function isoTimestamp(text: string, withZone: boolean): string {
  if (!/^\d{4,}-\d\d-\d\d \d/.test(text) || text.endsWith(' BC')) return text;
  const iso = text.replace(' ', 'T');
  return withZone && /[+-]\d\d$/.test(iso) ? `${iso}:00` : iso;
}

function arrayToJson(text: string, type: PgType): string {
  const elem = type.elem as PgType;
  const render = (value: ArrayValue): string =>
    Array.isArray(value) ? `[${value.map(render).join(',')}]` : valueToJson(value, elem);
  try {
    return render(parseArrayLiteral(text, type.delimiter));
  } catch {
    return JSON.stringify(text);
  }
}

export type ArrayValue = string | null | ArrayValue[];

/** Parses a PostgreSQL array literal such as `{a,"b c",NULL}` or `{{1,2},{3,4}}`. */
export function parseArrayLiteral(text: string, delimiter = ','): ArrayValue[] {
  let i = 0;
  // Optional dimension decoration: [1:3]={...}
  if (text.startsWith('[')) {
    const eq = text.indexOf('=');
    if (eq < 0) throw new Error('bad array literal');
    i = eq + 1;
  }
  const parseLevel = (): ArrayValue[] => {
    if (text[i] !== '{') throw new Error('bad array literal');
    i++;
    const out: ArrayValue[] = [];
    if (text[i] === '}') {
      i++;
      return out;
    }
    for (;;) {
      while (text[i] === ' ') i++;
      if (text[i] === '{') {
        out.push(parseLevel());
      } else if (text[i] === '"') {
        i++;
        let value = '';
        while (i < text.length && text[i] !== '"') {
          if (text[i] === '\\') i++;
          value += text[i];
          i++;
        }
        i++;
        out.push(value);
      } else {
        let value = '';
        while (i < text.length && text[i] !== delimiter && text[i] !== '}') {
          value += text[i];
          i++;
        }
        value = value.trim();
        out.push(value.toUpperCase() === 'NULL' ? null : value);
      }
      while (text[i] === ' ') i++;
      if (text[i] === delimiter) {
        i++;
        continue;
      }
      if (text[i] === '}') {
        i++;
        return out;
      }
      throw new Error('bad array literal');
    }
  };
  return parseLevel();
}

/** A value filters can compare: numbers, booleans, instants (ms) or strings. */
export type Comparable = number | boolean | string;

export class CastError extends Error {}

const TIMESTAMPISH = new Set<number>([OID.date, OID.timestamp, OID.timestamptz]);

/** Parses a value (from a row or a filter) as the column's type would; throws CastError. */
export function toComparable(text: string, type: PgType): Comparable {
  const oid = type.baseOid;
  if (NUMERIC.has(oid) || oid === OID.oid) {
    const trimmed = text.trim();
    const n = Number(trimmed);
    if (trimmed === '' || Number.isNaN(n)) {
      if (/^nan$/i.test(trimmed) && (oid === OID.float4 || oid === OID.float8 || oid === OID.numeric))
        return Number.NaN;
      throw new CastError(`invalid input syntax for type ${type.name}: "${text}"`);
    }
    if ((oid === OID.int2 || oid === OID.int4 || oid === OID.int8) && !Number.isInteger(n))
      throw new CastError(`invalid input syntax for type ${type.name}: "${text}"`);
    return n;
  }
  if (oid === OID.bool) {
    const v = text.trim().toLowerCase();
    if (['t', 'true', 'y', 'yes', 'on', '1'].includes(v)) return true;
    if (['f', 'false', 'n', 'no', 'off', '0'].includes(v)) return false;
    throw new CastError(`invalid input syntax for type boolean: "${text}"`);
  }
  if (TIMESTAMPISH.has(oid)) {
    const ms = parseInstant(text);
    if (ms === null) throw new CastError(`invalid input syntax for type ${type.name}: "${text}"`);
    return ms;
  }
  if (oid === OID.uuid) {
    const v = text.trim().toLowerCase().replace(/[{}]/g, '');
    const compact = v.replace(/-/g, '');
    if (!/^[0-9a-f]{32}$/.test(compact)) throw new CastError(`invalid input syntax for type uuid: "${text}"`);
    return `${compact.slice(0, 8)}-${compact.slice(8, 12)}-${compact.slice(12, 16)}-${compact.slice(16, 20)}-${compact.slice(20)}`;
  }
  return text;
}

/** Milliseconds since the epoch for ISO-ish timestamps; a missing zone means UTC (the session zone). */
function parseInstant(text: string): number | null {
  const t = text.trim();
  if (/^infinity$/i.test(t)) return Number.POSITIVE_INFINITY;
  if (/^-infinity$/i.test(t)) return Number.NEGATIVE_INFINITY;
  const m =
    /^(\d{4,})-(\d\d)-(\d\d)(?:[ T](\d\d):(\d\d)(?::(\d\d)(\.\d+)?)?)?\s*(Z|[+-]\d\d(?::?\d\d)?)?$/i.exec(t);
  if (!m) return null;
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone] = m;
  let ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  if (frac) ms += Number(frac) * 1000;
  if (zone && zone.toUpperCase() !== 'Z') {
    const zm = /^([+-])(\d\d):?(\d\d)?$/.exec(zone);
    if (zm) {
      const offset = (Number(zm[2]) * 60 + Number(zm[3] ?? 0)) * 60_000;
      ms -= zm[1] === '-' ? -offset : offset;
    }
  }
  return Number.isNaN(ms) ? null : ms;
}
