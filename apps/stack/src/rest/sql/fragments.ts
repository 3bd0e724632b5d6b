import { ApiError } from '../errors.js';
import type { JsonPath, Operation, Range } from '../parse/types.js';
import type { PlanField, PlanFilter, PlanLogicTree, PlanOrderTerm } from '../plan/types.js';
import type { QualifiedName } from '../schema-cache.js';

/**
 * SQL fragments (SqlFragment.hs). Identifiers are always double-quoted; every value from the
 * request travels as a bind parameter ($n) of unknown type, so PostgreSQL infers its type from
 * the column, exactly as PostgREST's `unknownLiteral`.
 */
export class Params {
  readonly values: unknown[] = [];

  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** A quoted identifier. NUL cannot be sent to PostgreSQL at all, so it is refused here. */
export function ident(name: string): string {
  if (name.includes('\u0000')) {
    throw new ApiError(400, 'PGRST100', 'Identifiers cannot contain NUL characters', null);
  }
  return `"${name.replace(/"/g, '""')}"`;
}

export function qualified(qi: QualifiedName): string {
  return qi.schema ? `${ident(qi.schema)}.${ident(qi.name)}` : ident(qi.name);
}

export function column(ref: string, name: string): string {
  return name === '*' ? `${ref}.*` : `${ref}.${ident(name)}`;
}

export function jsonPathSql(path: JsonPath, p: Params): string {
  let sql = '';
  for (const op of path) {
    sql += op.arrow;
    sql += op.operand.kind === 'key' ? p.add(op.operand.value) : `${p.add(op.operand.value)}::int`;
  }
  return sql;
}

/** A column of `ref`, with its JSON path and full-text-search wrapping (pgFmtField). */
export function fieldSql(ref: string, f: PlanField, p: Params): string {
  let sql: string;
  if (f.jsonPath.length === 0) sql = column(ref, f.name);
  else if (f.toJson) sql = `to_jsonb(${column(ref, f.name)})${jsonPathSql(f.jsonPath, p)}`;
  else sql = `${column(ref, f.name)}${jsonPathSql(f.jsonPath, p)}`;
  if (f.toTsVector) {
    const lang = f.toTsVector.language === undefined ? '' : `${p.add(f.toTsVector.language)}, `;
    sql = `to_tsvector(${lang}${sql})`;
  }
  return sql;
}

/** `{"a","b\"c"}`: a PostgreSQL array literal for `= ANY($n)`. */
export function pgArrayLiteral(values: string[]): string {
  return `{${values.map((v) => `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',')}}`;
}

const SIMPLE_SQL = {
  neq: '<>',
  cs: '@>',
  cd: '<@',
  ov: '&&',
  sl: '<<',
  sr: '>>',
  nxr: '&<',
  nxl: '&>',
  adj: '-|-',
} as const;

const QUANT_SQL = {
  eq: '=',
  gte: '>=',
  gt: '>',
  lte: '<=',
  lt: '<',
  like: 'like',
  ilike: 'ilike',
  match: '~',
  imatch: '~*',
} as const;

const FTS_SQL = {
  fts: 'to_tsquery',
  plfts: 'plainto_tsquery',
  phfts: 'phraseto_tsquery',
  wfts: 'websearch_to_tsquery',
} as const;

function operationSql(field: string, op: Operation, p: Params): string {
  switch (op.kind) {
    case 'simple':
      return `${field} ${SIMPLE_SQL[op.op]} ${p.add(op.value)}`;
    case 'quant': {
      const value = op.op === 'like' || op.op === 'ilike' ? op.value.replace(/\*/g, '%') : op.value;
      const param = p.add(value);
      const rhs = op.quantifier ? `${op.quantifier.toUpperCase()}(${param})` : param;
      return `${field} ${QUANT_SQL[op.op]} ${rhs}`;
    }
    case 'in':
      if (op.values.length === 1 && op.values[0] === '') return `${field} = ANY('{}')`;
      return `${field} = ANY(${p.add(pgArrayLiteral(op.values))})`;
    case 'is':
      return `${field} IS ${op.value === 'not_null' ? 'NOT NULL' : op.value.toUpperCase()}`;
    case 'isdistinct':
      return `${field} IS DISTINCT FROM ${p.add(op.value)}`;
    case 'fts': {
      const lang = op.language === undefined ? '' : `${p.add(op.language)}, `;
      return `${field} @@ ${FTS_SQL[op.op]}(${lang}${p.add(op.value)})`;
    }
  }
}

export function filterSql(ref: string, filter: PlanFilter, p: Params): string {
  if (filter.kind === 'null-embed') {
    const target = filter.toOne
      ? ident(filter.aggAlias)
      : `${ident(filter.aggAlias)}.${ident(filter.aggAlias)}`;
    return `${target} IS ${filter.isNull ? 'NOT ' : ''}DISTINCT FROM NULL`;
  }
  const sql = operationSql(fieldSql(ref, filter.field, p), filter.expr.operation, p);
  return filter.expr.negated ? `NOT (${sql})` : sql;
}

export function logicSql(ref: string, tree: PlanLogicTree, p: Params): string {
  if (tree.kind === 'stmt') return filterSql(ref, tree.filter, p);
  const inner = tree.children
    .map((t) => logicSql(ref, t, p))
    .join(tree.operator === 'and' ? ' AND ' : ' OR ');
  return `${tree.negated ? 'NOT ' : ''}(${inner})`;
}

export function orderSql(ref: string, terms: PlanOrderTerm[], p: Params): string {
  if (!terms.length) return '';
  const parts = terms.map((t) => {
    const target =
      t.kind === 'field'
        ? fieldSql(ref, t.field, p)
        : fieldSql(ident(t.aggAlias), { name: t.field.name, jsonPath: t.field.jsonPath, toJson: true }, p);
    let sql = target;
    if (t.direction) sql += t.direction === 'asc' ? ' ASC' : ' DESC';
    if (t.nulls) sql += t.nulls === 'first' ? ' NULLS FIRST' : ' NULLS LAST';
    return sql;
  });
  return ` ORDER BY ${parts.join(', ')}`;
}

/**
 * LIMIT/OFFSET. PostgREST binds both, but a bound LIMIT keeps PostgreSQL from ever choosing a
 * generic plan for the prepared statement (it assumes 10% of the rows), so every execution is
 * planned again: ~0.7 ms of a 50-message page's ~1.1 ms (bench/rest-page.ts). The parser's
 * integers are written in the SQL instead; an offset other than 0 stays bound, so paging does
 * not mint a statement per page.
 */
export function limitSql(range: Range, p: Params): string {
  if (range.offset === 0 && range.limit === null) return '';
  const integer = (n: number) => (Number.isSafeInteger(n) && n >= 0 ? String(n) : p.add(String(n)));
  const limit = range.limit === null ? 'ALL' : integer(range.limit);
  const offset = range.offset === 0 ? '0' : p.add(String(range.offset));
  return ` LIMIT ${limit} OFFSET ${offset}`;
}

/** Only the characters PostgREST's parser allows in a type name (letters, digits, `_`, space, `$`). */
export function castSql(type: string): string {
  if (!/^[\p{L}0-9_ $]+$/u.test(type)) throw new ApiError(400, 'PGRST100', `Invalid cast type: ${type}`);
  return type;
}
