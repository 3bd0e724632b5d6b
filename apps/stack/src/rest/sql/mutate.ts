import type { MutatePlan, PlanLogicTree } from '../plan/types.js';
import type { Column } from '../schema-cache.js';
import { ident, logicSql, type Params, qualified } from './fragments.js';

/** json_to_record(set) needs types that keep any length, as PostgREST's ppTypeMaxLength. */
export function recordType(type: string): string {
  if (type === 'character' || type.startsWith('character(')) return 'character varying';
  if (type === 'character[]') return 'character varying[]';
  if (type === 'bit' || type.startsWith('bit(')) return 'bit varying';
  if (type === 'bit[]') return 'bit varying[]';
  return type;
}

/**
 * fromJsonBodyF: the request body as rows, `pgrst_body`, typed by the target columns. With
 * `missing=default` absent keys take the column's default instead of NULL.
 */
export function jsonBodySource(
  payload: { raw: string; isObject: boolean },
  columns: Pick<Column, 'name' | 'type' | 'default'>[],
  applyDefaults: boolean,
  limitOne: boolean,
  p: Params,
): string {
  const kind = applyDefaults ? 'jsonb' : 'json';
  let sql = `FROM (SELECT ${p.add(payload.raw)}::${kind} AS json_data) pgrst_payload, `;
  let source = 'pgrst_payload.json_data';
  if (applyDefaults) {
    const defaults = columns
      .filter((c) => c.default !== null)
      .map((c) => `${p.add(c.name)}::text, ${c.default}`)
      .join(', ');
    const object = `jsonb_build_object(${defaults})`;
    sql += payload.isObject
      ? `LATERAL (SELECT ${object} || pgrst_payload.json_data AS val) pgrst_json_defs, `
      : `LATERAL (SELECT jsonb_agg(${object} || elem) AS val FROM jsonb_array_elements(pgrst_payload.json_data) elem) pgrst_json_defs, `;
    source = 'pgrst_json_defs.val';
  }
  if (columns.length === 0) {
    sql += payload.isObject
      ? 'LATERAL (SELECT FROM (VALUES (1)) _) pgrst_body'
      : `LATERAL (SELECT FROM ${kind}_array_elements(${source}) _) pgrst_body`;
    return sql;
  }
  const fn = `${kind}_to_record${payload.isObject ? '' : 'set'}`;
  const names = columns.map((c) => ident(c.name)).join(', ');
  const typed = columns.map((c) => `${ident(c.name)} ${recordType(c.type)}`).join(', ');
  sql += `LATERAL (SELECT ${names} FROM ${fn}(${source}) AS _(${typed})${limitOne ? ' LIMIT 1' : ''}) pgrst_body`;
  return sql;
}

const INSERTED = "nullif(current_setting('pgrst.inserted', true), '')";
const countInserted = (delta: '+' | '-') =>
  `set_config('pgrst.inserted', (coalesce(${INSERTED}::int, 0) ${delta} 1)::text, true) <> '${delta === '+' ? '0' : '-1'}'`;

/** For merge-duplicates: how many rows were inserted rather than updated (201 vs 200). */
export const insertedCountSql = `${INSERTED}::bigint`;

function returningSql(plan: MutatePlan): string {
  const table = qualified(plan.table);
  if (plan.returning.length === 0) return ' RETURNING 1';
  if (plan.returning.includes('*')) return ` RETURNING ${table}.*`;
  return ` RETURNING ${plan.returning.map((c) => `${table}.${ident(c)}`).join(', ')}`;
}

function whereSql(ref: string, trees: PlanLogicTree[], p: Params): string {
  return trees.length ? ` WHERE ${trees.map((t) => logicSql(ref, t, p)).join(' AND ')}` : '';
}

/** mutatePlanToQuery: INSERT … SELECT FROM the body, UPDATE … FROM the body, DELETE. */
export function mutateSql(plan: MutatePlan, p: Params): string {
  const table = qualified(plan.table);
  const payload = plan.payload ?? { raw: '{}', isObject: true };
  switch (plan.kind) {
    case 'insert': {
      const cols = plan.columns.map((c) => ident(c.name));
      const merge = plan.onConflict?.resolution === 'merge-duplicates';
      let sql = `INSERT INTO ${table}${cols.length ? `(${cols.join(', ')})` : ''} SELECT ${cols
        .map((c) => `pgrst_body.${c}`)
        .join(', ')} ${jsonBodySource(payload, plan.columns, plan.applyDefaults, false, p)}`;
      const conditions: string[] = [];
      if (merge) conditions.push(countInserted('+'));
      for (const t of plan.putConditions) conditions.push(logicSql('pgrst_body', t, p));
      // A WHERE also keeps ON CONFLICT from being read as part of the FROM clause.
      sql += ` WHERE ${conditions.length ? conditions.join(' AND ') : 'TRUE'}`;
      if (plan.onConflict?.columns.length) {
        sql += ` ON CONFLICT (${plan.onConflict.columns.map(ident).join(', ')})`;
        if (!merge || cols.length === 0) sql += ' DO NOTHING';
        else {
          sql += ` DO UPDATE SET ${cols.map((c) => `${c} = EXCLUDED.${c}`).join(', ')} WHERE ${countInserted('-')}`;
        }
      }
      return sql + returningSql(plan);
    }
    case 'update': {
      if (plan.columns.length === 0) {
        const cols =
          plan.returning.length === 0
            ? 'NULL'
            : plan.returning.includes('*')
              ? `${table}.*`
              : plan.returning.map((c) => `${table}.${ident(c)}`).join(', ');
        return `SELECT ${cols} FROM ${table} WHERE false`;
      }
      const set = plan.columns.map((c) => `${ident(c.name)} = pgrst_body.${ident(c.name)}`).join(', ');
      return (
        `UPDATE ${table} SET ${set} ${jsonBodySource(payload, plan.columns, plan.applyDefaults, false, p)}` +
        whereSql(table, plan.where, p) +
        returningSql(plan)
      );
    }
    case 'delete':
      return `DELETE FROM ${table}${whereSql(table, plan.where, p)}${returningSql(plan)}`;
  }
}
