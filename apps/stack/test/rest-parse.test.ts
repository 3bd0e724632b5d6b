import { describe, expect, it } from 'vitest';
import { ApiError } from '../src/rest/errors.js';
import {
  parseColumnList,
  parseLogicParam,
  parseOpExpr,
  parseOrder,
  parseTreePath,
} from '../src/rest/parse/filter.js';
import {
  intersectRanges,
  mediaTypeToMime,
  parseAccept,
  parsePrefer,
  parseRangeHeader,
  preferenceAppliedHeader,
  restrictRange,
} from '../src/rest/parse/headers.js';
import { parseQueryParams, splitQuery } from '../src/rest/parse/query-params.js';
import { parseRequest, type RawRequest } from '../src/rest/parse/request.js';
import { parseSelect } from '../src/rest/parse/select.js';

function failure(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('expected a failure');
}

const key = (value: string) => ({ kind: 'key', value });
const idx = (value: string) => ({ kind: 'idx', value });

describe('select grammar', () => {
  it('parses columns, aliases, casts and JSON paths', () => {
    expect(parseSelect('id,n:name,born::text,a:data->b->>c,data->0,x:"odd,name"')).toEqual([
      { type: 'field', field: { name: 'id', jsonPath: [] } },
      { type: 'field', field: { name: 'name', jsonPath: [] }, alias: 'n' },
      { type: 'field', field: { name: 'born', jsonPath: [] }, cast: 'text' },
      {
        type: 'field',
        field: {
          name: 'data',
          jsonPath: [
            { arrow: '->', operand: key('b') },
            { arrow: '->>', operand: key('c') },
          ],
        },
        alias: 'a',
      },
      { type: 'field', field: { name: 'data', jsonPath: [{ arrow: '->', operand: idx('+0') }] } },
      { type: 'field', field: { name: 'odd,name', jsonPath: [] }, alias: 'x' },
    ]);
    expect(parseSelect('data->-1')[0]).toMatchObject({ field: { jsonPath: [{ operand: idx('-1') }] } });
    expect(parseSelect('*')).toEqual([{ type: 'field', field: { name: '*', jsonPath: [] } }]);
    expect(parseSelect('')).toEqual([]);
    expect(parseSelect('first-name, with space')).toEqual([
      { type: 'field', field: { name: 'first-name', jsonPath: [] } },
      { type: 'field', field: { name: 'with space', jsonPath: [] } },
    ]);
  });

  it('parses embedded resources with aliases, hints, join types and spreads', () => {
    expect(parseSelect('*,a:authors!fk!inner(id,books(*)),b:authors!left(),...c!hint(x)')).toEqual([
      { type: 'field', field: { name: '*', jsonPath: [] } },
      {
        type: 'relation',
        relation: 'authors',
        alias: 'a',
        hint: 'fk',
        joinType: 'inner',
        spread: false,
        children: [
          { type: 'field', field: { name: 'id', jsonPath: [] } },
          {
            type: 'relation',
            relation: 'books',
            spread: false,
            children: [{ type: 'field', field: { name: '*', jsonPath: [] } }],
          },
        ],
      },
      { type: 'relation', relation: 'authors', alias: 'b', joinType: 'left', spread: false, children: [] },
      {
        type: 'relation',
        relation: 'c',
        hint: 'hint',
        spread: true,
        children: [{ type: 'field', field: { name: 'x', jsonPath: [] } }],
      },
    ]);
    expect(parseSelect('rel!inner!fk(id)')[0]).toMatchObject({ hint: 'fk', joinType: 'inner' });
  });

  it('parses count() and aggregates', () => {
    expect(parseSelect('count()')).toEqual([
      { type: 'field', field: { name: '*', jsonPath: [] }, aggregate: 'count' },
    ]);
    expect(parseSelect('total:price::int.sum()::text')[0]).toEqual({
      type: 'field',
      field: { name: 'price', jsonPath: [] },
      alias: 'total',
      cast: 'int',
      aggregate: 'sum',
      aggregateCast: 'text',
    });
  });

  it('reports errors with PostgREST message and details', () => {
    const e = failure(() => parseSelect('id,clients(name[])'));
    expect(e.status).toBe(400);
    expect(e.code).toBe('PGRST100');
    expect(e.message).toBe('"failed to parse select parameter (id,clients(name[]))" (line 1, column 16)');
    expect(e.details).toMatch(/^unexpected "\[" expecting/);
    expect(failure(() => parseSelect('name::')).details).toBe(
      'unexpected end of input expecting letter or digit',
    );
    expect(failure(() => parseSelect('a(b')).code).toBe('PGRST100');
    expect(failure(() => parseSelect('id)')).code).toBe('PGRST100');
    expect(failure(() => parseSelect('x:"unterminated')).code).toBe('PGRST100');
  });
});

