import { Hash, Lock, Menu } from 'lucide-react';
import { useEffect, useRef } from 'react';
import { stores, useMessages, useServers, useUi, watchChannel } from '../app/stores.js';
import { useChannelAccess } from '../features/access/use-permissions.js';
import { Composer } from '../features/composer/Composer.js';
import { MessageList } from '../features/messages/MessageList.js';
import { describeError } from '../lib/errors.js';
import { newestSeq } from '../lib/message-list.js';
import { IconButton } from '../ui/IconButton.js';
import { ChannelHeaderActions, useChannelTitle } from './ChannelHeaderActions.js';
import { TypingIndicator } from './TypingIndicator.js';
import { VoiceView } from './VoiceView.js';

/** Narrow screens: opens the channel list over the channel. */
function ChannelsButton() {
  return (
    <IconButton
      label="Channels"
      icon={Menu}
      className="narrow-only"
      onClick={() => stores.ui.getState().setChannelListOpen(true)}
    />
  );
}

export function ChannelView({ channelId }: { channelId: string }) {
  const channel = useServers((s) => {
    for (const detail of Object.values(s.details)) {
      const found = detail.channels.find((c) => c.id === channelId);
      if (found) return found;
    }
    return undefined;
  });
  return channel?.type === 'voice' ? (
    <VoiceView channel={channel} />
  ) : (
    <TextChannelView channelId={channelId} />
  );
}

function TextChannelView({ channelId }: { channelId: string }) {
  const channel = useServers((s) => {
    for (const detail of Object.values(s.details)) {
      const found = detail.channels.find((c) => c.id === channelId);
      if (found) return found;
    }
    return undefined;
  });
  const access = useChannelAccess(channelId);
  const hidden = access === 'hidden';
  // Seen in this view before it became hidden: the user lost access rather than followed a bad link.
  const wasVisible = useRef(false);
  if (access === 'visible') wasVisible.current = true;
  const error = useMessages((s) => s.channels[channelId]?.error);
  const newest = useMessages((s) => newestSeq(s.channels[channelId]?.items ?? []));
  const toggleMembers = useUi((s) => s.toggleMemberList);
  const title = useChannelTitle(channelId);

  // Loads at once (before access is known, for a fast first screen) unless known to be hidden.
  useEffect(() => {
    if (hidden) return;
    void stores.messages.getState().loadLatest(channelId);
    return watchChannel(channelId);
  }, [channelId, hidden]);

  // Reading the channel marks it read up to the newest message shown (again when the tab shows).
  useEffect(() => {
    if (newest === 0 || hidden) return;
    const mark = () => {
      if (document.visibilityState === 'visible')
        stores.unread
          .getState()
          .markRead(channelId, newest)
          .catch(() => undefined);
    };
    mark();
    document.addEventListener('visibilitychange', mark);
    return () => document.removeEventListener('visibilitychange', mark);
  }, [channelId, newest, hidden]);

  if (hidden) {
    return (
      <section className="channel-view" aria-label="Channel unavailable">
        <header className="channel-header">
          <ChannelsButton />
        </header>
        <div className="empty-state" role="alert">
          <Lock aria-hidden="true" size={40} />
          <h2>{wasVisible.current ? 'No access' : 'Channel unavailable'}</h2>
          <p>
            {wasVisible.current
              ? 'You no longer have access to this channel.'
              : 'This channel does not exist or you do not have access to it.'}
          </p>
        </div>
      </section>
    );
  }

  return (
    <section className="channel-view" aria-label={title.name ? `${title.prefix}${title.name}` : 'Channel'}>
      <header className="channel-header">
        <ChannelsButton />
        <h2>
          {title.prefix === '#' ? (
            <Hash aria-hidden="true" size={20} className="channel-icon" />
          ) : (
            <span aria-hidden="true">{title.prefix}</span>
          )}
          <span className="channel-title">{title.name}</span>
        </h2>
        {channel?.topic && <p className="topic">{channel.topic}</p>}
        <ChannelHeaderActions channelId={channelId} onToggleMembers={channel ? toggleMembers : undefined} />
      </header>
      {error ? (
        <div className="empty-state" role="alert">
          <p>{describeError(error)}</p>
          <button type="button" onClick={() => void stores.messages.getState().loadLatest(channelId)}>
            Try again
          </button>
        </div>
      ) : (
        <MessageList channelId={channelId} />
      )}
      <TypingIndicator channelId={channelId} />
      <Composer channelId={channelId} channelLabel={`${title.prefix}${title.name}`} />
    </section>
  );
}
