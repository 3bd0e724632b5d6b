import { describe, expect, it } from 'vitest';
import { ApiError, pgErrorToApiError, statusForSqlState } from '../src/rest/errors.js';
import { parseRequest, type RawRequest } from '../src/rest/parse/request.js';
import { findRoutine } from '../src/rest/plan/call-plan.js';
import { planRequest } from '../src/rest/plan/index.js';
import { findRelationship, similarity } from '../src/rest/plan/relationships.js';
import { contentRange, rangeStatus } from '../src/rest/respond.js';
import {
  buildRelationships,
  type Column,
  qiKey,
  type Relationship,
  type Routine,
  type SchemaSnapshot,
  type Table,
} from '../src/rest/schema-cache.js';
import { ident, pgArrayLiteral } from '../src/rest/sql/fragments.js';
import { buildStatement } from '../src/rest/sql/statements.js';

function column(name: string, type = 'text', extra: Partial<Column> = {}): Column {
  return { name, type, baseType: type, nullable: true, default: null, generated: false, ...extra };
}

function table(name: string, columns: Column[], primaryKey: string[] = ['id']): Table {
  return {
    schema: 'public',
    name,
    isView: false,
    insertable: true,
    updatable: true,
    deletable: true,
    columns: new Map(columns.map((c) => [c.name, c])),
    columnList: columns,
    primaryKey,
  };
}

function fk(
  name: string,
  from: string,
  to: string,
  columns: [string, string][],
  oneToOne = false,
): Relationship {
  return {
    table: { schema: 'public', name: from },
    foreignTable: { schema: 'public', name: to },
    isSelf: from === to,
    cardinality: oneToOne ? 'o2o' : 'm2o',
    constraint: name,
    columns,
    foreignTableIsView: false,
  };
}

function routine(name: string, params: Routine['params'], extra: Partial<Routine> = {}): Routine {
  return {
    schema: 'public',
    name,
    params,
    returnsSet: false,
    returnsComposite: false,
    returnsVoid: false,
    returnTable: null,
    volatility: 'v',
    description: null,
    ...extra,
  };
}

/** users, posts (author + reviewer → users), tags via post_tags, profiles 1:1 users, self-referencing comments. */
function snapshot(): SchemaSnapshot {
  const tables = new Map<string, Table>();
  const add = (t: Table) => tables.set(qiKey(t.schema, t.name), t);
  add(table('users', [column('id', 'integer'), column('name'), column('data', 'jsonb')]));
  add(
    table('posts', [
      column('id', 'integer'),
      column('author_id', 'integer'),
      column('reviewer_id', 'integer'),
      column('title'),
      column('body_tsv', 'tsvector'),
      column('created', 'timestamptz', { default: 'now()' }),
    ]),
  );
  add(table('tags', [column('id', 'integer'), column('label')]));
  add(table('post_tags', [column('post_id', 'integer'), column('tag_id', 'integer')], ['post_id', 'tag_id']));
  add(table('profiles', [column('user_id', 'integer'), column('bio')], ['user_id']));
  add(table('comments', [column('id', 'integer'), column('parent_id', 'integer'), column('text')]));
  const fks = [
    fk('posts_author_id_fkey', 'posts', 'users', [['author_id', 'id']]),
    fk('posts_reviewer_id_fkey', 'posts', 'users', [['reviewer_id', 'id']]),
    fk('post_tags_post_id_fkey', 'post_tags', 'posts', [['post_id', 'id']]),
    fk('post_tags_tag_id_fkey', 'post_tags', 'tags', [['tag_id', 'id']]),
    fk('profiles_user_id_fkey', 'profiles', 'users', [['user_id', 'id']], true),
    fk('comments_parent_id_fkey', 'comments', 'comments', [['parent_id', 'id']]),
  ];
  const routines = new Map<string, Routine[]>([
    [
      qiKey('public', 'add'),
      [
        routine('add', [
          { name: 'a', type: 'integer', required: true, variadic: false },
          { name: 'b', type: 'integer', required: false, variadic: false },
        ]),
      ],
    ],
    [
      qiKey('public', 'echo'),
      [routine('echo', [{ name: '', type: 'json', required: true, variadic: false }])],
    ],
    [
      qiKey('public', 'over'),
      [
        routine('over', [{ name: 'x', type: 'integer', required: true, variadic: false }]),
        routine('over', [{ name: 'x', type: 'text', required: true, variadic: false }]),
      ],
    ],
  ]);
  return {
    version: 1,
    startedAt: 0,
    schemas: ['public'],
    settings: {
      schemas: ['public'],
      maxRows: null,
      aggregatesEnabled: false,
      planEnabled: false,
      txEnd: 'commit-allow-override',
      extraSearchPath: [],
    },
    tables,
    relationships: buildRelationships(fks, tables),
    routines,
    roleSettings: new Map(),
  };
}