describe('filters', () => {
  it('parses every operator', () => {
    expect(parseOpExpr('eq.1')).toEqual({
      negated: false,
      operation: { kind: 'quant', op: 'eq', value: '1' },
    });
    expect(parseOpExpr('not.gte.2.5')).toEqual({
      negated: true,
      operation: { kind: 'quant', op: 'gte', value: '2.5' },
    });
    for (const op of ['neq', 'cs', 'cd', 'ov', 'sl', 'sr', 'nxr', 'nxl', 'adj']) {
      expect(parseOpExpr(`${op}.v,w`).operation).toEqual({ kind: 'simple', op, value: 'v,w' });
    }
    for (const op of ['gt', 'lt', 'lte', 'like', 'ilike', 'match', 'imatch']) {
      expect(parseOpExpr(`${op}.x.y`).operation).toEqual({ kind: 'quant', op, value: 'x.y' });
    }
    expect(parseOpExpr('like(any).{a*,b*}').operation).toEqual({
      kind: 'quant',
      op: 'like',
      quantifier: 'any',
      value: '{a*,b*}',
    });
    expect(parseOpExpr('eq(all).{1}').operation).toMatchObject({ quantifier: 'all' });
    expect(parseOpExpr('is.NULL').operation).toEqual({ kind: 'is', value: 'null' });
    expect(parseOpExpr('is.not_null').operation).toEqual({ kind: 'is', value: 'not_null' });
    expect(parseOpExpr('is.Unknown').operation).toEqual({ kind: 'is', value: 'unknown' });
    expect(parseOpExpr('isdistinct.a').operation).toEqual({ kind: 'isdistinct', value: 'a' });
    expect(parseOpExpr('fts(english).cat & dog').operation).toEqual({
      kind: 'fts',
      op: 'fts',
      language: 'english',
      value: 'cat & dog',
    });
    expect(parseOpExpr('wfts.a b').operation).toEqual({ kind: 'fts', op: 'wfts', value: 'a b' });
    expect(parseOpExpr('plfts.x').operation).toMatchObject({ op: 'plfts' });
    expect(parseOpExpr('phfts(simple).x').operation).toMatchObject({ op: 'phfts', language: 'simple' });
  });

  it('parses in lists with quoting and escapes', () => {
    expect(parseOpExpr('in.(1,2,"a,b","c\\"d",)').operation).toEqual({
      kind: 'in',
      values: ['1', '2', 'a,b', 'c"d', ''],
    });
    expect(parseOpExpr('not.in.()')).toEqual({ negated: true, operation: { kind: 'in', values: [''] } });
  });

  it('rejects unknown operators and malformed values', () => {
    const e = failure(() => parseOpExpr('noop.0'));
    expect(e.message).toBe('"failed to parse filter (noop.0)" (line 1, column 1)');
    expect(e.details).toContain('operator (eq, gt, ...)');
    expect(failure(() => parseOpExpr('is.maybe')).details).toContain('isVal');
    expect(failure(() => parseOpExpr('in.(1,2')).code).toBe('PGRST100');
    expect(failure(() => parseOpExpr('eq(some).1')).code).toBe('PGRST100');
    expect(failure(() => parseOpExpr('eq')).code).toBe('PGRST100');
  });

  it('parses keys with embed paths and JSON paths', () => {
    expect(parseTreePath('rel.sub.col->a->>b')).toEqual({
      path: ['rel', 'sub'],
      field: {
        name: 'col',
        jsonPath: [
          { arrow: '->', operand: key('a') },
          { arrow: '->>', operand: key('b') },
        ],
      },
    });
    expect(failure(() => parseTreePath('a(b)')).code).toBe('PGRST100');
  });

  it('parses logic trees, nested and negated, with quoted values and arrays', () => {
    expect(
      parseLogicParam('or', '(a.eq.1,and(b.gt.2,c.not.is.null),d.in.(1,"x,y"),e.cs.{1,2},f.eq."q,(r)")'),
    ).toEqual({
      path: [],
      tree: {
        kind: 'expr',
        negated: false,
        operator: 'or',
        children: [
          {
            kind: 'filter',
            filter: {
              field: { name: 'a', jsonPath: [] },
              expr: { negated: false, operation: { kind: 'quant', op: 'eq', value: '1' } },
            },
          },
          {
            kind: 'expr',
            negated: false,
            operator: 'and',
            children: [
              {
                kind: 'filter',
                filter: {
                  field: { name: 'b', jsonPath: [] },
                  expr: { negated: false, operation: { kind: 'quant', op: 'gt', value: '2' } },
                },
              },
              {
                kind: 'filter',
                filter: {
                  field: { name: 'c', jsonPath: [] },
                  expr: { negated: true, operation: { kind: 'is', value: 'null' } },
                },
              },
            ],
          },
          {
            kind: 'filter',
            filter: {
              field: { name: 'd', jsonPath: [] },
              expr: { negated: false, operation: { kind: 'in', values: ['1', 'x,y'] } },
            },
          },
          {
            kind: 'filter',
            filter: {
              field: { name: 'e', jsonPath: [] },
              expr: { negated: false, operation: { kind: 'simple', op: 'cs', value: '{1,2}' } },
            },
          },
          {
            kind: 'filter',
            filter: {
              field: { name: 'f', jsonPath: [] },
              expr: { negated: false, operation: { kind: 'quant', op: 'eq', value: 'q,(r)' } },
            },
          },
        ],
      },
    });
    expect(parseLogicParam('rel.not.and', '(x.eq.1)')).toMatchObject({
      path: ['rel'],
      tree: { negated: true, operator: 'and' },
    });
    expect(failure(() => parseLogicParam('or', '()')).code).toBe('PGRST100');
    expect(failure(() => parseLogicParam('or', '(id.in.1,2)')).code).toBe('PGRST100');
    expect(failure(() => parseLogicParam('or', '(a.eq.1,not.xor(b.eq.2))')).details).toContain(
      'logic operator',
    );
  });

  it('parses order terms, also on embedded resources', () => {
    expect(parseOrder('name.desc.nullsfirst,data->k.asc,author(name).desc,id')).toEqual([
      { field: { name: 'name', jsonPath: [] }, direction: 'desc', nulls: 'first' },
      { field: { name: 'data', jsonPath: [{ arrow: '->', operand: key('k') }] }, direction: 'asc' },
      { relation: 'author', field: { name: 'name', jsonPath: [] }, direction: 'desc' },
      { field: { name: 'id', jsonPath: [] } },
    ]);
    expect(failure(() => parseOrder('id.ac')).details).toContain('"asc"');
    expect(failure(() => parseOrder('id.asc.nlsfst')).details).toContain('"nullsfirst"');
    expect(failure(() => parseOrder('clients(name,id)')).code).toBe('PGRST100');
  });

  it('parses column lists', () => {
    expect(parseColumnList('columns', 'a, "b c",d-e')).toEqual(['a', 'b c', 'd-e']);
    expect(failure(() => parseColumnList('on_conflict', 'a,')).message).toContain('on_conflict');
  });
});

