import { type Cursor, pField, pFieldName, pIdentifier, runParser } from './cursor.js';
import type { AggregateFunction, JoinType, SelectField, SelectItem, SelectRelation } from './types.js';

/**
 * The `select` grammar (PostgREST's pFieldForest):
 *
 *   forest   := item ("," item)*            (possibly empty)
 *   item     := "..." name params "(" forest ")"
 *             | [alias ":"] name params "(" forest ")"
 *             | "*" | [alias ":"] "count()" ["::" type]
 *             | [alias ":"] name jsonpath ["::" type] ["." agg "()" ["::" type]]
 *   params   := ("!" ("inner" | "left" | hint)){0,2}
 */
export function parseSelect(input: string): SelectItem[] {
  return runParser('failed to parse select parameter', input, (c) => {
    const items = pForest(c);
    c.requireEnd(['","']);
    return items;
  });
}

function pForest(c: Cursor): SelectItem[] {
  c.skipSpaces();
  if (c.atEnd || c.peek() === ')') return [];
  const items = [pItem(c)];
  for (;;) {
    c.skipSpaces();
    if (!c.eat(',')) return items;
    c.skipSpaces();
    items.push(pItem(c));
  }
}

function pItem(c: Cursor): SelectItem {
  if (c.startsWith('...')) {
    const spread = c.attempt(() => {
      c.pos += 3;
      const relation = pFieldName(c);
      return pRelationRest(c, relation, undefined, true);
    });
    if (spread) return spread;
  }
  const relation = c.attempt(() => {
    c.skipSpaces();
    const alias = pAlias(c);
    const name = pFieldName(c);
    if (name === 'count') c.fail('"("');
    return pRelationRest(c, name, alias, false);
  });
  if (relation) return relation;
  return pFieldSelect(c);
}

function pRelationRest(
  c: Cursor,
  relation: string,
  alias: string | undefined,
  spread: boolean,
): SelectRelation {
  let hint: string | undefined;
  let joinType: JoinType | undefined;
  for (let i = 0; i < 2 && c.eat('!'); i++) {
    const join = (['inner', 'left'] as const).find((j) => {
      if (!c.startsWith(j)) return false;
      const next = c.src.charAt(c.pos + j.length);
      return next === '!' || next === '(';
    });
    if (join) {
      c.pos += join.length;
      joinType ??= join;
    } else {
      hint ??= pFieldName(c);
    }
  }
  if (c.peek() !== '(') c.fail('"("');
  c.pos++;
  const children = pForest(c);
  c.skipSpaces();
  c.expect(')');
  c.skipSpaces();
  const item: SelectRelation = { type: 'relation', relation, spread, children };
  if (alias !== undefined) item.alias = alias;
  if (hint !== undefined) item.hint = hint;
  if (joinType !== undefined) item.joinType = joinType;
  return item;
}

/** `alias:` (but not the `::` of a cast). */
function pAlias(c: Cursor): string | undefined {
  return c.attempt(() => {
    const alias = pFieldName(c);
    if (c.peek() !== ':' || c.peek(1) === ':') c.fail('":"');
    c.pos++;
    return alias;
  });
}

function pItemEnd(c: Cursor): void {
  c.skipSpaces();
  if (!(c.atEnd || c.peek() === ')' || c.peek() === ','))
    c.fail(['"::"', '"."', '")"', '","', 'end of input']);
}

const AGGREGATES: AggregateFunction[] = ['sum', 'avg', 'count', 'max', 'min'];

function pCast(c: Cursor): string | undefined {
  if (!c.startsWith('::')) return undefined;
  c.pos += 2;
  return pIdentifier(c);
}

function pFieldSelect(c: Cursor): SelectField {
  c.skipSpaces();
  const star = c.attempt(() => {
    c.expect('*');
    pItemEnd(c);
    return { type: 'field', field: { name: '*', jsonPath: [] } } satisfies SelectField;
  });
  if (star) return star;
  const count = c.attempt(() => {
    const alias = pAlias(c);
    c.expect('count()');
    const aggregateCast = pCast(c);
    pItemEnd(c);
    const item: SelectField = { type: 'field', field: { name: '*', jsonPath: [] }, aggregate: 'count' };
    if (alias !== undefined) item.alias = alias;
    if (aggregateCast !== undefined) item.aggregateCast = aggregateCast;
    return item;
  });
  if (count) return count;
  const alias = pAlias(c);
  const field = pField(c);
  const cast = pCast(c);
  const aggregate = c.attempt(() => {
    c.expect('.');
    const fn = AGGREGATES.find((a) => c.startsWith(`${a}()`));
    if (!fn) c.fail('aggregate function (sum, avg, count, max, min)');
    c.pos += fn.length + 2;
    return fn;
  });
  const aggregateCast = aggregate ? pCast(c) : undefined;
  pItemEnd(c);
  const item: SelectField = { type: 'field', field };
  if (alias !== undefined) item.alias = alias;
  if (cast !== undefined) item.cast = cast;
  if (aggregate !== undefined) item.aggregate = aggregate;
  if (aggregateCast !== undefined) item.aggregateCast = aggregateCast;
  return item;
}