const s = snapshot();

function failure(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('expected a failure');
}

describe('relationships', () => {
  it('derives inverse, one-to-one and many-to-many relationships', () => {
    const users = s.relationships.get(qiKey('public', 'users')) ?? [];
    expect(users.map((r) => [r.foreignTable.name, r.cardinality, r.constraint]).sort()).toEqual([
      ['posts', 'o2m', 'posts_author_id_fkey'],
      ['posts', 'o2m', 'posts_reviewer_id_fkey'],
      ['profiles', 'o2o', 'profiles_user_id_fkey'],
    ]);
    const posts = s.relationships.get(qiKey('public', 'posts')) ?? [];
    const m2m = posts.find((r) => r.cardinality === 'm2m');
    expect(m2m?.foreignTable.name).toBe('tags');
    expect(m2m?.junction).toMatchObject({
      table: { name: 'post_tags' },
      sourceColumns: [['id', 'post_id']],
      targetColumns: [['id', 'tag_id']],
    });
  });

  it('resolves targets by table, constraint, column and hints', () => {
    expect(findRelationship(s, 'public', 'posts', 'users', 'author_id').constraint).toBe(
      'posts_author_id_fkey',
    );
    expect(findRelationship(s, 'public', 'posts', 'users', 'posts_reviewer_id_fkey').constraint).toBe(
      'posts_reviewer_id_fkey',
    );
    expect(findRelationship(s, 'public', 'posts', 'reviewer_id', undefined).constraint).toBe(
      'posts_reviewer_id_fkey',
    );
    expect(findRelationship(s, 'public', 'posts', 'tags', undefined).cardinality).toBe('m2m');
    expect(findRelationship(s, 'public', 'posts', 'tags', 'post_tags').cardinality).toBe('m2m');
    expect(findRelationship(s, 'public', 'comments', 'comments', undefined).cardinality).toBe('o2m');
    expect(findRelationship(s, 'public', 'comments', 'parent_id', undefined).cardinality).toBe('m2o');
  });

  it('reports ambiguity (300) and missing relationships (400) like PostgREST', () => {
    const e = failure(() => findRelationship(s, 'public', 'posts', 'users', undefined));
    expect([e.status, e.code]).toEqual([300, 'PGRST201']);
    expect(e.hint).toBe(
      "Try changing 'users' to one of the following: 'users!posts_author_id_fkey', 'users!posts_reviewer_id_fkey'. Find the desired relationship in the 'details' key.",
    );
    const missing = failure(() => findRelationship(s, 'public', 'posts', 'tag', undefined));
    expect([missing.status, missing.code, missing.hint]).toEqual([
      400,
      'PGRST200',
      "Perhaps you meant 'tags' instead of 'tag'.",
    ]);
    expect(missing.details).toBe(
      "Searched for a foreign key relationship between 'posts' and 'tag' in the schema 'public', but no matches were found.",
    );
  });

  it('scores similar names', () => {
    expect(similarity('rt_book', 'rt_books')).toBeGreaterThan(0.85);
    expect(similarity('abc', 'xyz')).toBe(0);
  });
});

describe('functions', () => {
  it('matches overloads by argument names', () => {
    expect(findRoutine(s, 'public', 'add', ['a'], true, { kind: 'json' }).name).toBe('add');
    expect(findRoutine(s, 'public', 'add', ['a', 'b'], false, { kind: 'json' }).name).toBe('add');
    expect(findRoutine(s, 'public', 'echo', ['anything'], true, { kind: 'json' }).params[0]?.name).toBe('');
    expect(failure(() => findRoutine(s, 'public', 'echo', ['x'], false, { kind: 'json' })).code).toBe(
      'PGRST202',
    );
    expect(failure(() => findRoutine(s, 'public', 'add', ['b'], true, { kind: 'json' })).message).toBe(
      'Could not find the function public.add(b) in the schema cache',
    );
    expect(failure(() => findRoutine(s, 'public', 'over', ['x'], true, { kind: 'json' })).code).toBe(
      'PGRST203',
    );
    expect(failure(() => findRoutine(s, 'public', 'ad', [], true, { kind: 'json' })).message).toBe(
      'Could not find the function public.ad without parameters in the schema cache',
    );
  });
});

