import type { ReactNode } from 'react';
import type { MentionResolver, PlainText } from '../../lib/markdown.js';
import { CodeBlock } from './CodeBlock.js';
import { Spoiler } from './Spoiler.js';
import { Timestamp } from './Timestamp.js';
import { timestampDate } from './time-format.js';

interface Context {
  mentions: MentionResolver;
  plain: PlainText;
  /** Discord has no quotes inside quotes. */
  quoted: boolean;
  /** Keys unique within the message. */
  next: number;
}

/**
 * Renders Discord's message formatting into React elements (never HTML strings, so message
 * text cannot inject markup). Blocks: code fences, quotes (`> `, `>>> `), headings (`#`–`###`),
 * subtext (`-# `) and lists, recognised at the start of a line; inside them the inline rules.
 */
export function renderMarkdown(
  text: string,
  mentions: MentionResolver,
  plain: PlainText = (run) => [run],
): ReactNode[] {
  return blocks(text, { mentions, plain, quoted: false, next: 0 });
}

const FENCE = /```(?:([\w+#.-]*)\n)?([\s\S]+?)```/y;
const LIST_LINE = /( *)(?:[-*]|(\d{1,9})\.) +([^\n]*\S)[^\n]*/;

function blocks(text: string, ctx: Context): ReactNode[] {
  const nodes: ReactNode[] = [];
  let inlineFrom = 0;
  const flush = (to: number, beforeBlock: boolean) => {
    // A block starts on its own line: the line break before it is not an extra empty line.
    const run = text.slice(inlineFrom, beforeBlock && text[to - 1] === '\n' ? to - 1 : to);
    if (run) nodes.push(...inline(run, ctx));
  };
  let at = 0;
  while (at < text.length) {
    const block =
      (at === 0 || text[at - 1] === '\n' ? firstRule(LINE_BLOCKS, text, at, ctx) : undefined) ??
      firstRule(FENCES, text, at, ctx);
    if (block) {
      flush(at, true);
      nodes.push(block.node);
      at = inlineFrom = block.end;
      continue;
    }
    // Nothing starts here: on to the next line or fence.
    const ends = [text.indexOf('\n', at) + 1, text.indexOf('```', at + 1)].filter((i) => i > at);
    at = ends.length ? Math.min(...ends) : text.length;
  }
  flush(text.length, false);
  return nodes;
}

type Rule = [RegExp, (m: RegExpExecArray, ctx: Context, key: number) => ReactNode | undefined];

/** The first rule matching at `at` that accepts its match (sticky patterns); undefined if none. */
function firstRule(rules: Rule[], text: string, at: number, ctx: Context) {
  for (const [pattern, render] of rules) {
    pattern.lastIndex = at;
    const m = pattern.exec(text);
    const node = m ? render(m, ctx, ctx.next++) : undefined;
    if (m && node !== undefined) return { node, end: at + m[0].length };
  }
  return undefined;
}

const FENCES: Rule[] = [
  [FENCE, (m, _, key) => <CodeBlock key={key} language={m[1] || undefined} code={m[2] ?? ''} />],
];

const quote = (inner: string, ctx: Context, key: number) =>
  ctx.quoted ? undefined : (
    <blockquote key={key} className="md-quote">
      {blocks(inner, { ...ctx, quoted: true })}
    </blockquote>
  );