describe('query string', () => {
  const parse = (qs: string, rpc = false) => parseQueryParams(splitQuery(qs), rpc);

  it('sorts params into select, filters, order, logic, ranges, columns and on_conflict', () => {
    const q = parse(
      'select=id,rel(x)&id=gt.1&rel.x=eq.2&order=id.desc&rel.order=x&or=(a.eq.1,b.eq.2)&limit=5&offset=10&rel.limit=2&columns=a,b&on_conflict=id',
    );
    expect(q.select).toHaveLength(2);
    expect(q.filters.map((f) => [f.path, f.filter.field.name])).toEqual([
      [[], 'id'],
      [['rel'], 'x'],
    ]);
    expect(q.order.map((o) => o.path)).toEqual([[], ['rel']]);
    expect(q.logic).toHaveLength(1);
    expect(q.ranges).toEqual([
      { path: [], range: { offset: 10, limit: 5 } },
      { path: ['rel'], range: { offset: 0, limit: 2 } },
    ]);
    expect(q.columns).toEqual(['a', 'b']);
    expect(q.onConflict).toEqual(['id']);
  });

  it('decodes like PostgREST and builds the canonical query', () => {
    const q = parse('b=eq.a+b&a=eq.%22x%22&c');
    expect(q.filters.map((f) => f.filter.expr.operation)).toEqual([
      { kind: 'quant', op: 'eq', value: 'a b' },
      { kind: 'quant', op: 'eq', value: '"x"' },
    ]);
    expect(q.canonical).toBe('a=eq.%22x%22&b=eq.a+b&c=');
    expect(parse('name=eq.100%25%zz').filters[0]?.filter.expr.operation).toMatchObject({ value: '100%%zz' });
  });

  it('treats parameters without an operator as RPC arguments on reads', () => {
    const q = parse('a=1&b=hello&c=gt.3', true);
    expect(q.rpcParams).toEqual([
      ['a', '1'],
      ['b', 'hello'],
    ]);
    expect(q.filters).toHaveLength(1);
    expect(failure(() => parse('a=1')).code).toBe('PGRST100');
  });

  it('ignores unparseable limits and refuses negative ones', () => {
    expect(parse('limit=abc').ranges).toEqual([{ path: [], range: { offset: 0, limit: null } }]);
    expect(failure(() => parse('limit=-1')).code).toBe('PGRST103');
  });
});

