import {
  type Cursor,
  pField,
  pFieldName,
  pIdentifier,
  pJsonPath,
  pQuotedValue,
  runParser,
} from './cursor.js';
import type {
  EmbedPath,
  Field,
  Filter,
  FtsOperator,
  IsValue,
  LogicTree,
  OpExpr,
  Operation,
  OrderTerm,
  QuantOperator,
  SimpleOperator,
} from './types.js';

const SIMPLE_OPERATORS: SimpleOperator[] = ['neq', 'cs', 'cd', 'ov', 'sl', 'sr', 'nxr', 'nxl', 'adj'];
// Longer names first where one is a prefix of another (gte/gt, lte/lt).
const QUANT_OPERATORS: QuantOperator[] = ['eq', 'gte', 'gt', 'lte', 'lt', 'like', 'ilike', 'match', 'imatch'];
const FTS_OPERATORS: FtsOperator[] = ['fts', 'plfts', 'phfts', 'wfts'];
const IS_VALUES: IsValue[] = ['null', 'not_null', 'true', 'false', 'unknown'];
const OPERATOR = 'operator (eq, gt, ...)';

type ValueParser = (c: Cursor) => string;

/** The rest of the input: outside logic trees a value may contain any character. */
const pSingleVal: ValueParser = (c) => {
  const value = c.src.slice(c.pos);
  c.pos = c.src.length;
  return value;
};

function pUntilListDelimiter(c: Cursor): string {
  const start = c.pos;
  while (!c.atEnd && c.peek() !== ',' && c.peek() !== ')') c.pos++;
  return c.src.slice(start, c.pos);
}

/** A quoted value that is a whole element (not followed by more text). */
function pQuotedElement(c: Cursor): string | undefined {
  if (c.peek() !== '"') return undefined;
  return c.attempt(() => {
    const value = pQuotedValue(c);
    if (!c.atEnd && c.peek() !== ',' && c.peek() !== ')') c.fail(['","', '")"']);
    return value;
  });
}

/** Inside `or=(…)`: a quoted value, a `{…}` array literal, or text up to `,`/`)`. */
const pLogicSingleVal: ValueParser = (c) => {
  const quoted = pQuotedElement(c);
  if (quoted !== undefined) return quoted;
  if (c.peek() === '{') {
    const end = c.src.indexOf('}', c.pos);
    const inner = end < 0 ? '' : c.src.slice(c.pos + 1, end);
    if (end >= 0 && !inner.includes('{')) {
      const value = c.src.slice(c.pos, end + 1);
      c.pos = end + 1;
      return value;
    }
  }
  return pUntilListDelimiter(c);
};

/** `(a,b,"c,d")` */
function pListVal(c: Cursor): string[] {
  c.skipSpaces();
  c.expect('(');
  c.skipSpaces();
  const values: string[] = [];
  for (;;) {
    values.push(pQuotedElement(c) ?? pUntilListDelimiter(c));
    if (!c.eat(',')) break;
  }
  c.skipSpaces();
  c.expect(')', '")"');
  c.skipSpaces();
  return values;
}

function pDelimiter(c: Cursor): void {
  c.expect('.', 'delimiter (.)');
}

function ciStartsWith(c: Cursor, word: string): boolean {
  return c.src.slice(c.pos, c.pos + word.length).toLowerCase() === word;
}

function pOperation(c: Cursor, pValue: ValueParser): Operation {
  const start = c.pos;
  // in.(…), is.…, isdistinct.… commit once their name and delimiter have matched.
  if (c.startsWith('in.')) {
    c.pos += 3;
    return { kind: 'in', values: pListVal(c) };
  }
  if (c.startsWith('is.')) {
    c.pos += 3;
    const value = IS_VALUES.find(
      (v) => ciStartsWith(c, v) && !/[a-z_]/i.test(c.src.charAt(c.pos + v.length)),
    );
    if (!value) c.fail('isVal: (null, not_null, true, false, unknown)');
    c.pos += value.length;
    return { kind: 'is', value };
  }
  if (c.startsWith('isdistinct.')) {
    c.pos += 11;
    return { kind: 'isdistinct', value: pValue(c) };
  }
  const fts = c.attempt((): Operation => {
    const op = [...FTS_OPERATORS].sort((a, b) => b.length - a.length).find((o) => c.startsWith(o));
    if (!op) c.fail(OPERATOR);
    c.pos += op.length;
    let language: string | undefined;
    if (c.eat('(')) {
      language = pIdentifier(c);
      c.expect(')');
    }
    pDelimiter(c);
    const operation: Operation = { kind: 'fts', op, value: pValue(c) };
    if (language !== undefined) operation.language = language;
    return operation;
  });
  if (fts) return fts;
  const simple = c.attempt((): Operation => {
    const op = SIMPLE_OPERATORS.find((o) => c.startsWith(`${o}.`));
    if (!op) c.fail(OPERATOR);
    c.pos += op.length + 1;
    return { kind: 'simple', op, value: pValue(c) };
  });
  if (simple) return simple;
  const quant = c.attempt((): Operation => {
    const op = QUANT_OPERATORS.find((o) => c.startsWith(`${o}.`) || c.startsWith(`${o}(`));
    if (!op) c.fail(OPERATOR);
    c.pos += op.length;
    let quantifier: 'any' | 'all' | undefined;
    if (c.eat('(any)')) quantifier = 'any';
    else if (c.eat('(all)')) quantifier = 'all';
    else if (c.peek() === '(') c.fail(OPERATOR);
    pDelimiter(c);
    const operation: Operation = { kind: 'quant', op, value: pValue(c) };
    if (quantifier) operation.quantifier = quantifier;
    return operation;
  });
  if (quant) return quant;
  c.pos = start;
  return c.fail(OPERATOR);
}

