import { transaction } from './db.js';
import { ERRORS } from './errors.js';
import type { StorageRequest } from './objects.js';

/**
 * POST /object/list-v2/:bucket as storage-api implements it (listObjectsV2 over search_v2 /
 * list_objects_with_delimiter): S3-style listing with an opaque cursor. With `with_delimiter`
 * the first level below `prefix` is grouped into folders. Rows are read as the caller, so RLS
 * decides what is listed.
 */
export interface ListV2Options {
  prefix?: string;
  limit?: number;
  cursor?: string;
  withDelimiter?: boolean;
  sortBy?: { column?: string; order?: string };
}

type SortColumn = 'name' | 'created_at' | 'updated_at';
type SortOrder = 'asc' | 'desc';

interface ListV2Row {
  key?: string;
  name: string;
  id: string | null;
  updated_at: Date | null;
  created_at: Date | null;
  last_accessed_at: Date | null;
  metadata: Record<string, unknown> | null;
}

/** storage-api's continuation token: base64 of `k:value` lines (l start after, o order, c column, a column value). */
interface Cursor {
  startAfter: string;
  sortOrder?: string;
  sortColumn?: string;
  sortColumnAfter?: string;
}

const CURSOR_PARTS: [string, keyof Cursor][] = [
  ['l', 'startAfter'],
  ['o', 'sortOrder'],
  ['c', 'sortColumn'],
  ['a', 'sortColumnAfter'],
];

export function encodeCursor(cursor: Cursor): string {
  const lines = CURSOR_PARTS.filter(([, field]) => cursor[field]).map(
    ([k, field]) => `${k}:${cursor[field]}`,
  );
  return Buffer.from(lines.join('\n')).toString('base64');
}

export function decodeCursor(token: string): Cursor {
  const cursor: Cursor = { startAfter: '', sortOrder: 'asc' };
  for (const line of Buffer.from(token, 'base64').toString().split('\n')) {
    const match = /^(\S):(.*)/.exec(line);
    const field = CURSOR_PARTS.find(([k]) => k === match?.[1])?.[1];
    if (!match || !field) throw ERRORS.invalidParameter('continuation token');
    cursor[field] = match[2] ?? '';
  }
  return cursor;
}