describe('headers', () => {
  it('parses Prefer: first value wins, unknown ones are collected', () => {
    const prefs = parsePrefer(
      'return=representation, count=exact, return=minimal, resolution=merge-duplicates, bogus, missing=default, tx=rollback, max-affected=5, handling=strict, timezone=UTC',
    );
    expect(prefs).toEqual({
      representation: 'representation',
      count: 'exact',
      resolution: 'merge-duplicates',
      missing: 'default',
      transaction: 'rollback',
      maxAffected: 5,
      handling: 'strict',
      timezone: 'UTC',
      invalid: ['bogus'],
    });
    expect(preferenceAppliedHeader({ count: 'exact', representation: 'minimal' })).toBe(
      'return=minimal, count=exact',
    );
  });

  it('orders Accept by quality', () => {
    expect(
      parseAccept('text/csv;q=0.5, application/vnd.pgrst.object+json;nulls=stripped, */*;q=0.1'),
    ).toEqual([{ kind: 'object', stripNulls: true }, { kind: 'csv' }, { kind: 'any' }]);
    expect(parseAccept(undefined)).toEqual([{ kind: 'any' }]);
  });

  it('decodes the plan media types (format, for, options in PostgREST order) and writes them canonically', () => {
    const [plan] = parseAccept('application/vnd.pgrst.plan+json; for="text/csv"; options=wal|analyze|bogus;');
    expect(plan).toEqual({ kind: 'plan', format: 'json', for: { kind: 'csv' }, options: ['analyze', 'wal'] });
    expect(mediaTypeToMime(plan as NonNullable<typeof plan>)).toBe(
      'application/vnd.pgrst.plan+json; for="text/csv"; options=analyze|wal',
    );
    const [text] = parseAccept('application/vnd.pgrst.plan');
    expect(text).toEqual({ kind: 'plan', format: 'text', for: { kind: 'json' }, options: [] });
    expect(mediaTypeToMime(text as NonNullable<typeof text>)).toBe(
      'application/vnd.pgrst.plan+text; for="application/json"',
    );
  });

  it('parses Range and combines ranges', () => {
    expect(parseRangeHeader('0-9')).toEqual({ offset: 0, limit: 10 });
    expect(parseRangeHeader('10-')).toEqual({ offset: 10, limit: null });
    expect(parseRangeHeader('items=1-2')).toEqual({ offset: 0, limit: null });
    expect(failure(() => parseRangeHeader('5-2')).status).toBe(416);
    expect(intersectRanges({ offset: 0, limit: 10 }, { offset: 5, limit: null })).toEqual({
      offset: 5,
      limit: 5,
    });
    expect(restrictRange({ offset: 3, limit: null }, 100)).toEqual({ offset: 3, limit: 100 });
    expect(restrictRange({ offset: 0, limit: 5 }, 100)).toEqual({ offset: 0, limit: 5 });
  });
});

