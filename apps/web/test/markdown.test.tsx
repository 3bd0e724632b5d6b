import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../src/lib/markdown.js';

const ADA = '6f1d2c1e-6c7e-4a4b-9d55-2b8f1f2b9a01';
const MODS = '7a1d2c1e-6c7e-4a4b-9d55-2b8f1f2b9a02';
const mentions = {
  user: (id: string) => (id === ADA ? 'ada' : undefined),
  role: (id: string) => (id === MODS ? 'mods' : undefined),
};
const html = (text: string) => renderToStaticMarkup(<>{renderMarkdown(text, mentions)}</>);

describe('renderMarkdown', () => {
  it('renders emphasis, code and links', () => {
    expect(html('**bold** *it* ~~gone~~ `x`')).toBe(
      '<strong>bold</strong> <em>it</em> <s>gone</s> <code>x</code>',
    );
    expect(html('see https://example.com/a?b=1')).toBe(
      'see <a href="https://example.com/a?b=1" target="_blank" rel="noopener noreferrer nofollow">https://example.com/a?b=1</a>',
    );
    expect(html('```js\nlet a = 1;\n```')).toBe('<pre class="md-codeblock"><code>let a = 1;\n</code></pre>');
  });

  it('resolves user and role mentions, and marks unknown ones', () => {
    expect(html(`hi <@${ADA}> and <@&${MODS}>`)).toBe(
      'hi <span class="mention">@ada</span> and <span class="mention">@mods</span>',
    );
    expect(html('<@00000000-0000-0000-0000-000000000000>')).toBe(
      '<span class="mention">@unknown-user</span>',
    );
    expect(html('@everyone')).toBe('<span class="mention">@everyone</span>');
  });

  it('never produces markup from message text', () => {
    expect(html('<img src=x onerror=alert(1)>')).toBe('&lt;img src=x onerror=alert(1)&gt;');
    expect(html('[x](javascript:alert(1))')).toBe('[x](javascript:alert(1))');
  });
});
