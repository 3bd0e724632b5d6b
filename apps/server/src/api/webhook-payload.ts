import { z } from 'zod';

/** Harmony's message limit (Discord's webhooks allow 2,000; Harmony messages hold 4,000). */
export const CONTENT_LIMIT = 4000;
/** Discord's: all titles, descriptions, field names and values, footers and authors together. */
const EMBED_TEXT_LIMIT = 6000;
/** Larger bodies are refused before they are parsed. */
export const BODY_LIMIT_BYTES = 64 * 1024;

const httpsUrl = z
  .string()
  .max(2048)
  .regex(/^https:\/\/[^\s]+$/, 'must be an https:// URL');
const linkUrl = z
  .string()
  .max(2048)
  .regex(/^https?:\/\/[^\s]+$/, 'must be an http(s):// URL');

/** The parts of Discord's embed object Harmony shows; unknown keys are dropped, as Discord ignores them. */
const Embed = z.object({
  title: z.string().max(256).optional(),
  description: z.string().max(4096).optional(),
  url: linkUrl.optional(),
  color: z.number().int().min(0).max(0xffffff).optional(),
  timestamp: z.iso.datetime({ offset: true }).optional(),
  footer: z.object({ text: z.string().min(1).max(2048) }).optional(),
  author: z.object({ name: z.string().min(1).max(256), url: linkUrl.optional() }).optional(),
  fields: z
    .array(
      z.object({
        name: z.string().min(1).max(256),
        value: z.string().min(1).max(1024),
        inline: z.boolean().optional(),
      }),
    )
    .max(25)
    .optional(),
  image: z.object({ url: httpsUrl }).optional(),
  thumbnail: z.object({ url: httpsUrl }).optional(),
});
export type Embed = z.infer<typeof Embed>;

const embedText = (e: Embed) =>
  [
    e.title,
    e.description,
    e.footer?.text,
    e.author?.name,
    ...(e.fields ?? []).flatMap((f) => [f.name, f.value]),
  ]
    .filter((s): s is string => Boolean(s))
    .reduce((sum, s) => sum + s.length, 0);

/** Discord's Execute Webhook JSON body ({content, username, avatar_url, embeds}). */
export const WebhookPayload = z
  .object({
    content: z.string().max(CONTENT_LIMIT).optional(),
    username: z.string().trim().min(1).max(80).optional(),
    avatar_url: httpsUrl.optional(),
    embeds: z.array(Embed).max(10).optional(),
  })
  .refine((p) => (p.embeds ?? []).reduce((sum, e) => sum + embedText(e), 0) <= EMBED_TEXT_LIMIT, {
    path: ['embeds'],
    message: `embeds hold at most ${EMBED_TEXT_LIMIT} characters of text together`,
  });
export type WebhookPayload = z.infer<typeof WebhookPayload>;

/** zod's issues as Discord's `errors` object: {field: {_errors: [{code, message}]}}. */
export function formErrors(
  error: z.ZodError,
): Record<string, { _errors: { code: string; message: string }[] }> {
  const errors: Record<string, { _errors: { code: string; message: string }[] }> = {};
  for (const issue of error.issues) {
    const key = issue.path.join('.') || '_body';
    errors[key] ??= { _errors: [] };
    errors[key]._errors.push({ code: issue.code.toUpperCase(), message: issue.message });
  }
  return errors;
}

export function isEmpty(payload: WebhookPayload): boolean {
  return !payload.content?.trim() && (payload.embeds ?? []).length === 0;
}
