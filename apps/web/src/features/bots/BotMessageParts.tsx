import { lazy, Suspense } from 'react';
import './bot-message.css';

const LazyEmbeds = lazy(() => import('./Embeds.js'));

/** The tag after a bot's or a webhook's name, as Discord shows it. */
export function AuthorTag({ kind }: { kind: 'bot' | 'webhook' }) {
  return (
    <span className="bot-tag" title={kind === 'bot' ? 'This is a bot' : 'Sent by a webhook'}>
      {kind === 'bot' ? 'BOT' : 'WEBHOOK'}
    </span>
  );
}

/** Embeds a webhook or bot sent; their renderer loads with the first such message. */
export function Embeds({ embeds }: { embeds: unknown }) {
  if (!Array.isArray(embeds) || embeds.length === 0) return null;
  return (
    <Suspense fallback={null}>
      <LazyEmbeds embeds={embeds} />
    </Suspense>
  );
}
