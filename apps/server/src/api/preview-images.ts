import { sql } from 'drizzle-orm';
import { Hono } from 'hono';
import type { ApiContext } from './context.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * GET /api/media/previews/:id — a link preview's image as the fetch-preview job re-hosted it,
 * so a reader's browser loads it from this origin and never contacts the linked site. The
 * random id is the capability: only images a preview stored have one. Served as the bytes'
 * own image type (PNG, JPEG, GIF or WebP), never sniffed, never scripted, cached for good (an
 * id's bytes never change).
 */
export function previewImageRoutes({ db }: ApiContext): Hono {
  const app = new Hono();
  app.get('/:id', async (c) => {
    const { id } = c.req.param();
    if (!UUID.test(id)) return c.json({ error: 'not found' }, 404);
    const result = await db.execute<{ content_type: string; bytes: Buffer }>(
      sql`select content_type, bytes from private.link_preview_images where id = ${id}::uuid`,
    );
    const image = result.rows[0];
    if (!image) return c.json({ error: 'not found' }, 404);
    return c.body(new Uint8Array(image.bytes), 200, {
      'content-type': image.content_type,
      'cache-control': 'public, max-age=31536000, immutable',
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'; sandbox",
      'cross-origin-resource-policy': 'same-site',
    });
  });
  return app;
}