const likePrefix = (prefix: string) => `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

const COLUMNS = 'name, id, updated_at, created_at, last_accessed_at, metadata';

/** Without a delimiter: objects under the prefix, by name or (timestamp, name). */
function flatQuery(order: SortOrder, column: SortColumn, afterColumn: boolean) {
  const op = order === 'asc' ? '>' : '<';
  const sortByTime = column !== 'name';
  const cursor = afterColumn
    ? `row(date_trunc('milliseconds', ${column}), name collate "C") ${op}
         row(coalesce(nullif($5, '')::timestamptz, 'epoch'::timestamptz), $4)`
    : `name collate "C" ${op} $4`;
  return `select id, name, metadata, updated_at, created_at, last_accessed_at from storage.objects
    where bucket_id = $1 and name like $2 and ($4::text = '' or ${cursor})
    order by ${sortByTime ? `${column} ${order}, ` : ''}name collate "C" ${order}
    limit $3`;
}

/**
 * With the delimiter: folders (common prefixes, without their trailing '/') and the objects
 * directly under the prefix. By name, a folder sits where its members do and a cursor on a
 * folder skips all of it; by a timestamp, a folder carries its oldest member's created_at.
 */
function delimitedQuery(order: SortOrder, column: SortColumn) {
  const op = order === 'asc' ? '>' : '<';
  const entries = `with matched as (
      select ${COLUMNS},
        case when strpos(substr(name, length($5::text) + 1), '/') > 0
          then left(name, length($5::text) + strpos(substr(name, length($5::text) + 1), '/')) end as common
      from storage.objects where bucket_id = $1 and name like $2),
    entries as (
      select rtrim(common, '/') as name, null::uuid as id,
        ${column === 'name' ? 'null::timestamptz' : 'min(created_at)'} as updated_at,
        ${column === 'name' ? 'null::timestamptz' : 'min(created_at)'} as created_at,
        null::timestamptz as last_accessed_at, null::jsonb as metadata, common as sort_name
      from matched where common is not null group by common
      union all
      select ${COLUMNS}, name from matched where common is null)`;
  if (column === 'name') {
    // storage.list_objects_with_delimiter's seek: past a folder's members, or past an object.
    const seek = `case
        when $4::text = '' then null
        when exists (select 1 from matched where starts_with(matched.name, $4 || '/'))
          then ${order === 'asc' ? `$4 || '0'` : `$4 || '/'`}
        else ${order === 'asc' ? `$4 || '/'` : '$4'} end`;
    return `${entries}
      select split_part(name, '/', $6) as key, ${COLUMNS} from entries
      where ${seek} is null or sort_name collate "C" ${order === 'asc' ? '>=' : '<'} ${seek}
      order by sort_name collate "C" ${order} limit $3`;
  }
  return `${entries}
    select split_part(name, '/', $6) as key, ${COLUMNS} from entries
    where $4::text = '' or row(date_trunc('milliseconds', ${column}), name collate "C") ${op}
      row(coalesce(nullif($7, '')::timestamptz, 'epoch'::timestamptz), $4)
    order by coalesce(date_trunc('milliseconds', ${column}), 'epoch'::timestamptz) ${order},
      name collate "C" ${order}
    limit $3`;
}

const asColumn = (value: string | undefined): SortColumn | undefined =>
  value === 'name' || value === 'created_at' || value === 'updated_at' ? value : undefined;

export async function listObjectsV2(req: StorageRequest, bucket: string, options: ListV2Options) {
  const limit = Math.min(options.limit || 1000, 1000);
  const prefix = options.prefix || '';
  const cursor = options.cursor ? decodeCursor(options.cursor) : undefined;
  const requestedColumn = asColumn(cursor?.sortColumn || options.sortBy?.column);
  const column = requestedColumn ?? 'name';
  const order: SortOrder =
    (cursor?.sortOrder || options.sortBy?.order)?.toLowerCase() === 'desc' ? 'desc' : 'asc';
  const startAfter = cursor?.startAfter ?? '';
  const after = cursor?.sortColumnAfter ?? '';
  const levels = prefix ? prefix.split('/').length : 1;
  const afterColumn = column !== 'name' && after !== '';

  const rows = await transaction(req.ctx.db.storage, req.scope, async (t) => {
    const common = [bucket, likePrefix(prefix), limit + 1, startAfter];
    const { rows } = options.withDelimiter
      ? await t.query<ListV2Row>(delimitedQuery(order, column), [
          ...common,
          prefix,
          levels,
          ...(column === 'name' ? [] : [after]),
        ])
      : await t.query<ListV2Row>(
          flatQuery(order, column, afterColumn),
          afterColumn ? [...common, after] : common,
        );
    return rows;
  });

  const hasNext = rows.length > limit;
  const page = rows.slice(0, limit);
  const folders: ListV2Row[] = [];
  const objects: ListV2Row[] = [];
  for (const row of page) {
    if (row.id === null) folders.push({ ...row, name: row.name.endsWith('/') ? row.name : `${row.name}/` });
    else objects.push(row);
  }
  const last = page[page.length - 1];
  const lastTime = last && column !== 'name' ? last[column] : null;
  return {
    hasNext,
    nextCursor:
      hasNext && last
        ? encodeCursor({
            startAfter: last.name,
            sortOrder: cursor?.sortOrder || options.sortBy?.order,
            sortColumn: requestedColumn,
            sortColumnAfter: lastTime ? new Date(lastTime).toISOString() : undefined,
          })
        : undefined,
    nextCursorKey: hasNext ? last?.name : undefined,
    folders,
    objects,
  };
}
