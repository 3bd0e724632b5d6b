import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { highlight } from '../src/features/formatting/Highlighted.js';
import {
  formatTimestamp,
  timestampDate,
  withTimestampsAsText,
} from '../src/features/formatting/time-format.js';
import { renderMarkdown } from '../src/lib/markdown.js';

const mentions = { user: () => 'ada', role: () => undefined };
const html = (text: string) => renderToStaticMarkup(renderMarkdown(text, mentions));
/** 2021-04-20 12:00:00 UTC: the same calendar day in every time zone from UTC−11 to UTC+11. */
const NOON = 1618920000;

describe('Discord formatting: blocks', () => {
  it('renders headings, subtext and quotes at the start of a line only', () => {
    expect(html('# Big\n## Mid\n### Small')).toBe(
      '<h1 class="md-heading">Big</h1><h2 class="md-heading">Mid</h2><h3 class="md-heading">Small</h3>',
    );
    expect(html('#### four\n#nospace\nnot # a heading')).toBe('#### four\n#nospace\nnot # a heading');
    expect(html('-# small print')).toBe('<small class="md-subtext">small print</small>');
    expect(html('> one\n> **two**\nafter')).toBe(
      '<blockquote class="md-quote">one\n<strong>two</strong></blockquote>after',
    );
    expect(html('before\n>>> all\n# of\nthis')).toBe(
      'before<blockquote class="md-quote">all<h1 class="md-heading">of</h1>this</blockquote>',
    );
    // Discord has no quotes inside quotes.
    expect(html('> > inner')).toBe('<blockquote class="md-quote">&gt; inner</blockquote>');
  });

  it('renders ordered and unordered lists, nested by indentation', () => {
    expect(html('- a\n  - a1\n  - a2\n- b\n* c')).toBe(
      '<ul class="md-list"><li>a<ul class="md-list"><li>a1</li><li>a2</li></ul></li><li>b</li><li>c</li></ul>',
    );
    expect(html('3. three\n4. *four*\n   - nested')).toBe(
      '<ol class="md-list" start="3"><li>three</li><li><em>four</em><ul class="md-list"><li>nested</li></ul></li></ol>',
    );
    expect(html('1. one')).toBe('<ol class="md-list"><li>one</li></ol>');
    expect(html('- bullet\n1. number\n   - under the number')).toBe(
      '<ul class="md-list"><li>bullet</li></ul><ol class="md-list"><li>number<ul class="md-list"><li>under the number</li></ul></li></ol>',
    );
    expect(html('-not a list\n2*3')).toBe('-not a list\n2*3');
  });

  it('keeps code blocks verbatim, with or without a language', () => {
    expect(html('```py\n**not bold** <b>\n```')).toBe(
      '<pre class="md-codeblock"><code>**not bold** &lt;b&gt;\n</code></pre>',
    );
    expect(html('see ```inline fence``` here')).toBe(
      'see <pre class="md-codeblock"><code>inline fence</code></pre> here',
    );
    expect(html('> quoted\n```\n> not a quote\n```')).toBe(
      '<blockquote class="md-quote">quoted</blockquote><pre class="md-codeblock"><code>&gt; not a quote\n</code></pre>',
    );
  });
});

describe('Discord formatting: inline', () => {
  it('renders emphasis, underline, spoilers and nesting', () => {
    expect(html('__under__ ***both*** **bold _it_** ~~**x**~~')).toBe(
      '<u>under</u> <strong><em>both</em></strong> <strong>bold <em>it</em></strong> <s><strong>x</strong></s>',
    );
    expect(html('||secret **bold**||')).toBe(
      '<button type="button" class="md-spoiler" aria-label="Spoiler, press to reveal"><span inert="">secret <strong>bold</strong></span></button>',
    );
    expect(html('`` a`b ``')).toBe('<code> a`b </code>');
    expect(html('snake_case_name 2 * 3 * 4')).toBe('snake_case_name 2 * 3 * 4');
    expect(html('\\*not italic\\* \\|\\|not hidden\\|\\|')).toBe('*not italic* ||not hidden||');
  });

  it('renders masked links to http(s) only, with the real address as their title', () => {
    expect(html('[the docs](https://example.com/docs)')).toBe(
      '<a href="https://example.com/docs" title="https://example.com/docs" target="_blank" rel="noopener noreferrer nofollow">the docs</a>',
    );
    expect(html('<https://example.com>')).toContain('href="https://example.com"');
    // A text that is itself an address could pretend to be another site: shown as written.
    expect(html('[https://bank.example](https://evil.example)')).toBe(
      '[<a href="https://bank.example](https://evil.example" target="_blank" rel="noopener noreferrer nofollow">https://bank.example](https://evil.example</a>)',
    );
  });

  it('renders <t:unix:style> timestamps in every Discord style, with the full date as tooltip', () => {
    const time = html(`<t:${NOON}:D>`);
    expect(time).toMatch(
      /^<time class="md-timestamp" dateTime="2021-04-20T12:00:00.000Z" title="[^"]*2021[^"]*">/,
    );
    expect(time).not.toContain('&lt;t:');
    const date = timestampDate(String(NOON)) as Date;
    expect(formatTimestamp(date, 'D', 0, 'en-US')).toBe('April 20, 2021');
    expect(formatTimestamp(date, 'd', 0, 'en-US')).toBe('04/20/2021');
    expect(formatTimestamp(date, 'F', 0, 'en-US')).toMatch(/^Tuesday, April 20, 2021 at \d{1,2}:00\s[AP]M$/);
    expect(formatTimestamp(date, 'f', 0, 'en-US')).toMatch(/^April 20, 2021 at \d{1,2}:00\s[AP]M$/);
    expect(formatTimestamp(date, 't', 0, 'en-US')).toMatch(/^\d{1,2}:00\s[AP]M$/);
    expect(formatTimestamp(date, 'T', 0, 'en-US')).toMatch(/^\d{1,2}:00:00\s[AP]M$/);
    const ms = date.getTime();
    expect(formatTimestamp(date, 'R', ms - 3 * 3600_000, 'en-US')).toBe('in 3 hours');
    expect(formatTimestamp(date, 'R', ms + 2 * 86400_000, 'en-US')).toBe('2 days ago');
    expect(formatTimestamp(date, 'R', ms + 5_000, 'en-US')).toBe('5 seconds ago');
    expect(html(`<t:${NOON}>`)).toContain('<time'); // no style: f
    expect(html('<t:99999999999999999:R> <t:12:Q>')).toBe('&lt;t:99999999999999999:R&gt; &lt;t:12:Q&gt;');
    // Plain-text places (search snippets) read them as dates too.
    expect(withTimestampsAsText(`due <t:${NOON}:D> or <t:bad>`, 'en-US')).toBe(
      'due April 20, 2021 or <t:bad>',
    );
  });
});

