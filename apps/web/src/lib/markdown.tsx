import { mentionsToPlainText } from '@harmony/shared';
import type { ReactNode } from 'react';

export interface MentionResolver {
  user(id: string): string | undefined;
  role(id: string): string | undefined;
  /** Image URL of a custom emoji, when the viewer can see it. */
  emoji?(id: string): string | undefined;
  /** A channel's name, when the viewer can see it. */
  channel?(id: string): string | undefined;
}

const INLINE =
  /(`[^`\n]+`)|(\*\*[^*\n]+\*\*)|(\*[^*\n]+\*|_[^_\n]+_)|(~~[^~\n]+~~)|(<@&?[0-9a-f-]{36}>)|(@everyone|@here)|(https?:\/\/[^\s<>"]+)|(<a?:[A-Za-z0-9_]{2,32}:[0-9a-f-]{36}>)|(<#[0-9a-f-]{36}>)/g;

/**
 * Renders the small markdown subset chat needs into React elements (never HTML strings,
 * so message text cannot inject markup): code blocks, inline code, bold, italics,
 * strikethrough, links and mentions.
 */
export function renderMarkdown(
  text: string,
  mentions: MentionResolver,
  /** Renders runs of plain text (e.g. emoji as images); as they are by default. */
  plain: PlainText = (run) => [run],
): ReactNode[] {
  const nodes: ReactNode[] = [];
  // Odd parts of the split are the insides of ``` fences.
  let inFence = false;
  let offset = 0;
  for (const part of text.split(/```(?:[a-z0-9]*\n)?([\s\S]*?)```/g)) {
    if (inFence) {
      nodes.push(
        <pre key={`code-${offset}`} className="md-codeblock">
          <code>{part}</code>
        </pre>,
      );
    } else {
      nodes.push(...renderInline(part, mentions, `p${offset}`, plain));
    }
    offset += part.length + 1;
    inFence = !inFence;
  }
  return nodes;
}

export type PlainText = (run: string, key: string) => ReactNode[];

function renderInline(
  text: string,
  mentions: MentionResolver,
  keyPrefix: string,
  plain: PlainText,
): ReactNode[] {
  const nodes: ReactNode[] = [];
  let last = 0;
  for (const match of text.matchAll(INLINE)) {
    const [token] = match;
    const at = match.index ?? 0;
    if (at > last) nodes.push(...plain(text.slice(last, at), `${keyPrefix}-t${last}`));
    const key = `${keyPrefix}-${at}`;
    if (match[1]) nodes.push(<code key={key}>{token.slice(1, -1)}</code>);
    else if (match[2]) nodes.push(<strong key={key}>{token.slice(2, -2)}</strong>);
    else if (match[3]) nodes.push(<em key={key}>{token.slice(1, -1)}</em>);
    else if (match[4]) nodes.push(<s key={key}>{token.slice(2, -2)}</s>);
    else if (match[5]) {
      const isRole = token.startsWith('<@&');
      const id = token.slice(isRole ? 3 : 2, -1);
      const name = isRole ? mentions.role(id) : mentions.user(id);
      nodes.push(
        <span key={key} className="mention">
          @{name ?? (isRole ? 'deleted-role' : 'unknown-user')}
        </span>,
      );
    } else if (match[6])
      nodes.push(
        <span key={key} className="mention">
          {token}
        </span>,
      );
    else if (match[7]) {
      nodes.push(
        <a key={key} href={token} target="_blank" rel="noopener noreferrer nofollow">
          {token}
        </a>,
      );
    } else if (match[8]) {
      const [, name = '', id = ''] = /^<a?:([^:]+):([^>]+)>$/.exec(token) ?? [];
      const url = mentions.emoji?.(id);
      nodes.push(
        url ? (
          <img key={key} className="custom-emoji" src={url} alt={`:${name}:`} title={`:${name}:`} />
        ) : (
          `:${name}:`
        ),
      );
    } else if (match[9]) {
      const name = mentions.channel?.(token.slice(2, -1));
      nodes.push(
        <span key={key} className="mention channel-mention">
          #{name ?? 'unknown-channel'}
        </span>,
      );
    }
    last = at + token.length;
  }
  if (last < text.length) nodes.push(...plain(text.slice(last), `${keyPrefix}-t${last}`));
  return nodes;
}

/** The text with mention, channel and emoji tokens as people read them (`@name`, `#channel`, `:emoji:`). */
export function toPlainText(text: string, mentions: MentionResolver): string {
  return mentionsToPlainText(text, mentions);
}
