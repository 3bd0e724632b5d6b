import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { repoRoot } from '@harmony/db';
import { createTestDatabase, type TestDatabase } from '@harmony/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existingDocs, generateDocs, OUTPUT_DIR, SOURCE_DIR } from '../src/docs.js';
import { anchors, codeText, isRelative, links } from '../src/markdown.js';
import { parseSqlDocs } from '../src/sql-comments.js';

const ROOT = repoRoot();
const read = (path: string) => (existsSync(path) ? readFileSync(path, 'utf8') : undefined);

/** Every Markdown page the checks cover: docs/ (as committed) and docs-source/. */
function pages(): string[] {
  const sources = readdirSync(join(ROOT, SOURCE_DIR))
    .filter((f) => f.endsWith('.md'))
    .map((f) => join(SOURCE_DIR, f));
  return [...existingDocs(ROOT).map((f) => join(OUTPUT_DIR, f)), ...sources].sort();
}

describe('generated docs', () => {
  let db: TestDatabase;
  let generated: Map<string, string>;
  beforeAll(async () => {
    db = await createTestDatabase();
    generated = await generateDocs(db, ROOT);
  });
  afterAll(() => db.close());

  it('docs/ is what docs-source/ and the schema produce (else: run pnpm docs:generate-guide)', () => {
    expect(generated.size).toBeGreaterThan(10);
    for (const [file, content] of generated) {
      expect
        .soft(
          read(join(ROOT, OUTPUT_DIR, file)),
          `${OUTPUT_DIR}/${file} is stale: run pnpm docs:generate-guide`,
        )
        .toBe(content);
    }
    const extra = existingDocs(ROOT).filter((file) => !generated.has(file));
    expect(extra, `not generated any more: run pnpm docs:generate-guide`).toEqual([]);
  });

  it('documents every table and every RPC an API role may call', async () => {
    const { rows: tables } = await db.query<{ name: string }>(
      `select relname as name from pg_class where relnamespace = 'public'::regnamespace and relkind in ('r', 'p')`,
    );
    const tablesPage = generated.get('reference/tables.md') ?? '';
    for (const { name } of tables) expect(tablesPage).toContain(`\n### ${name}\n`);
    const rpcsPage = generated.get('reference/rpcs.md') ?? '';
    expect(rpcsPage).toContain('\n## get_livekit_token\n');
    expect(rpcsPage).toContain('Callable by `authenticated`');
    // Internal helpers have no EXECUTE for the API roles, so they are not listed.
    expect(rpcsPage).not.toContain('\n## require_signed_in\n');
  });
});

describe('links and commands', () => {
  it('every relative link in docs/ and docs-source/ reaches an existing file (and heading)', () => {
    const broken: string[] = [];
    for (const page of pages()) {
      const text = readFileSync(join(ROOT, page), 'utf8');
      for (const target of links(text)) {
        if (!isRelative(target) && !target.startsWith('#')) continue;
        const [path = '', fragment] = target.replace(/^<|>$/g, '').split('#', 2);
        const file = path === '' ? join(ROOT, page) : resolve(dirname(join(ROOT, page)), decodeURI(path));
        if (relative(ROOT, file).startsWith('..') || !existsSync(file)) {
          broken.push(`${page}: ${target} (no such file)`);
          continue;
        }
        if (fragment && file.endsWith('.md') && statSync(file).isFile()) {
          if (!anchors(readFileSync(file, 'utf8')).has(fragment))
            broken.push(`${page}: ${target} (no such heading)`);
        }
      }
    }
    expect(broken).toEqual([]);
  });

  it('every `pnpm <script>` in docs-source/ is a script of the root package.json', () => {
    const scripts = Object.keys(
      (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> })
        .scripts,
    );
    // pnpm's own commands, not scripts.
    const builtins = new Set([
      'install',
      'add',
      'exec',
      'dlx',
      'run',
      'why',
      'list',
      'update',
      'remove',
      'store',
    ]);
    const unknown: string[] = [];
    let seen = 0;
    for (const file of readdirSync(join(ROOT, SOURCE_DIR)).filter((f) => f.endsWith('.md'))) {
      for (const snippet of codeText(readFileSync(join(ROOT, SOURCE_DIR, file), 'utf8'))) {
        for (const match of snippet.matchAll(/\bpnpm\s+(?:run\s+)?([a-z][\w:-]*)/g)) {
          const name = match[1] as string;
          if (builtins.has(name)) continue;
          seen++;
          if (!scripts.includes(name)) unknown.push(`${SOURCE_DIR}/${file}: pnpm ${name}`);
        }
      }
    }
    expect(seen).toBeGreaterThan(10);
    expect(unknown).toEqual([]);
  });
});

describe('schema comments', () => {
  it('takes the comment directly above a create statement, and column comments inside a table', () => {
    const docs = parseSqlDocs([
      {
        name: 'init/x.sql',
        sql: [
          '-- == section ==',
          '',
          '-- Not this one: a blank line follows.',
          '',
          '-- First line',
          '-- second line.',
          'create function public.f(a int)',
          'returns int language sql as $$ select a $$;',
          '/*',
          ' * Kept',
          ' *   as laid out',
          ' */',
          'create or replace function public.g() returns int language sql as $$ select 1 $$;',
          'create function public.h() returns int language sql as $$ select 1 $$;',
          '-- A table.',
          'create table public.t (',
          '  -- The key.',
          '  id uuid primary key,',
          '  plain text,',
          '  -- Not a column.',
          '  constraint t_check check (true)',
          ');',
        ].join('\n'),
      },
    ]);
    expect(docs.get('function:f')?.comment).toEqual({ text: 'First line second line.', preformatted: false });
    expect(docs.get('function:g')?.comment).toEqual({ text: 'Kept\n  as laid out', preformatted: true });
    expect(docs.get('function:h')?.comment).toBeNull();
    expect(docs.get('table:t')?.comment?.text).toBe('A table.');
    expect([...(docs.get('table:t')?.columns ?? [])]).toEqual([['id', 'The key.']]);
  });
});