/** Blocks recognised at the start of a line; each takes its line break with it. */
const LINE_BLOCKS: Rule[] = [
  [/>>> ([\s\S]*)/y, (m, ctx, key) => quote(m[1] ?? '', ctx, key)],
  [/(?:> [^\n]*(?:\n|$))+/y, (m, ctx, key) => quote(m[0].replace(/^> /gm, '').replace(/\n$/, ''), ctx, key)],
  [
    /(#{1,3}) +([^\n]*\S)[^\n]*(?:\n|$)/y,
    (m, ctx, key) => {
      const Heading = `h${(m[1] ?? '#').length}` as 'h1' | 'h2' | 'h3';
      return (
        <Heading key={key} className="md-heading">
          {inline(m[2] ?? '', ctx)}
        </Heading>
      );
    },
  ],
  [
    /-# +([^\n]*\S)[^\n]*(?:\n|$)/y,
    (m, ctx, key) => (
      <small key={key} className="md-subtext">
        {inline(m[1] ?? '', ctx)}
      </small>
    ),
  ],
  [
    /(?: *(?:[-*]|\d{1,9}\.) +[^\n]*\S[^\n]*(?:\n|$))+/y,
    (m, ctx) =>
      lists(
        m[0]
          .split('\n')
          .map((line) => LIST_LINE.exec(line))
          .filter((item) => item !== null)
          .map((item) => ({
            indent: item[1]?.length ?? 0,
            start: item[2] ? Number(item[2]) : undefined,
            text: item[3] ?? '',
          })),
        ctx,
      ),
  ],
];

interface ListItem {
  indent: number;
  /** The number of an ordered item; undefined for a bullet. */
  start: number | undefined;
  text: string;
}

/**
 * Lists: items indented deeper than an item nest under it; at the same depth, a change between
 * bullets and numbers starts a new list.
 */
function lists(items: ListItem[], ctx: Context): ReactNode[] {
  const [first] = items as [ListItem, ...ListItem[]];
  const ordered = (item: ListItem) => item.start !== undefined;
  const entries: ReactNode[] = [];
  let i = 0;
  while (i < items.length && ordered(items[i] as ListItem) === ordered(first)) {
    let j = i + 1;
    while (j < items.length && (items[j] as ListItem).indent > first.indent) j++;
    const nested = items.slice(i + 1, j);
    entries.push(
      <li key={ctx.next++}>
        {inline(items[i]?.text ?? '', ctx)}
        {nested.length > 0 && lists(nested, ctx)}
      </li>,
    );
    i = j;
  }
  const key = ctx.next++;
  const list = ordered(first) ? (
    <ol key={key} className="md-list" start={first.start === 1 ? undefined : first.start}>
      {entries}
    </ol>
  ) : (
    <ul key={key} className="md-list">
      {entries}
    </ul>
  );
  return i < items.length ? [list, ...lists(items.slice(i), ctx)] : [list];
}

const link = (key: number, href: string, text: ReactNode, title?: string) => (
  <a key={key} href={href} title={title} target="_blank" rel="noopener noreferrer nofollow">
    {text}
  </a>
);

/** Tried in order at each position; a rule answering undefined leaves the text as it is. */
const INLINE: Rule[] = [
  // An escaped marker is plain text.
  [/\\([^\w\s])/y, (m) => m[1]],
  [/(``?)([^`](?:[\s\S]*?[^`])?)\1(?!`)/y, (m, _, key) => <code key={key}>{m[2]}</code>],
  [/\*\*([\s\S]+?)\*\*(?!\*)/y, (m, ctx, key) => <strong key={key}>{inline(m[1] ?? '', ctx)}</strong>],
  [/__([\s\S]+?)__(?!_)/y, (m, ctx, key) => <u key={key}>{inline(m[1] ?? '', ctx)}</u>],
  [
    /\*(?=\S)((?:\*\*|\\[\s\S]|\s+(?:\\[\s\S]|[^\s*\\]|\*\*)|[^\s*\\])+?)\*(?!\*)|(?<![\p{L}\p{N}])_((?:__|\\[\s\S]|[^\\_])+?)_(?![\p{L}\p{N}_])/uy,
    (m, ctx, key) => <em key={key}>{inline(m[1] ?? m[2] ?? '', ctx)}</em>,
  ],
  [/~~([\s\S]+?)~~/y, (m, ctx, key) => <s key={key}>{inline(m[1] ?? '', ctx)}</s>],
  [/\|\|([\s\S]+?)\|\|/y, (m, ctx, key) => <Spoiler key={key}>{inline(m[1] ?? '', ctx)}</Spoiler>],
  // Masked links: http(s) only, and never a text that is itself an address (it could name another site).
  [
    /\[([^[\]\n]+)\]\(<?(https?:\/\/[^\s()<>]+)>?\)/y,
    (m, ctx, key) =>
      /:\/\//.test(m[1] ?? '') ? undefined : link(key, m[2] ?? '', inline(m[1] ?? '', ctx), m[2]),
  ],
  [/<(https?:\/\/[^\s<>]+)>/y, (m, _, key) => link(key, m[1] ?? '', m[1])],
  [
    /<@(&?)([0-9a-f-]{36})>/y,
    (m, ctx, key) => {
      const name = m[1] ? ctx.mentions.role(m[2] ?? '') : ctx.mentions.user(m[2] ?? '');
      return (
        <span key={key} className="mention">
          @{name ?? (m[1] ? 'deleted-role' : 'unknown-user')}
        </span>
      );
    },
  ],
  [
    /@everyone|@here/y,
    (m, _, key) => (
      <span key={key} className="mention">
        {m[0]}
      </span>
    ),
  ],
  [
    /<#([0-9a-f-]{36})>/y,
    (m, ctx, key) => (
      <span key={key} className="mention channel-mention">
        #{ctx.mentions.channel?.(m[1] ?? '') ?? 'unknown-channel'}
      </span>
    ),
  ],
  [
    /<a?:([A-Za-z0-9_]{2,32}):([0-9a-f-]{36})>/y,
    (m, ctx, key) => {
      const url = ctx.mentions.emoji?.(m[2] ?? '');
      const name = `:${m[1]}:`;
      return url ? <img key={key} className="custom-emoji" src={url} alt={name} title={name} /> : name;
    },
  ],
  [
    /<t:(-?\d{1,17})(?::([tTdDfFR]))?>/y,
    (m, _, key) => {
      const date = timestampDate(m[1] ?? '');
      return date && <Timestamp key={key} date={date} style={m[2] ?? 'f'} />;
    },
  ],
  [/https?:\/\/[^\s<>"]*[^\s<>".,:;!?'")\]]/y, (m, _, key) => link(key, m[0], m[0])],
];

/** Plain text up to the next character that may start a rule. */
const PLAIN: Rule[] = [[/[\s\S]+?(?=[\\`*_~|[<@]|https?:\/\/|$)/y, (m) => m[0]]];

function inline(text: string, ctx: Context): ReactNode[] {
  const nodes: ReactNode[] = [];
  let plain = '';
  const flush = () => {
    if (plain) nodes.push(...ctx.plain(plain, `t${ctx.next++}`));
    plain = '';
  };
  let at = 0;
  while (at < text.length) {
    const rule = firstRule(INLINE, text, at, ctx) ?? firstRule(PLAIN, text, at, ctx);
    const node = rule?.node ?? text.slice(at);
    at = rule?.end ?? text.length;
    if (typeof node === 'string') plain += node;
    else {
      flush();
      nodes.push(node);
    }
  }
  flush();
  return nodes;
}
