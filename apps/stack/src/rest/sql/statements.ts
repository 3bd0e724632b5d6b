import type { MediaType, Preferences } from '../parse/types.js';
import type { ActionPlan, BodyHandler, CallPlan } from '../plan/types.js';
import { callSql } from './call.js';
import { Params } from './fragments.js';
import { insertedCountSql, mutateSql } from './mutate.js';
import { countQuerySql, readQuerySql } from './read.js';

/**
 * Statements.hs: every request is ONE statement returning one row — counts, the body built as
 * JSON text in PostgreSQL, and the response.headers/response.status GUCs — so its result type
 * never changes and it can be prepared once per connection.
 */
export interface MainStatement {
  text: string;
  values: unknown[];
  /** EXPLAIN of the count query, for Prefer: count=planned/estimated. */
  explain: { text: string; values: unknown[] } | null;
  /** The statement is an EXPLAIN of the main query (the plan media types): its rows are the body. */
  isPlan: boolean;
}

/** explainF: EXPLAIN with the format and options the plan media type asks for. */
function explained(media: MediaType, statement: MainStatement): MainStatement {
  if (media.kind !== 'plan') return statement;
  const options = [`FORMAT ${media.format.toUpperCase()}`, ...media.options.map((o) => o.toUpperCase())];
  return {
    text: `EXPLAIN (${options.join(', ')}) ${statement.text}`,
    values: statement.values,
    explain: null,
    isPlan: true,
  };
}

const TAIL =
  "nullif(current_setting('response.headers', true), '') AS response_headers, " +
  "nullif(current_setting('response.status', true), '') AS response_status";

const CSV_BODY =
  "(SELECT coalesce(string_agg(a.k, ','), '') FROM (SELECT json_object_keys(r)::text AS k FROM " +
  '(SELECT row_to_json(hh) AS r FROM pgrst_source AS hh LIMIT 1) s) a)' +
  " || '\n' || coalesce(string_agg(substring(_postgrest_t::text, 2, length(_postgrest_t::text) - 2), '\n'), '')";

const GEOJSON_BODY =
  "json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(ST_AsGeoJSON(_postgrest_t)::json), '[]'))::text";

function bodySql(handler: BodyHandler, call: CallPlan | null): string {
  const scalar = call !== null && (call.scalar || call.routine.returnsVoid);
  const setOfScalar = call?.setOfScalar ?? false;
  const singleComposite = call !== null && !call.routine.returnsSet && call.routine.returnsComposite;
  const row = scalar || setOfScalar ? '_postgrest_t.pgrst_scalar' : '_postgrest_t';
  switch (handler) {
    case 'none':
      return "''::text";
    case 'csv':
      return CSV_BODY;
    case 'geojson':
      return GEOJSON_BODY;
    case 'single':
    case 'single-strip': {
      const agg = `json_agg(${row})->0`;
      return `coalesce(${handler === 'single-strip' ? `json_strip_nulls(${agg})` : agg}, 'null')::text`;
    }
    case 'json':
    case 'json-strip': {
      const strip = (s: string) => (handler === 'json-strip' ? `json_strip_nulls(${s})` : s);
      if (scalar || singleComposite) return `coalesce(${strip(`json_agg(${row})->0`)}, 'null')::text`;
      return `coalesce(${strip(`json_agg(${row})`)}, '[]')::text`;
    }
  }
}

type CountPref = Preferences['count'];

function countParts(
  count: CountPref,
  countSql: () => string,
  maxRows: number | null,
  ranged: boolean,
  pageCount: string,
): { cte: string; total: string } {
  if (!count) return { cte: '', total: 'NULL::bigint' };
  if (maxRows === null && !ranged) return { cte: '', total: pageCount };
  const limit = count === 'estimated' && maxRows !== null ? ` LIMIT ${maxRows + 1}` : '';
  return {
    cte: `, pgrst_source_count AS (${countSql()}${limit})`,
    total: '(SELECT pg_catalog.count(*) FROM pgrst_source_count)',
  };
}

export function buildStatement(plan: ActionPlan, prefs: Preferences, maxRows: number | null): MainStatement {
  return explained(plan.negotiated.media, mainStatement(plan, prefs, maxRows));
}

function mainStatement(plan: ActionPlan, prefs: Preferences, maxRows: number | null): MainStatement {
  const p = new Params();
  let explain: MainStatement['explain'] = null;
  const wantsExplain = prefs.count === 'planned' || prefs.count === 'estimated';
  if (plan.kind === 'read' || plan.kind === 'call') {
    const read = plan.read;
    const ranged = plan.kind === 'read' ? read.range.offset !== 0 || read.range.limit !== null : true;
    const source = plan.kind === 'read' ? readQuerySql(read, p) : callSql(plan.call, p);
    const single = plan.kind === 'call' && !plan.call.routine.returnsSet;
    const pageCount = single ? '1' : 'pg_catalog.count(_postgrest_t)';
    const { cte, total } = countParts(prefs.count, () => countQuerySql(read, p), maxRows, ranged, pageCount);
    const select = plan.kind === 'read' ? 'SELECT * FROM pgrst_source' : readQuerySql(read, p);
    const text =
      `WITH pgrst_source AS (${source})${cte} SELECT ${total} AS total_result_set, ${pageCount} AS page_total, ` +
      `${bodySql(plan.negotiated.handler, plan.kind === 'call' ? plan.call : null)} AS body, ${TAIL}, ` +
      `NULL::bigint AS response_inserted FROM (${select}) _postgrest_t`;
    if (wantsExplain && plan.kind === 'read') {
      const ep = new Params();
      explain = { text: `EXPLAIN (FORMAT JSON) ${countQuerySql(read, ep)}`, values: ep.values };
    }
    return { text, values: p.values, explain, isPlan: false };
  }
  const mutation = mutateSql(plan.mutate, p);
  const handler = plan.negotiated.handler;
  const headersOnly = prefs.representation === 'headers-only' && plan.mutate.kind === 'insert';
  const select = handler === 'none' ? 'SELECT * FROM pgrst_source' : readQuerySql(plan.read, p);
  const body = headersOnly ? bodySql('json', null) : bodySql(handler, null);
  const inserted =
    plan.mutate.kind === 'insert' && plan.mutate.onConflict?.resolution === 'merge-duplicates'
      ? insertedCountSql
      : 'NULL::bigint';
  const text =
    `WITH pgrst_source AS (${mutation}) SELECT NULL::bigint AS total_result_set, ` +
    `pg_catalog.count(_postgrest_t) AS page_total, ${body} AS body, ${TAIL}, ${inserted} AS response_inserted ` +
    `FROM (${select}) _postgrest_t`;
  return { text, values: p.values, explain, isPlan: false };
}
