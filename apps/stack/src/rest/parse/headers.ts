import { invalidRange } from '../errors.js';
import { ALL_ROWS, type MediaType, type PlanOption, type Preferences, type Range } from './types.js';

/** In the order PostgREST writes them (its MTVndPlanOption). */
const PLAN_OPTIONS: PlanOption[] = ['analyze', 'verbose', 'settings', 'buffers', 'wal'];

/** MediaType.hs decodeMediaType: the media types PostgREST distinguishes. */
export function decodeMediaType(text: string): MediaType {
  const [essence = '', ...paramParts] = text.split(';');
  const mt = essence.trim().toLowerCase();
  const params = new Map<string, string>();
  for (const p of paramParts) {
    const eq = p.indexOf('=');
    if (eq > 0)
      params.set(
        p.slice(0, eq).trim().toLowerCase(),
        p
          .slice(eq + 1)
          .trim()
          .replace(/^"|"$/g, ''),
      );
  }
  const stripped = params.get('nulls') === 'stripped';
  switch (mt) {
    case 'application/json':
      return { kind: 'json' };
    case '*/*':
      return { kind: 'any' };
    case 'text/csv':
      return { kind: 'csv' };
    case 'text/plain':
      return { kind: 'text' };
    case 'text/xml':
      return { kind: 'xml' };
    case 'application/octet-stream':
      return { kind: 'octet' };
    case 'application/x-www-form-urlencoded':
      return { kind: 'urlencoded' };
    case 'application/openapi+json':
      return { kind: 'openapi' };
    case 'application/geo+json':
      return { kind: 'geojson' };
    case 'application/vnd.pgrst.object+json':
    case 'application/vnd.pgrst.object':
      return { kind: 'object', stripNulls: stripped };
    case 'application/vnd.pgrst.array+json':
    case 'application/vnd.pgrst.array':
      return stripped ? { kind: 'array-strip' } : { kind: 'json' };
    case 'application/vnd.pgrst.plan':
    case 'application/vnd.pgrst.plan+text':
    case 'application/vnd.pgrst.plan+json':
      return {
        kind: 'plan',
        format: mt === 'application/vnd.pgrst.plan+json' ? 'json' : 'text',
        for: decodeMediaType(params.get('for') ?? 'application/json'),
        options: PLAN_OPTIONS.filter((o) => (params.get('options') ?? '').split('|').includes(o)),
      };
    default:
      return { kind: 'other', raw: text.trim() };
  }
}

export function mediaTypeToMime(mt: MediaType): string {
  switch (mt.kind) {
    case 'json':
      return 'application/json';
    case 'any':
      return '*/*';
    case 'csv':
      return 'text/csv';
    case 'text':
      return 'text/plain';
    case 'xml':
      return 'text/xml';
    case 'octet':
      return 'application/octet-stream';
    case 'urlencoded':
      return 'application/x-www-form-urlencoded';
    case 'openapi':
      return 'application/openapi+json';
    case 'geojson':
      return 'application/geo+json';
    case 'object':
      return mt.stripNulls
        ? 'application/vnd.pgrst.object+json;nulls=stripped'
        : 'application/vnd.pgrst.object+json';
    case 'array-strip':
      return 'application/vnd.pgrst.array+json;nulls=stripped';
    case 'plan':
      return (
        `application/vnd.pgrst.plan+${mt.format}; for="${mediaTypeToMime(mt.for)}"` +
        (mt.options.length ? `; options=${mt.options.join('|')}` : '')
      );
    case 'other':
      return mt.raw;
  }
}

/** The Accept header's media types, best first (by q, then order); none = `*​/*`. */
export function parseAccept(header: string | undefined): MediaType[] {
  if (!header?.trim()) return [{ kind: 'any' }];
  const entries = header
    .split(',')
    .map((part, index) => {
      const q = /;\s*q\s*=\s*([0-9.]+)/i.exec(part);
      const quality = q ? Number(q[1]) : 1;
      const withoutQ = part.replace(/;\s*q\s*=\s*[0-9.]+/i, '');
      return { index, quality: Number.isFinite(quality) ? quality : 0, type: withoutQ.trim() };
    })
    .filter((e) => e.type && e.quality > 0);
  entries.sort((a, b) => b.quality - a.quality || a.index - b.index);
  return entries.map((e) => decodeMediaType(e.type));
}

