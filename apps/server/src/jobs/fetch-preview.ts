import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Database } from '../db/client.js';
import { type AddressPolicy, OutboundFailed, OutboundRefused } from '../net/outbound.js';
import { type FetchLimits, fetchImage, fetchOembed, fetchPage } from '../previews/fetcher.js';
import { extractLinks } from '../previews/links.js';
import { applyOembed, type PageMetadata, parseMetadata } from '../previews/metadata.js';
import { defineJob, type JobContext } from './job.js';
import { CronPayload, countOf } from './scheduled.js';

/** A link preview as stored in messages.embeds (what the web client's Embed card shows). */
export interface LinkEmbed {
  type: PageMetadata['type'];
  /** The link as the message has it (normalized). */
  url: string;
  title: string | null;
  description: string | null;
  site_name: string | null;
  color: string | null;
  /** Re-hosted by apps/server: readers' browsers never load the linked site's image. */
  image: { url: string; width: number; height: number } | null;
}

/** Where apps/server serves re-hosted preview images (the web origin proxies /api/). */
export const PREVIEW_IMAGE_PATH = '/api/media/previews/';

/** A page's preview is fetched again after a day; a page that gave none (or failed), after ten minutes. */
const PREVIEW_TTL = '24 hours';
const FAILURE_TTL = '10 minutes';

/** The database or the transaction of one URL's preview. */
type Executor = Pick<Database, 'execute'>;

class HostRateLimited extends Error {
  override name = 'HostRateLimited';
}

/**
 * Makes the previews of a message's links and stores them in messages.embeds (the
 * message_update broadcast shows them to every reader). Idempotent: it previews the message's
 * current text, and writes only if that text is still the message's. Each URL is fetched once
 * per cache period however many messages link it (an advisory lock per URL makes concurrent
 * jobs wait for the first), and at most previewFetchesPerHostPerMinute times a minute per host:
 * beyond that the job fails and graphile-worker retries it later, with the cache keeping what
 * was already fetched.
 */
export const fetchPreviewJob = defineJob({
  name: 'fetch-preview',
  payload: z.object({ messageId: z.string().uuid() }),
  async run({ messageId }, context) {
    const source = await loadSource(context.db, messageId);
    if (!source) return;
    const links = source.mayEmbed ? extractLinks(source.content) : [];
    const embeds: LinkEmbed[] = [];
    const limited: string[] = [];
    for (const link of links) {
      try {
        const embed = await previewFor(context, link);
        if (embed) embeds.push(embed);
      } catch (error) {
        if (!(error instanceof HostRateLimited)) throw error;
        limited.push(link);
      }
    }
    await context.db.execute(
      sql`select private.store_message_embeds(${messageId}::uuid, ${source.content}, ${JSON.stringify(embeds)}::jsonb)`,
    );
    if (limited.length > 0) throw new HostRateLimited(`rate limited, retried later: ${limited.join(' ')}`);
  },
});

async function loadSource(db: Database, messageId: string) {
  const result = await db.execute<{ content: string; may_embed: boolean }>(
    sql`select content, may_embed from private.link_preview_source(${messageId}::uuid)`,
  );
  const row = result.rows[0];
  return row ? { content: row.content, mayEmbed: row.may_embed } : null;
}

function limitsFor(context: JobContext): FetchLimits {
  const policy: AddressPolicy = {
    allowPrivate: false,
    allowedHosts: context.config.outboundAllowedHosts,
    resolve: context.config.outboundResolver,
  };
  return { policy, timeoutMs: context.config.previewTimeoutMs };
}

/** The cached preview of a URL, or a fresh one (null: the page gives none). */
async function previewFor(context: JobContext, url: string): Promise<LinkEmbed | null> {
  return context.db.transaction(async (tx) => {
    // Jobs previewing the same URL queue here; the first fills the cache for the rest.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`link-preview:${url}`}, 0))`);
    const cached = await tx.execute<{ embed: LinkEmbed | null }>(
      sql`select embed from private.link_previews where url = ${url} and expires_at > now()`,
    );
    if (cached.rows[0]) return cached.rows[0].embed;
    const host = new URL(url).host;
    if (!(await claimFetch(context, host))) throw new HostRateLimited(host);
    let embed: LinkEmbed | null = null;
    let failure: string | null = null;
    try {
      embed = await unfurl(context, tx, url);
    } catch (error) {
      if (!(error instanceof OutboundRefused || error instanceof OutboundFailed) && !isNetworkError(error)) {
        throw error;
      }
      failure = `${error.name}: ${error.message}`.slice(0, 500);
      context.log.debug({ url, failure }, 'no link preview');
    }
    await tx.execute(sql`
      insert into private.link_previews (url, embed, failure, fetched_at, expires_at)
      values (${url}, ${embed ? JSON.stringify(embed) : null}::jsonb, ${failure}, now(),
              now() + ${embed ? PREVIEW_TTL : FAILURE_TTL}::interval)
      on conflict (url) do update
        set embed = excluded.embed, failure = excluded.failure, fetched_at = excluded.fetched_at,
            expires_at = excluded.expires_at`);
    return embed;
  });
}