describe('requests', () => {
  const raw = (over: Partial<RawRequest>): RawRequest => ({
    method: 'GET',
    resource: { kind: 'relation', name: 'todos' },
    path: '/todos',
    query: '',
    headers: {},
    body: null,
    ...over,
  });
  const config = { schemas: ['public', 'api'] };

  it('selects the schema by profile header and method', () => {
    expect(parseRequest(raw({ headers: { 'accept-profile': 'api' } }), config)).toMatchObject({
      schema: 'api',
      negotiatedByProfile: true,
    });
    expect(
      parseRequest(raw({ method: 'POST', headers: { 'content-profile': 'api' }, body: '{}' }), config).schema,
    ).toBe('api');
    const e = failure(() => parseRequest(raw({ headers: { 'accept-profile': 'secret' } }), config));
    expect([e.status, e.code, e.hint]).toEqual([
      406,
      'PGRST106',
      'Only the following schemas are exposed: public, api',
    ]);
  });

  it('maps methods to actions', () => {
    expect(parseRequest(raw({ method: 'DELETE' }), config).action).toEqual({
      kind: 'mutate',
      mutation: 'delete',
    });
    expect(parseRequest(raw({ method: 'HEAD' }), config).action).toEqual({ kind: 'read', headersOnly: true });
    const rpc = failure(() =>
      parseRequest(raw({ method: 'PATCH', resource: { kind: 'routine', name: 'f' } }), config),
    );
    expect([rpc.status, rpc.code, rpc.message]).toEqual([
      405,
      'PGRST101',
      'Cannot use the PATCH method on RPC',
    ]);
  });

  it('reads payload keys, columns and RPC arguments', () => {
    const post = parseRequest(raw({ method: 'POST', body: '[{"a":1,"b":2},{"b":3,"a":4}]' }), config);
    expect(post.columns).toEqual(['a', 'b']);
    expect(post.payload).toMatchObject({ kind: 'json', isObject: false });
    const cols = parseRequest(raw({ method: 'POST', query: 'columns=a', body: '[{"a":1},{"b":2}]' }), config);
    expect(cols.columns).toEqual(['a']);
    expect(
      failure(() => parseRequest(raw({ method: 'POST', body: '[{"a":1},{"b":2}]' }), config)).message,
    ).toBe('All object keys must match');
    expect(failure(() => parseRequest(raw({ method: 'PATCH', body: 'nope' }), config)).code).toBe('PGRST102');
    const form = parseRequest(
      raw({
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'a=1&b=x+y',
      }),
      config,
    );
    expect(form.payload).toEqual({
      kind: 'json',
      raw: '{"a":"1","b":"x y"}',
      keys: ['a', 'b'],
      isObject: true,
    });
    const get = parseRequest(raw({ resource: { kind: 'routine', name: 'f' }, query: 'x=1&y=eq.2' }), config);
    expect(get.columns).toEqual(['x']);
    const call = parseRequest(
      raw({ method: 'POST', resource: { kind: 'routine', name: 'f' }, body: '' }),
      config,
    );
    expect(call.payload).toMatchObject({ raw: '{}' });
  });

  it('combines limit/offset with the Range header and drops the apikey parameter', () => {
    const req = parseRequest(raw({ query: 'limit=5&offset=2&apikey=k', headers: { range: '0-3' } }), config);
    expect(req.topLevelRange).toEqual({ offset: 2, limit: 2 });
    expect(req.query.filters).toEqual([]);
    expect(
      failure(() => parseRequest(raw({ method: 'PUT', query: 'limit=1', body: '{}' }), config)).code,
    ).toBe('PGRST114');
  });
});

