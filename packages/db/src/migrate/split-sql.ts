/** One top-level SQL statement of a file, with where it starts so errors can name a line. */
export interface SqlStatement {
  sql: string;
  /** 1-based line of the statement's first character in the file. */
  line: number;
  /** 0-based character offset of the statement's first character in the file. */
  offset: number;
}

/**
 * Splits a SQL file into top-level statements at semicolons, skipping those inside
 * quotes, quoted identifiers, dollar-quoted bodies and comments. Comment-only
 * fragments are dropped.
 */
export function splitSql(text: string): SqlStatement[] {
  const statements: SqlStatement[] = [];
  let start = 0;
  let i = 0;
  const push = (end: number) => {
    const raw = text.slice(start, end);
    const lead = raw.search(/\S/);
    if (lead >= 0 && stripComments(raw).trim() !== '') {
      const offset = start + lead;
      statements.push({ sql: raw.trim(), offset, line: lineAt(text, offset) });
    }
  };
  while (i < text.length) {
    const ch = text[i];
    const next = text[i + 1];
    if (ch === '-' && next === '-') {
      i = indexOrEnd(text, '\n', i);
    } else if (ch === '/' && next === '*') {
      i = skipBlockComment(text, i);
    } else if (ch === "'") {
      i = skipQuoted(text, i, "'");
    } else if (ch === '"') {
      i = skipQuoted(text, i, '"');
    } else if (ch === '$') {
      const tag = /^\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$/.exec(text.slice(i, i + 64))?.[0];
      if (tag && !isIdentChar(text[i - 1])) {
        const close = text.indexOf(tag, i + tag.length);
        i = close < 0 ? text.length : close + tag.length;
      } else {
        i++;
      }
    } else if (ch === ';') {
      push(i + 1);
      i++;
      start = i;
    } else {
      i++;
    }
  }
  push(text.length);
  return statements;
}

export function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text[i] === '\n') line++;
  return line;
}

function isIdentChar(ch: string | undefined): boolean {
  return ch !== undefined && /[A-Za-z0-9_]/.test(ch);
}

function indexOrEnd(text: string, needle: string, from: number): number {
  const at = text.indexOf(needle, from);
  return at < 0 ? text.length : at;
}

/** Skips '...' or "..." where a doubled quote is an escaped quote (E'' backslashes too). */
function skipQuoted(text: string, from: number, quote: string): number {
  const escapeString = quote === "'" && /[eE]/.test(text[from - 1] ?? '') && !isIdentChar(text[from - 2]);
  let i = from + 1;
  while (i < text.length) {
    if (escapeString && text[i] === '\\') {
      i += 2;
    } else if (text[i] === quote) {
      if (text[i + 1] === quote) i += 2;
      else return i + 1;
    } else {
      i++;
    }
  }
  return i;
}

/** Block comments nest in PostgreSQL. */
function skipBlockComment(text: string, from: number): number {
  let depth = 0;
  let i = from;
  while (i < text.length) {
    if (text[i] === '/' && text[i + 1] === '*') {
      depth++;
      i += 2;
    } else if (text[i] === '*' && text[i + 1] === '/') {
      depth--;
      i += 2;
      if (depth === 0) return i;
    } else {
      i++;
    }
  }
  return i;
}

function stripComments(sql: string): string {
  return sql.replace(/--[^\n]*/g, '').replace(/\/\*[\s\S]*?\*\//g, '');
}
