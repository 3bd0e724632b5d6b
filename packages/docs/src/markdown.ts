/** Small Markdown helpers: tables, code-aware link rewriting, heading anchors. */

/** A cell's text with the characters that would break a GFM table row escaped. */
export function cell(text: string): string {
  return text
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/\s*\n\s*/g, ' ');
}

/** Inline code for a table cell (backticks inside become a longer fence). */
export function code(text: string): string {
  if (text === '') return '';
  const fence = text.includes('`') ? '``' : '`';
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

export function table(headers: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}

/** A region of a Markdown document: prose, or code that must be left alone. */
interface Segment {
  code: boolean;
  text: string;
}

/** Splits a document into prose and code (fenced blocks and inline code spans). */
export function segments(markdown: string): Segment[] {
  const out: Segment[] = [];
  const push = (code: boolean, text: string) => {
    if (text === '') return;
    const last = out.at(-1);
    if (last && last.code === code) last.text += text;
    else out.push({ code, text });
  };
  const lines = markdown.split(/(?<=\n)/);
  let fence: string | null = null;
  for (const line of lines) {
    const marker = /^\s{0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence !== null) {
      push(true, line);
      if (marker && marker[0] === fence[0] && marker.length >= fence.length) fence = null;
      continue;
    }
    if (marker) {
      fence = marker;
      push(true, line);
      continue;
    }
    // Inline code spans: a run of backticks closed by a run of the same length.
    let rest = line;
    for (;;) {
      const open = /`+/.exec(rest);
      if (!open) break;
      const close = rest.indexOf(open[0], open.index + open[0].length);
      if (close < 0) break;
      push(false, rest.slice(0, open.index));
      push(true, rest.slice(open.index, close + open[0].length));
      rest = rest.slice(close + open[0].length);
    }
    push(false, rest);
  }
  return out;
}

const LINK = /(\]\()(<[^>]+>|[^)\s]+)((?:\s+"[^"]*")?\))/g;

/** Rewrites every inline link target outside code with `map`. */
export function mapLinks(markdown: string, map: (target: string) => string): string {
  return segments(markdown)
    .map((s) =>
      s.code ? s.text : s.text.replace(LINK, (_m, open, target, close) => open + map(target) + close),
    )
    .join('');
}

/** Every inline link target outside code, in document order. */
export function links(markdown: string): string[] {
  const found: string[] = [];
  mapLinks(markdown, (target) => {
    found.push(target);
    return target;
  });
  return found;
}

/** Text of every code span and fenced block (where commands are written). */
export function codeText(markdown: string): string[] {
  return segments(markdown)
    .filter((s) => s.code)
    .map((s) => s.text);
}

/** Relative targets: not a URL, not an absolute path, not a pure fragment. */
export function isRelative(target: string): boolean {
  return !/^[a-z][a-z0-9+.-]*:/i.test(target) && !target.startsWith('/') && !target.startsWith('#');
}

/** GitHub's anchors for a document's headings (duplicates get -1, -2, …). */
export function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  let fence: string | null = null;
  for (const line of markdown.split('\n')) {
    const marker = /^\s{0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence !== null) {
      if (marker && marker[0] === fence[0] && marker.length >= fence.length) fence = null;
      continue;
    }
    if (marker) {
      fence = marker;
      continue;
    }
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line)?.[1];
    if (heading === undefined) continue;
    const base = slug(heading);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    result.add(count === 0 ? base : `${base}-${count}`);
  }
  return result;
}

export function slug(heading: string): string {
  return heading
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/`/g, '')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** The first `# ` heading of a page. */
export function title(markdown: string): string | undefined {
  return /^# (.+)$/m.exec(markdown)?.[1]?.trim();
}
