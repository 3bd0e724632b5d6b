/** At most this many previews per message (Discord shows up to 10 embeds; five links is plenty). */
export const MAX_LINKS = 5;

const CODE = /```[\s\S]*?```|`[^`\n]+`/g;
// A link written as <https://…> asks for no preview (as in Discord); it is skipped.
const LINK = /<https?:\/\/[^\s<>]+>|https?:\/\/[^\s<>"]+/gi;
const TRAILING = /[.,;:!?'"*_~]+$/;

/**
 * The http(s) links of a message's text that get a preview, in order, without duplicates:
 * not those in code, not those in angle brackets, without the punctuation that ends a sentence.
 */
export function extractLinks(content: string): string[] {
  const links: string[] = [];
  for (const [match] of content.replace(CODE, ' ').matchAll(LINK)) {
    if (match.startsWith('<')) continue;
    const url = normalizeLink(trimLink(match));
    if (url && !links.includes(url)) links.push(url);
    if (links.length === MAX_LINKS) break;
  }
  return links;
}

function trimLink(link: string): string {
  let trimmed = link.replace(TRAILING, '');
  // "(see https://x.test/a)": the closing parenthesis is the sentence's, not the link's.
  while (trimmed.endsWith(')') && count(trimmed, '(') < count(trimmed, ')')) {
    trimmed = trimmed.slice(0, -1).replace(TRAILING, '');
  }
  return trimmed;
}

function count(text: string, char: string): number {
  return text.split(char).length - 1;
}

/** The cache key of a link: parsed and printed by WHATWG URL rules, without its fragment. */
export function normalizeLink(link: string): string | null {
  try {
    const url = new URL(link);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    url.hash = '';
    const text = url.toString();
    return text.length <= 2048 ? text : null;
  } catch {
    return null;
  }
}
