import { describe, expect, it } from 'vitest';
import { linkPreviews, withoutLinkPreviews } from '../src/features/embeds/link-previews.js';

const preview = {
  type: 'article',
  url: 'https://news.example/a',
  title: 'Title',
  description: 'About it',
  site_name: 'News',
  color: '#57f287',
  image: { url: '/api/media/previews/0b7c1a52-9a4e-4a43-8f5c-6a3b1b9d2e10', width: 400, height: 200 },
};

describe('linkPreviews', () => {
  it('reads the previews apps/server stored, and leaves other embeds to their renderer', () => {
    const webhook = { title: 'Build passed', color: 0x00ff00 };
    expect(linkPreviews([webhook, preview])).toEqual([preview]);
    expect(withoutLinkPreviews([webhook, preview])).toEqual([webhook]);
    expect(linkPreviews('not a list')).toEqual([]);
  });

  it('never lets the browser load a third-party image or follow a script link', () => {
    const [hostile] = linkPreviews([
      {
        ...preview,
        color: 'red;background:url(https://tracker.example/pixel)',
        image: { url: 'https://tracker.example/pixel.png', width: 1, height: 1 },
      },
    ]);
    expect(hostile?.image).toBeNull();
    expect(hostile?.color).toBeNull();
    expect(linkPreviews([{ ...preview, url: 'javascript:alert(1)' }])).toEqual([]);
  });
});