/** Counts a fetch from host against its per-minute limit (outside the URL's transaction, so
 * jobs fetching other pages of the host do not wait for this one). */
async function claimFetch(context: JobContext, host: string): Promise<boolean> {
  const claimed = await context.db.execute<{ allowed: boolean }>(
    sql`select private.claim_link_preview_fetch(${host}, ${context.config.previewFetchesPerHostPerMinute}, interval '1 minute') as allowed`,
  );
  return claimed.rows[0]?.allowed ?? false;
}

/** DNS failures, refused connections, resets: the page is unreachable, not the job broken. */
function isNetworkError(error: unknown): error is Error {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string';
}

async function unfurl(context: JobContext, tx: Executor, url: string): Promise<LinkEmbed | null> {
  const limits = limitsFor(context);
  const page = await fetchPage(url, limits);
  let metadata = await parseMetadata(page.html, page.url);
  if (metadata.oembedUrl) {
    try {
      metadata = applyOembed(metadata, await fetchOembed(metadata.oembedUrl, limits));
    } catch (error) {
      context.log.debug({ url, err: error }, 'oEmbed endpoint unusable; Open Graph only');
    }
  }
  const image = metadata.image ? await rehostImage(context, tx, metadata.image.url, limits) : null;
  if (!metadata.title && !metadata.description && !image) return null;
  return {
    type: metadata.type,
    url,
    title: metadata.title,
    description: metadata.description,
    site_name: metadata.siteName,
    color: metadata.color,
    image,
  };
}

/** The image's copy on apps/server (made once per image URL); null when it is unusable. */
async function rehostImage(
  context: JobContext,
  tx: Executor,
  imageUrl: string,
  limits: FetchLimits,
): Promise<LinkEmbed['image']> {
  if (imageUrl.length > 2048) return null;
  // Renewed: the daily prune (private.prune_link_preview_images) keeps an image fetched or
  // reused within its grace period, so it cannot take one this job is about to show.
  const stored = await tx.execute<{ id: string; width: number; height: number }>(
    sql`update private.link_preview_images set fetched_at = now() where source_url = ${imageUrl}
        returning id, width, height`,
  );
  let row = stored.rows[0];
  if (!row) {
    const host = new URL(imageUrl).host;
    if (!(await claimFetch(context, host))) return null;
    let image: Awaited<ReturnType<typeof fetchImage>> = null;
    try {
      image = await fetchImage(imageUrl, limits);
    } catch (error) {
      context.log.debug({ imageUrl, err: error }, 'preview image not re-hosted');
      return null;
    }
    if (!image) return null;
    const inserted = await tx.execute<{ id: string; width: number; height: number }>(sql`
      insert into private.link_preview_images (source_url, content_type, width, height, bytes)
      values (${imageUrl}, ${image.contentType}, ${image.width}, ${image.height}, ${image.bytes})
      on conflict (source_url) do update set fetched_at = now()
      returning id, width, height`);
    row = inserted.rows[0];
  }
  return row ? { url: `${PREVIEW_IMAGE_PATH}${row.id}`, width: row.width, height: row.height } : null;
}

/**
 * Forgets expired previews and per-host counts, then deletes the re-hosted images nothing shows
 * any more (scheduled daily).
 */
export const pruneLinkPreviews = defineJob({
  name: 'prune-link-previews',
  payload: CronPayload,
  async run(_payload, context) {
    // Expired previews first: an image only they offered is then unused.
    const previews = await countOf(context, sql`select private.prune_link_previews() as count`);
    const images = await countOf(context, sql`select private.prune_link_preview_images() as count`);
    if (previews > 0) context.log.info({ count: previews }, 'expired link previews forgotten');
    if (images > 0) context.log.info({ count: images }, 'unused preview images deleted');
  },
});