const raw = (over: Partial<RawRequest>): RawRequest => ({
  method: 'GET',
  resource: { kind: 'relation', name: 'posts' },
  path: '/posts',
  query: '',
  headers: {},
  body: null,
  ...over,
});

function sqlFor(over: Partial<RawRequest>) {
  const request = parseRequest(raw(over), { schemas: ['public'] });
  const plan = planRequest(s, request, { maxRows: 1000, aggregatesEnabled: false, planEnabled: false });
  return buildStatement(plan, request.preferences, 1000);
}

describe('SQL', () => {
  it('keeps every request value in bind parameters and quotes every identifier', () => {
    const evil = `x'); drop table users; --`;
    const st = sqlFor({
      query: `select=id,${encodeURIComponent('"we\\"ird"')}:title,author:users!author_id(name,data->>${encodeURIComponent(`"${evil}"`)})&title=eq.${encodeURIComponent(evil)}&or=(title.like.${encodeURIComponent('"*a,b*"')},id.in.(1,2))&order=title.desc&limit=5`,
    });
    // The hostile text only appears as a quoted identifier (the JSON path's output name).
    expect(st.text).toContain(`AS "${evil}"`);
    expect(st.text.replace(/"(?:[^"]|"")*"/g, '""')).not.toContain('drop table');
    expect(st.values).toContain(evil);
    expect(st.values).toContain('{"1","2"}');
    expect(st.values).toContain('%a,b%');
    expect(st.text).toContain('AS "we""ird"');
    expect(st.text).toContain('"public"."posts"."title" = $');
    expect(st.text).toContain('LIMIT 5 OFFSET 0');
    expect(st.text).toMatch(
      /LEFT JOIN LATERAL \(SELECT .* FROM "public"."users" AS "users_1" WHERE "users_1"."id" = "public"."posts"."author_id"\)/,
    );
  });

  it('writes the page size into the SQL (a generic plan can be cached) and binds other offsets', () => {
    expect(sqlFor({ query: 'limit=50' }).text).toMatch(/ LIMIT 50 OFFSET 0\) SELECT/);
    const paged = sqlFor({ query: 'limit=50&offset=100' });
    expect(paged.text).toMatch(/ LIMIT 50 OFFSET \$1\) SELECT/);
    expect(paged.values).toEqual(['100']);
    const ranged = sqlFor({ query: 'offset=7' });
    expect(ranged.text).toMatch(/ LIMIT 1000 OFFSET \$1\) SELECT/);
    const huge = sqlFor({ query: 'limit=99999999999999999999' });
    expect(huge.text).toMatch(/ LIMIT 1000 OFFSET 0\) SELECT/);
  });

  it('aggregates to-many embeds and joins many-to-many through the junction', () => {
    const st = sqlFor({ query: 'select=id,tags!inner(label)' });
    expect(st.text).toContain('json_agg("posts_tags_1")');
    expect(st.text).toContain('"public"."post_tags" AS "tags_1_junction"');
    expect(st.text).toContain('ON "posts_tags_1"."posts_tags_1" IS NOT NULL');
  });

  it('wraps full-text search and JSON paths as PostgREST does', () => {
    const fts = sqlFor({ query: 'title=fts(english).cat&body_tsv=wfts.dog' });
    expect(fts.text).toContain('to_tsvector($1, "public"."posts"."title") @@ to_tsquery($2, $3)');
    expect(fts.text).toContain('"public"."posts"."body_tsv" @@ websearch_to_tsquery($4)');
    const json = parseRequest(
      raw({ resource: { kind: 'relation', name: 'users' }, query: 'select=data->a->>0,name->>x' }),
      { schemas: ['public'] },
    );
    const st = buildStatement(
      planRequest(s, json, { maxRows: null, aggregatesEnabled: false, planEnabled: false }),
      json.preferences,
      null,
    );
    expect(st.text).toContain('"public"."users"."data"->$1->>$2::int AS "a"');
    expect(st.text).toContain('to_jsonb("public"."users"."name")->>$3 AS "x"');
  });

  it('builds inserts from the JSON body with defaults and conflict handling', () => {
    const st = sqlFor({
      method: 'POST',
      query: 'on_conflict=id',
      headers: { prefer: 'resolution=merge-duplicates, missing=default, return=representation' },
      body: '[{"id":1,"title":"a","created":null}]',
    });
    expect(st.text).toContain('INSERT INTO "public"."posts"("id", "title", "created")');
    expect(st.text).toContain(
      'jsonb_to_recordset(pgrst_json_defs.val) AS _("id" integer, "title" text, "created" timestamptz)',
    );
    expect(st.text).toContain('jsonb_build_object($2::text, now())');
    expect(st.text).toContain('ON CONFLICT ("id") DO UPDATE SET "id" = EXCLUDED."id"');
    expect(st.values[0]).toBe('[{"id":1,"title":"a","created":null}]');
  });

  it('refuses unfiltered updates and deletes, and unknown payload columns', () => {
    expect(failure(() => sqlFor({ method: 'DELETE' })).message).toBe('DELETE requires a WHERE clause');
    expect(failure(() => sqlFor({ method: 'PATCH', body: '{"title":"x"}' })).code).toBe('21000');
    expect(failure(() => sqlFor({ method: 'PATCH', query: 'id=eq.1', body: '{"nope":1}' })).code).toBe(
      'PGRST204',
    );
  });

  it('calls functions with typed named arguments', () => {
    const request = parseRequest(raw({ resource: { kind: 'routine', name: 'add' }, query: 'a=1&b=2' }), {
      schemas: ['public'],
    });
    const plan = planRequest(s, request, { maxRows: null, aggregatesEnabled: false, planEnabled: false });
    const st = buildStatement(plan, request.preferences, null);
    expect(st.text).toContain(
      '(SELECT "public"."add"("a" := $1::integer, "b" := $2::integer) pgrst_scalar) pgrst_call',
    );
    expect(st.values.slice(0, 2)).toEqual(['1', '2']);
  });

  it('refuses NUL in identifiers and escapes array literals', () => {
    expect(failure(() => ident('a\u0000b')).status).toBe(400);
    expect(pgArrayLiteral(['a"b', 'c\\d', ''])).toBe('{"a\\"b","c\\\\d",""}');
  });
});