/** mulberry32: deterministic, so a failing case can be replayed from its seed. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let r = Math.imul(a ^ (a >>> 15), 1 | a);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

describe('parser fuzz', () => {
  const rand = prng(0xc0ffee);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)] as T;
  const alphabet = 'abcxyz019_ $-.,:()!*"\\\'>{}[]&|%@\u00e9\u0000\u{1f600}'.split('');
  const mutate = (s: string) => {
    const chars = [...s];
    const edits = 1 + Math.floor(rand() * 5);
    for (let i = 0; i < edits; i++) {
      const at = Math.floor(rand() * (chars.length + 1));
      const op = rand();
      if (op < 0.35) chars.splice(at, 1);
      else if (op < 0.7) chars.splice(at, 0, pick(alphabet));
      else if (op < 0.85) chars.splice(at, 1, pick(alphabet));
      else chars.splice(at, 0, ...chars.slice(0, Math.floor(rand() * chars.length)));
    }
    return chars.join('');
  };
  const randomString = () => Array.from({ length: Math.floor(rand() * 30) }, () => pick(alphabet)).join('');

  /** Either a parse result or PostgREST's 4xx parse error; anything else is a bug. */
  function check(label: string, input: string, parse: (s: string) => unknown): 'ok' | 'error' {
    try {
      parse(input);
      return 'ok';
    } catch (error) {
      if (!(error instanceof ApiError))
        throw new Error(`${label} threw ${String(error)} for ${JSON.stringify(input)}`);
      expect(error.status, `${label} ${JSON.stringify(input)}`).toBeGreaterThanOrEqual(400);
      expect(error.status).toBeLessThan(500);
      if (error.code === 'PGRST100') {
        expect(error.message).toMatch(/^".*" \(line 1, column \d+\)$/s);
        expect(typeof error.details).toBe('string');
      }
      return 'error';
    }
  }

  it('returns a result or a PGRST100 error for thousands of inputs', () => {
    const seeds: [string, (s: string) => unknown, string[]][] = [
      [
        'select',
        parseSelect,
        ['id,name,a:b->c->>d::text', '*,rel!hint!inner(a,b(*)),...s(x)', 'count(),t:x.sum()::int'],
      ],
      [
        'filter',
        parseOpExpr,
        ['eq.1', 'not.in.(1,"a,b")', 'fts(english).a & b', 'like(any).{a*,b}', 'is.null'],
      ],
      ['order', parseOrder, ['a.desc.nullslast,b', 'rel(x->y).asc', 'id']],
      [
        'logic',
        (s) => parseLogicParam('or', s),
        ['(a.eq.1,and(b.gt.2,c.not.is.null))', '(d.in.(1,2),e.cs.{1,2})'],
      ],
      ['tree path', parseTreePath, ['rel.col->a->>b', '"q.x".y']],
      [
        'query',
        (s) => parseQueryParams(splitQuery(s), rand() < 0.5),
        ['select=id,r(x)&id=eq.1&order=id&or=(a.eq.1)&limit=2'],
      ],
    ];
    const outcomes = { ok: 0, error: 0 };
    let cases = 0;
    for (const [label, parse, valid] of seeds) {
      for (const v of valid) expect(check(label, v, parse)).toBe('ok');
      for (let i = 0; i < 700; i++) {
        const input = rand() < 0.7 ? mutate(pick(valid)) : randomString();
        outcomes[check(label, input, parse)]++;
        cases++;
      }
    }
    expect(cases).toBe(4200);
    // Both outcomes occur: the mutations are neither all fatal nor all harmless.
    expect(outcomes.ok).toBeGreaterThan(200);
    expect(outcomes.error).toBeGreaterThan(200);
  });
});
