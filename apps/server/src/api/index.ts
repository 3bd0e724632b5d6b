import { Hono } from 'hono';
import { botTokenRoutes } from './bot-token.js';
import type { ApiContext } from './context.js';
import { previewImageRoutes } from './preview-images.js';
import { webhookRoutes } from './webhooks.js';

/** The routes browsers, bots and other services reach under /api/ (the web origin proxies it). */
export function apiRoutes(context: ApiContext): Hono {
  const api = new Hono();
  api.route('/webhooks', webhookRoutes(context));
  api.route('/bots', botTokenRoutes(context));
  api.route('/media/previews', previewImageRoutes(context));
  return api;
}