const PREFERENCE_VALUES: Record<string, Record<string, true>> = {
  resolution: { 'merge-duplicates': true, 'ignore-duplicates': true },
  return: { representation: true, minimal: true, 'headers-only': true },
  count: { exact: true, planned: true, estimated: true },
  tx: { commit: true, rollback: true },
  missing: { default: true, null: true },
  handling: { strict: true, lenient: true },
};

/** Preferences.hs fromHeaders: comma-separated `key=value` items, the first of each key wins. */
export function parsePrefer(header: string | undefined): Preferences {
  const prefs: Preferences = { invalid: [] };
  if (!header) return prefs;
  for (const raw of header.split(',')) {
    const item = raw.trim();
    if (!item) continue;
    const eq = item.indexOf('=');
    const key = eq < 0 ? item : item.slice(0, eq);
    const value = eq < 0 ? '' : item.slice(eq + 1);
    if (key === 'timezone' && value) {
      prefs.timezone ??= value;
      continue;
    }
    if (key === 'max-affected' && /^[0-9]+$/.test(value)) {
      prefs.maxAffected ??= Number(value);
      continue;
    }
    if (!PREFERENCE_VALUES[key]?.[value]) {
      prefs.invalid.push(item);
      continue;
    }
    switch (key) {
      case 'resolution':
        prefs.resolution ??= value as Preferences['resolution'];
        break;
      case 'return':
        prefs.representation ??= value as Preferences['representation'];
        break;
      case 'count':
        prefs.count ??= value as Preferences['count'];
        break;
      case 'tx':
        prefs.transaction ??= value as Preferences['transaction'];
        break;
      case 'missing':
        prefs.missing ??= value as Preferences['missing'];
        break;
      case 'handling':
        prefs.handling ??= value as Preferences['handling'];
        break;
    }
  }
  return prefs;
}

/** The honoured preferences, as the Preference-Applied header lists them. */
export function preferenceAppliedHeader(prefs: Partial<Preferences>): string | undefined {
  const parts: string[] = [];
  if (prefs.resolution) parts.push(`resolution=${prefs.resolution}`);
  if (prefs.representation) parts.push(`return=${prefs.representation}`);
  if (prefs.count) parts.push(`count=${prefs.count}`);
  if (prefs.transaction) parts.push(`tx=${prefs.transaction}`);
  if (prefs.missing) parts.push(`missing=${prefs.missing}`);
  if (prefs.handling) parts.push(`handling=${prefs.handling}`);
  if (prefs.timezone) parts.push(`timezone=${prefs.timezone}`);
  if (prefs.maxAffected !== undefined) parts.push(`max-affected=${prefs.maxAffected}`);
  return parts.length ? parts.join(', ') : undefined;
}

/** `Range: 0-9` / `10-` (RangeQuery.hs); anything else means all rows. Throws 416 for `5-2`. */
export function parseRangeHeader(header: string | undefined): Range {
  if (!header) return ALL_ROWS;
  const m = /^([0-9]+)-([0-9]*)$/.exec(header.trim());
  if (!m) return ALL_ROWS;
  const lower = Number(m[1]);
  if (!m[2]) return { offset: lower, limit: null };
  const upper = Number(m[2]);
  if (upper < lower) {
    throw invalidRange(
      'The lower boundary must be lower than or equal to the upper boundary in the Range header.',
    );
  }
  return { offset: lower, limit: upper - lower + 1 };
}

/** The rows both ranges allow. */
export function intersectRanges(a: Range, b: Range): Range {
  const offset = Math.max(a.offset, b.offset);
  const upperA = a.limit === null ? Number.POSITIVE_INFINITY : a.offset + a.limit - 1;
  const upperB = b.limit === null ? Number.POSITIVE_INFINITY : b.offset + b.limit - 1;
  const upper = Math.min(upperA, upperB);
  if (upper === Number.POSITIVE_INFINITY) return { offset, limit: null };
  return { offset, limit: Math.max(upper - offset + 1, 0) };
}

/** db-max-rows applied to a range. */
export function restrictRange(range: Range, maxRows: number | null): Range {
  if (maxRows === null || !(maxRows > 0)) return range;
  if (range.limit === null || range.limit > maxRows) return { offset: range.offset, limit: maxRows };
  return range;
}

export function parseCookies(header: string | undefined): Record<string, string> {
  const cookies: Record<string, string> = {};
  if (!header) return cookies;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    cookies[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return cookies;
}
