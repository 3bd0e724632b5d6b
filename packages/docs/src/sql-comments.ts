/**
 * The documentation the schema files already carry: the comment directly above each
 * `create function public.x` / `create table public.x` / `create view public.x` (no blank
 * line in between), and the comment lines directly above a column inside `create table`.
 */

export interface SqlSource {
  /** Path relative to db_schema/, e.g. `init/10_functions_core.sql`. */
  name: string;
  sql: string;
}

export interface SqlComment {
  /** `--` comments joined into one paragraph; `/* … *\/` blocks keep their lines. */
  text: string;
  preformatted: boolean;
}

export interface SqlObjectDoc {
  kind: 'function' | 'table' | 'view';
  name: string;
  /** The file that (last) creates it, relative to db_schema/. */
  file: string;
  comment: SqlComment | null;
  /** Table columns' comments, by column name. */
  columns: Map<string, string>;
}

const CREATE = /^create\s+(?:or\s+replace\s+)?(function|table|view)\s+public\.([a-z_][a-z0-9_]*)/i;
const NOT_A_COLUMN = new Set(['constraint', 'primary', 'foreign', 'unique', 'check', 'exclude', 'like']);

/** Objects by `kind:name`; a later file's definition (create or replace) wins. */
export function parseSqlDocs(sources: SqlSource[]): Map<string, SqlObjectDoc> {
  const docs = new Map<string, SqlObjectDoc>();
  for (const source of sources) {
    const lines = source.sql.split('\n');
    for (const [index, line] of lines.entries()) {
      const match = CREATE.exec(line);
      if (!match?.[1] || !match[2]) continue;
      const kind = match[1].toLowerCase() as SqlObjectDoc['kind'];
      const doc: SqlObjectDoc = {
        kind,
        name: match[2],
        file: source.name,
        comment: leadingComment(lines, index),
        columns: kind === 'table' ? columnComments(lines, index + 1) : new Map(),
      };
      const key = `${kind}:${doc.name}`;
      const previous = docs.get(key);
      // An overload without a comment of its own keeps the documented one's text.
      if (previous && !doc.comment) doc.comment = previous.comment;
      docs.set(key, doc);
    }
  }
  return docs;
}

function leadingComment(lines: string[], createIndex: number): SqlComment | null {
  let index = createIndex - 1;
  const above = lines[index];
  if (above === undefined) return null;
  if (/\*\/\s*$/.test(above)) {
    const block: string[] = [];
    for (; index >= 0; index--) {
      const line = lines[index] ?? '';
      block.unshift(line);
      if (/^\s*\/\*/.test(line)) break;
    }
    const text = block
      .map((line) =>
        line
          .replace(/^\s*\/\*+\s?/, '')
          .replace(/\s*\*+\/\s*$/, '')
          .replace(/^\s*\* ?/, ''),
      )
      .join('\n')
      .replace(/^\n+|\n+$/g, '');
    return text ? { text, preformatted: true } : null;
  }
  const comment: string[] = [];
  for (; index >= 0; index--) {
    const text = /^\s*--\s?(.*)$/.exec(lines[index] ?? '')?.[1];
    if (text === undefined) break;
    comment.unshift(text.trim());
  }
  const prose = comment.filter((line) => line !== '' && !/^==.*==$/.test(line));
  return prose.length > 0 ? { text: prose.join(' '), preformatted: false } : null;
}

/** `-- …` lines directly above a column definition, up to the closing `);`. */
function columnComments(lines: string[], start: number): Map<string, string> {
  const columns = new Map<string, string>();
  let pending: string[] = [];
  for (let index = start; index < lines.length; index++) {
    const line = lines[index] ?? '';
    if (/^\)/.test(line)) break;
    const comment = /^\s+--\s?(.*)$/.exec(line)?.[1];
    if (comment !== undefined) {
      pending.push(comment.trim());
      continue;
    }
    const column = /^\s+([a-z_][a-z0-9_]*)\s+\S/.exec(line)?.[1];
    if (column && !NOT_A_COLUMN.has(column) && pending.length > 0) columns.set(column, pending.join(' '));
    pending = [];
  }
  return columns;
}
