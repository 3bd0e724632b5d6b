import { type FormEvent, useEffect, useId, useState } from 'react';
import { stores, useProfiles, useSearch, useServers, useSocial } from '../app/stores.js';
import { withTimestampsAsText } from '../features/formatting/time-format.js';
import { useMentionResolver } from '../features/messages/mentions.js';
import { ensureThread } from '../features/threads/thread-lookup.js';
import { threadsStore, useThreads } from '../features/threads/threads-store.js';
import { toPlainText } from '../lib/markdown.js';
import { go } from '../lib/route.js';
import type { Message } from '../lib/types.js';
import { snippet } from '../stores/search.js';
import { profileName } from '../stores/social.js';
import { useDmName } from './dms/use-dm-name.js';

/** Message search in the current server, or only the current channel (the only choice in DMs). */
export function SearchDialog({ serverId, channelId }: { serverId: string | null; channelId: string | null }) {
  const [text, setText] = useState(() => stores.search.getState().query);
  const [scope, setScope] = useState<'server' | 'channel'>(serverId ? 'server' : 'channel');
  const status = useSearch((s) => s.status);
  const error = useSearch((s) => s.error);
  const results = useSearch((s) => s.results);
  const query = useSearch((s) => s.query);
  const radio = useId();
  const resultsId = useId();

  useEffect(() => {
    const authors = results.map((m) => m.author_id).filter((a): a is string => Boolean(a));
    void stores.profiles.getState().ensure(authors);
  }, [results]);

  useEffect(() => () => stores.search.getState().reset(), []);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void stores.search
      .getState()
      .search(text, scope === 'server' ? { serverId, channelId: null } : { serverId, channelId });
  };

  return (
    <div className="search-dialog">
      <form onSubmit={submit} aria-label="Search messages">
        <label>
          Search messages
          <input
            type="search"
            maxLength={200}
            value={text}
            aria-controls={resultsId}
            onChange={(e) => setText(e.target.value)}
          />
        </label>
        {serverId && channelId && (
          <fieldset className="search-scope">
            <legend>Where</legend>
            <label className="toggle">
              <input
                type="radio"
                name={radio}
                checked={scope === 'server'}
                onChange={() => setScope('server')}
              />
              <span>This server</span>
            </label>
            <label className="toggle">
              <input
                type="radio"
                name={radio}
                checked={scope === 'channel'}
                onChange={() => setScope('channel')}
              />
              <span>This channel</span>
            </label>
          </fieldset>
        )}
        <button type="submit" className="primary" disabled={status === 'loading'}>
          Search
        </button>
      </form>
      <div id={resultsId} aria-live="polite" aria-busy={status === 'loading'} className="search-results">
        {status === 'loading' && <p className="hint">Searching…</p>}
        {status === 'error' && (
          <p role="alert" className="form-error">
            {error}
          </p>
        )}
        {status === 'done' && results.length === 0 && <p className="hint">No messages match “{query}”.</p>}
        {status === 'done' && results.length > 0 && (
          <>
            <p className="sr-only">
              {results.length} result{results.length === 1 ? '' : 's'}
            </p>
            <ul>
              {results.map((m) => (
                <SearchResult key={m.id} message={m} query={query} />
              ))}
            </ul>
          </>
        )}
      </div>
    </div>
  );
}

function SearchResult({ message, query }: { message: Message; query: string }) {
  const author = useProfiles((s) =>
    message.author_id ? (profileName(s.byId[message.author_id]) ?? '…') : 'Deleted user',
  );
  // Primitive selections: a fresh object per call would re-render forever.
  const channelServerId = useServers((s) => {
    for (const [serverId, detail] of Object.entries(s.details)) {
      if (detail.channels.some((x) => x.id === message.channel_id)) return serverId;
    }
    return undefined;
  });
  const channelName = useServers((s) =>
    channelServerId
      ? s.details[channelServerId]?.channels.find((x) => x.id === message.channel_id)?.name
      : undefined,
  );
  const serverChannel = channelServerId ? { serverId: channelServerId, name: channelName ?? '' } : undefined;
  const dm = useSocial((s) => s.dms.find((d) => d.id === message.channel_id));
  const dmName = useDmName(dm);
  // A message in a thread: shown as the thread, opened in the thread panel beside its channel.
  const thread = useThreads((s) => s.byId[message.channel_id]);
  useEffect(() => {
    if (!channelServerId && !dm) void ensureThread(message.channel_id);
  }, [channelServerId, dm, message.channel_id]);
  const where = serverChannel
    ? `#${serverChannel.name}`
    : thread
      ? `the thread ${thread.name}`
      : dm
        ? dmName
        : 'a channel';
  const mentions = useMentionResolver();
  const part = snippet(withTimestampsAsText(toPlainText(message.content, mentions)), query);

  const open = () => {
    stores.ui.getState().openModal(null);
    if (serverChannel)
      go({ kind: 'channel', serverId: serverChannel.serverId, channelId: message.channel_id });
    else if (thread) {
      go({ kind: 'channel', serverId: thread.server_id, channelId: thread.parent_id });
      threadsStore.getState().open({ kind: 'thread', threadId: thread.id });
    } else go({ kind: 'dm', channelId: message.channel_id });
    stores.messages
      .getState()
      .jumpTo(message.channel_id, message.id)
      .catch(() => undefined);
  };

  return (
    <li>
      <button type="button" className="search-result" onClick={open}>
        <span className="search-meta">
          <strong>{author}</strong> <span>in {where}</span>{' '}
          <time dateTime={message.created_at}>{new Date(message.created_at).toLocaleString()}</time>
        </span>
        <span className="search-snippet">
          {part.before}
          {part.match && <mark>{part.match}</mark>}
          {part.after}
        </span>
      </button>
    </li>
  );
}