export function pOpExpr(c: Cursor, pValue: ValueParser = pSingleVal): OpExpr {
  const negated = c.startsWith('not.');
  if (negated) c.pos += 4;
  return { negated, operation: pOperation(c, pValue) };
}

/** A filter value: `eq.1`, `not.in.(1,2)`, `fts(english).cat`, … */
export function parseOpExpr(value: string): OpExpr {
  return runParser('failed to parse filter', value, (c) => {
    const expr = pOpExpr(c);
    c.requireEnd();
    return expr;
  });
}

/** A filter key: `col`, `rel.col`, `col->a->>b`. */
export function parseTreePath(key: string): { path: EmbedPath; field: Field } {
  return runParser('failed to parse tree path', key, (c) => {
    const names = [pFieldName(c)];
    while (c.eat('.')) names.push(pFieldName(c));
    const jsonPath = pJsonPath(c);
    c.requireEnd(['"->"', '"."']);
    const name = names.pop() as string;
    return { path: names, field: { name, jsonPath } };
  });
}

function pLogicTree(c: Cursor): LogicTree {
  const filter = c.attempt((): LogicTree => {
    const field = pField(c);
    pDelimiter(c);
    return { kind: 'filter', filter: { field, expr: pOpExpr(c, pLogicSingleVal) } };
  });
  if (filter) return filter;
  const negated = c.startsWith('not.');
  if (negated) c.pos += 4;
  let operator: 'and' | 'or';
  if (c.eat('and')) operator = 'and';
  else if (c.eat('or')) operator = 'or';
  else return c.fail('logic operator (and, or)');
  c.skipSpaces();
  c.expect('(');
  c.skipSpaces();
  const children = [pLogicTree(c)];
  for (;;) {
    c.skipSpaces();
    if (!c.eat(',')) break;
    c.skipSpaces();
    children.push(pLogicTree(c));
  }
  c.skipSpaces();
  c.expect(')', '")"');
  c.skipSpaces();
  return { kind: 'expr', negated, operator, children };
}

/**
 * `or=(a.eq.1,b.gt.2)`, `rel.not.and=(…)`: the key gives the embed path and operator, the value
 * the operands.
 */
export function parseLogicParam(key: string, value: string): { path: EmbedPath; tree: LogicTree } {
  const { path, op } = runParser('failed to parse logic path', key, (c) => {
    const names = [pFieldName(c)];
    while (c.eat('.')) names.push(pFieldName(c));
    c.requireEnd(['"."']);
    const last = names.pop() as string;
    const negated = names.includes('not');
    return { path: names.filter((n) => n !== 'not'), op: negated ? `not.${last}` : last };
  });
  const source = op + value;
  const tree = runParser('failed to parse logic tree', source, (c) => {
    const t = pLogicTree(c);
    if (t.kind !== 'expr') c.fail('logic operator (and, or)');
    c.requireEnd();
    return t;
  });
  return { path, tree };
}

/** `order=a.desc.nullslast,rel(b).asc` */
export function parseOrder(value: string): OrderTerm[] {
  return runParser('failed to parse order', value, (c) => {
    const terms = [pOrderTerm(c)];
    while (c.eat(',')) terms.push(pOrderTerm(c));
    c.requireEnd(['","']);
    return terms;
  });
}

function pOrderTerm(c: Cursor): OrderTerm {
  c.skipSpaces();
  const term = c.attempt((): OrderTerm => {
    const relation = pFieldName(c);
    c.expect('(');
    const field = pField(c);
    c.expect(')');
    return { relation, field };
  }) ?? { field: pField(c) };
  if (c.startsWith('.asc') || c.startsWith('.desc')) {
    term.direction = c.startsWith('.asc') ? 'asc' : 'desc';
    c.pos += term.direction.length + 1;
  }
  if (c.startsWith('.nullsfirst') || c.startsWith('.nullslast')) {
    term.nulls = c.startsWith('.nullsfirst') ? 'first' : 'last';
    c.pos += term.nulls === 'first' ? 11 : 10;
  }
  c.skipSpaces();
  if (!c.atEnd && c.peek() !== ',') {
    if (c.peek() === '.') {
      c.pos++;
      c.fail(
        term.direction || term.nulls
          ? ['"nullsfirst"', '"nullslast"']
          : ['"asc"', '"desc"', '"nullsfirst"', '"nullslast"'],
      );
    }
    c.fail(['delimiter (.)', '","', 'end of input']);
  }
  return term;
}

/** `columns=a,b` and `on_conflict=a,b`. */
export function parseColumnList(label: string, value: string): string[] {
  return runParser(`failed to parse ${label} parameter`, value, (c) => {
    const names: string[] = [];
    for (;;) {
      c.skipSpaces();
      names.push(pFieldName(c));
      c.skipSpaces();
      if (!c.eat(',')) break;
    }
    c.requireEnd(['","']);
    return names;
  });
}

export type { Filter };
