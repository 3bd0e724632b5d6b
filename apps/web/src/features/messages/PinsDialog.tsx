import { useEffect, useState } from 'react';
import { client, stores, useProfiles } from '../../app/stores.js';
import { describeError } from '../../lib/errors.js';
import type { Message } from '../../lib/types.js';
import { profileName } from '../../stores/social.js';
import { withEmojiImages } from '../emoji/EmojiImage.js';
import { renderMarkdown } from '../formatting/formatted.js';
import { useMentionResolver } from './mentions.js';

/** The channel's pinned messages, newest pin first (read directly: RLS limits them to readers). */
export function PinsDialog({ channelId }: { channelId: string }) {
  const [pins, setPins] = useState<Message[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    void client
      .from('messages')
      .select('*')
      .eq('channel_id', channelId)
      .not('pinned_at', 'is', null)
      .is('deleted_at', null)
      .order('pinned_at', { ascending: false })
      .limit(50)
      .then(({ data, error: failed }) => {
        if (cancelled) return;
        if (failed) setError(describeError(failed));
        else {
          const list = (data ?? []) as Message[];
          setPins(list);
          void stores.profiles
            .getState()
            .ensure(list.map((m) => m.author_id).filter((a): a is string => Boolean(a)));
        }
      });
    return () => {
      cancelled = true;
    };
  }, [channelId]);

  if (error) {
    return (
      <p role="alert" className="form-error">
        {error}
      </p>
    );
  }
  if (!pins) return <p aria-busy="true">Loading…</p>;
  if (pins.length === 0) return <p className="hint">No pinned messages in this channel yet.</p>;
  return (
    <ul className="pins-list">
      {pins.map((m) => (
        <Pin key={m.id} message={m} />
      ))}
    </ul>
  );
}

function Pin({ message }: { message: Message }) {
  const author = useProfiles((s) =>
    message.author_id ? (profileName(s.byId[message.author_id]) ?? '…') : 'Deleted user',
  );
  const mentions = useMentionResolver();
  const text = message.content.length > 300 ? `${message.content.slice(0, 300)}…` : message.content;
  return (
    <li className="pin">
      <span className="search-meta">
        <strong>{author}</strong>{' '}
        <time dateTime={message.created_at}>{new Date(message.created_at).toLocaleString()}</time>
      </span>
      <span className="search-snippet">{renderMarkdown(text, mentions, withEmojiImages)}</span>
    </li>
  );
}
