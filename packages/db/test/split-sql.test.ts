import { describe, expect, it } from 'vitest';
import { splitSql } from '../src/migrate/split-sql.js';

describe('splitSql', () => {
  it('splits top-level statements and records the line each starts on', () => {
    const parts = splitSql('select 1;\n\n  select 2;\nselect\n3;');
    expect(parts.map((p) => [p.sql, p.line])).toEqual([
      ['select 1;', 1],
      ['select 2;', 3],
      ['select\n3;', 4],
    ]);
  });

  it('keeps semicolons inside strings, identifiers, dollar quotes and comments', () => {
    const sql = [
      "insert into t values ('a;b', 'it''s;');",
      'create table "we;ird" (id int);',
      'create function f() returns int language plpgsql as $fn$ begin return 1; end; $fn$;',
      'do $$ begin perform 1; end $$;',
      '-- a comment; with a semicolon',
      '/* block; /* nested; */ still comment; */ select 5;',
      "select E'back\\\\slash\\';';",
    ].join('\n');
    expect(splitSql(sql).map((p) => p.line)).toEqual([1, 2, 3, 4, 5, 7]);
  });

  it('treats a $ inside an identifier as part of the name, not a dollar quote', () => {
    expect(splitSql('select a$b; select 2;')).toHaveLength(2);
  });

  it('drops comment-only fragments and keeps a final statement without semicolon', () => {
    const parts = splitSql('select 1;\n-- trailing comment\n');
    expect(parts).toHaveLength(1);
    expect(splitSql('select 1; select 2')).toHaveLength(2);
  });
});