describe('Discord formatting: never markup from message text', () => {
  it('escapes HTML, entities and script in every construct', () => {
    expect(html('<script>alert(1)</script>')).toBe('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html('**<img src=x onerror=alert(1)>**')).toBe(
      '<strong>&lt;img src=x onerror=alert(1)&gt;</strong>',
    );
    expect(html('# <b>&amp;</b>\n> &lt;i&gt;')).toBe(
      '<h1 class="md-heading">&lt;b&gt;&amp;amp;&lt;/b&gt;</h1><blockquote class="md-quote">&amp;lt;i&amp;gt;</blockquote>',
    );
    expect(html('||<iframe src=//evil>||')).toContain('<span inert="">&lt;iframe src=//evil&gt;</span>');
    expect(html('```html\n<script>x</script>```')).toBe(
      '<pre class="md-codeblock"><code>&lt;script&gt;x&lt;/script&gt;</code></pre>',
    );
  });

  it('never links anything but http(s), and quotes in addresses stay inside the attribute', () => {
    for (const url of [
      'javascript:alert(1)',
      'JaVaScRiPt:alert(1)',
      'data:text/html,<b>',
      'vbscript:x',
      '//evil.example',
    ])
      expect(html(`[click](${url})`)).not.toContain('<a');
    expect(html('[x](https://a.example/"onmouseover="alert)')).toBe(
      '<a href="https://a.example/&quot;onmouseover=&quot;alert" title="https://a.example/&quot;onmouseover=&quot;alert" target="_blank" rel="noopener noreferrer nofollow">x</a>',
    );
    expect(html('https://a.example/"onmouseover="alert(1)')).not.toMatch(/<a [^>]*onmouseover/);
  });

  it('leaves unterminated markers as written', () => {
    expect(html('**bold __under ~~strike ||spoiler `code ```fence')).toBe(
      '**bold __under ~~strike ||spoiler `code ```fence',
    );
    expect(html('[text](https://unclosed.example')).toBe(
      '[text](<a href="https://unclosed.example" target="_blank" rel="noopener noreferrer nofollow">https://unclosed.example</a>',
    );
  });

  it('renders a 4,000-character message of nothing but markers quickly', () => {
    const markers = [
      '*',
      '**',
      '_',
      '__',
      '~~',
      '||',
      '`',
      '```',
      '[',
      '](',
      '>',
      '> ',
      '# ',
      '- ',
      '\\',
      '<t:',
      '\n',
      'a',
    ];
    let text = '';
    for (let i = 0; text.length < 4000; i++) text += markers[(i * 7919) % markers.length];
    const started = performance.now();
    html(text.slice(0, 4000));
    expect(performance.now() - started).toBeLessThan(500);
  });
});

describe('code highlighting (loaded on demand)', () => {
  it('highlights a named language and its aliases, and leaves unknown languages plain', async () => {
    const tree = await highlight('const a = "x"; // hi', 'js');
    const classes = JSON.stringify(tree);
    expect(classes).toContain('hljs-keyword');
    expect(classes).toContain('hljs-string');
    expect(classes).toContain('hljs-comment');
    expect(JSON.stringify(await highlight('def f(): pass', 'Python'))).toContain('hljs-keyword');
    expect(await highlight('x', 'no-such-language')).toBeUndefined();
    expect(await highlight('x', 'constructor')).toBeUndefined();
  });
});
