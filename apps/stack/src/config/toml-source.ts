import { parse, TomlError } from 'smol-toml';

export type TomlTable = { [key: string]: unknown };

/** A config file that cannot be used: the message names the file, the line and the key. */
export class ConfigFileError extends Error {}

/** A parsed config.toml with the line each key was written on, for error messages. */
export interface TomlSource {
  file: string;
  data: TomlTable;
  lineOf(path: readonly PropertyKey[]): number | undefined;
}

const isTable = (value: unknown): value is TomlTable =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);

/**
 * Lines of `[table]` headers and `key =` assignments, keyed by dotted path. Covers how
 * config.toml is written (headers plus plain keys); a dotted or inline key falls back to
 * its table's line.
 */
function indexLines(text: string): Map<string, number> {
  const lines = new Map<string, number>();
  let table = '';
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    const header = /^\[\[?\s*([^\]]+?)\s*\]\]?/.exec(line);
    if (header?.[1]) {
      table = header[1].replace(/\s*\.\s*/g, '.').replace(/"/g, '');
      if (!lines.has(table)) lines.set(table, index + 1);
      return;
    }
    const key = /^("?)([A-Za-z0-9_.-]+)\1\s*=/.exec(line)?.[2];
    if (key) lines.set(table ? `${table}.${key}` : key, index + 1);
  });
  return lines;
}

const ENV_PATTERN = /^env\((.*)\)$/;

/** The CLI's env(NAME): a string value naming a set variable becomes its value; unset, it stays as written. */
function substituteEnv(value: unknown, env: NodeJS.ProcessEnv): unknown {
  if (typeof value === 'string') {
    const name = ENV_PATTERN.exec(value)?.[1];
    const replacement = name ? env[name] : undefined;
    return replacement ? replacement : value;
  }
  if (Array.isArray(value)) return value.map((item) => substituteEnv(item, env));
  if (isTable(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substituteEnv(v, env)]));
  }
  return value;
}

export function parseTomlSource(file: string, text: string, env: NodeJS.ProcessEnv): TomlSource {
  let data: TomlTable;
  try {
    data = parse(text) as TomlTable;
  } catch (error) {
    if (error instanceof TomlError) {
      throw new ConfigFileError(`${file}:${error.line}:${error.column}: ${error.message.split('\n')[0]}`);
    }
    throw error;
  }
  const lines = indexLines(text);
  return {
    file,
    data: substituteEnv(data, env) as TomlTable,
    lineOf: (path) => {
      for (let end = path.length; end > 0; end--) {
        const line = lines.get(path.slice(0, end).map(String).join('.'));
        if (line) return line;
      }
      return undefined;
    },
  };
}

/** Every leaf key (a value that is not a table) as its path. */
export function leafPaths(table: TomlTable, prefix: string[] = []): string[][] {
  return Object.entries(table).flatMap(([key, value]) =>
    isTable(value) ? leafPaths(value, [...prefix, key]) : [[...prefix, key]],
  );
}

/** `file:line: key: message`, the form every config error takes. */
export const located = (source: TomlSource, path: readonly PropertyKey[], message: string) => {
  const line = source.lineOf(path);
  return `${source.file}${line ? `:${line}` : ''}: ${path.map(String).join('.')}: ${message}`;
};