describe('errors and ranges', () => {
  it('maps SQLSTATEs to HTTP statuses', () => {
    const cases: [string, string, boolean, number][] = [
      ['23505', '', true, 409],
      ['23503', '', true, 409],
      ['23502', '', true, 400],
      ['42501', '', false, 401],
      ['42501', '', true, 403],
      ['42P01', '', true, 404],
      ['42883', '', true, 404],
      ['P0001', '', true, 400],
      ['22P02', '', true, 400],
      ['25006', '', true, 405],
      ['40001', '', true, 500],
      ['57014', '', true, 500],
      ['53300', '', true, 503],
      ['08006', '', true, 503],
      ['22023', 'role "x" does not exist', true, 401],
      ['21000', 'DELETE requires a WHERE clause', true, 400],
      ['PT402', '', true, 402],
    ];
    for (const [code, message, authed, status] of cases)
      expect(statusForSqlState(code, message, authed), code).toBe(status);
  });

  it('turns RAISE SQLSTATE PGRST into a custom response', () => {
    const e = pgErrorToApiError(
      {
        code: 'PGRST',
        message: '{"code":"123","message":"custom","hint":"h"}',
        detail: '{"status":418,"headers":{"X-A":"b"}}',
      },
      true,
    );
    expect([e.status, e.code, e.message, e.hint, e.headers]).toEqual([
      418,
      '123',
      'custom',
      'h',
      { 'X-A': 'b' },
    ]);
    expect(pgErrorToApiError({ code: 'PGRST', message: 'nope' }, true).code).toBe('PGRST121');
  });

  it('formats Content-Range and range statuses', () => {
    expect(contentRange(0, 24, 100)).toBe('0-24/100');
    expect(contentRange(0, -1, 0)).toBe('*/0');
    expect(contentRange(1, 0, null)).toBe('*/*');
    expect(rangeStatus({ offset: 4, limit: 2 }, 2, 10)).toEqual({ status: 206, contentRange: '4-5/10' });
    expect(rangeStatus({ offset: 0, limit: null }, 3, 3)).toEqual({ status: 200, contentRange: '0-2/3' });
    expect(rangeStatus({ offset: 20, limit: null }, 0, 3).status).toBe(416);
  });
});
