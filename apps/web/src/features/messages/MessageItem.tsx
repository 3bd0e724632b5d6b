import { memo, useEffect, useState } from 'react';
import { client, stores, useAuth, useMessages, useProfiles, useServers, useUi } from '../app/stores.js';
import { useChannelPermission } from '../features/access/use-permissions.js';
import { customEmojiUrl, parseReaction, reactionValue } from '../lib/emoji.js';
import { describeError } from '../lib/errors.js';
import { renderMarkdown } from '../lib/markdown.js';
import type { Attachment, Message, PendingMessage } from '../lib/types.js';
import { useComposerDraft } from './composer-draft.js';
import { EmojiPicker } from './EmojiPicker.js';

const QUICK_REACTIONS = ['👍', '❤️', '😂', '🎉', '👀'];

function useAuthorName(profileId: string | null): string {
  const serverId = useUi((s) => s.activeServerId);
  const nickname = useServers((s) =>
    serverId ? s.details[serverId]?.members.find((m) => m.profile_id === profileId)?.nickname : undefined,
  );
  const profile = useProfiles((s) => (profileId ? s.byId[profileId] : undefined));
  useEffect(() => {
    if (profileId && !profile) void stores.profiles.getState().ensure([profileId]);
  }, [profileId, profile]);
  return nickname ?? profile?.display_name ?? profile?.username ?? (profileId ? '…' : 'Deleted user');
}

function AttachmentView({ attachment }: { attachment: Attachment }) {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    let cancelled = false;
    void client.storage
      .from('attachments')
      .createSignedUrl(attachment.path, 3600)
      .then(({ data }) => {
        if (!cancelled && data) setUrl(data.signedUrl);
      });
    return () => {
      cancelled = true;
    };
  }, [attachment.path]);
  if (!url) return <div className="attachment loading">{attachment.name}</div>;
  return attachment.content_type.startsWith('image/') ? (
    <a href={url} target="_blank" rel="noreferrer" className="attachment">
      <img
        src={url}
        alt={attachment.name}
        width={attachment.width}
        height={attachment.height}
        loading="lazy"
      />
    </a>
  ) : (
    <a href={url} className="attachment file" download={attachment.name}>
      📎 {attachment.name} ({Math.ceil(attachment.size / 1024)} KB)
    </a>
  );
}

/** A unicode emoji as text; a custom one (`name:id`) as its image when this server has it. */
function ReactionLabel({ value }: { value: string }) {
  const custom = parseReaction(value);
  const serverId = useUi((s) => s.activeServerId);
  const emoji = useServers((s) =>
    custom && serverId ? s.details[serverId]?.emojis.find((e) => e.id === custom.id) : undefined,
  );
  if (!custom) return <>{value}</>;
  return emoji ? (
    <img className="custom-emoji" src={customEmojiUrl(client, emoji)} alt={`:${custom.name}:`} />
  ) : (
    <>:{custom.name}:</>
  );
}

function Reactions({ message }: { message: Message }) {
  const reactions = useMessages((s) => s.reactions[message.id]);
  const me = useAuth((s) => s.profile?.id);
  if (!reactions?.length || !me) return null;
  const counts = new Map<string, { count: number; mine: boolean }>();
  for (const r of reactions) {
    const entry = counts.get(r.emoji) ?? { count: 0, mine: false };
    counts.set(r.emoji, { count: entry.count + 1, mine: entry.mine || r.profile_id === me });
  }
  return (
    <div className="reactions">
      {[...counts.entries()].map(([emoji, { count, mine }]) => (
        <button
          type="button"
          key={emoji}
          className={`reaction${mine ? ' mine' : ''}`}
          aria-pressed={mine}
          aria-label={`${emoji} ${count}`}
          onClick={() =>
            stores.messages
              .getState()
              .toggleReaction(message.id, emoji, me)
              .catch((e: unknown) => stores.ui.getState().toast(describeError(e)))
          }
        >
          <ReactionLabel value={emoji} /> {count}
        </button>
      ))}
    </div>
  );
}

export const MessageItem = memo(function MessageItem({
  message,
  grouped,
}: {
  message: Message;
  grouped: boolean;
}) {
  const author = useAuthorName(message.author_id);
  const me = useAuth((s) => s.profile?.id);
  const serverId = useUi((s) => s.activeServerId);
  const roles = useServers((s) => (serverId ? s.details[serverId]?.roles : undefined));
  const members = useServers((s) => (serverId ? s.details[serverId]?.members : undefined));
  const emojis = useServers((s) => (serverId ? s.details[serverId]?.emojis : undefined));
  const [pickingReaction, setPickingReaction] = useState(false);
  const canManage = useChannelPermission(message.channel_id, 'MANAGE_MESSAGES');
  const canReact = useChannelPermission(message.channel_id, 'ADD_REACTIONS');
  const canPin = useChannelPermission(message.channel_id, 'PIN_MESSAGES') || canManage;
  const replyTo = useMessages((s) =>
    message.reply_to_id
      ? s.channels[message.channel_id]?.items.find((m) => m.id === message.reply_to_id)
      : undefined,
  );
  const replyAuthor = useAuthorName(replyTo?.author_id ?? null);
  const { setReply } = useComposerDraft(message.channel_id);
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(message.content);
  const mine = message.author_id === me;
  const fail = (e: unknown) => stores.ui.getState().toast(describeError(e));

  if (message.deleted_at) {
    return <div className="message deleted">Message deleted</div>;
  }
  if (message.type === 'member_join') {
    return <div className="message system">→ {author} joined the server.</div>;
  }

  const mentions = {
    user: (id: string) => {
      const m = members?.find((x) => x.profile_id === id);
      return (
        m?.nickname ??
        m?.profile.display_name ??
        m?.profile.username ??
        stores.profiles.getState().byId[id]?.username
      );
    },
    role: (id: string) => roles?.find((r) => r.id === id)?.name,
    emoji: (id: string) => {
      const emoji = emojis?.find((e) => e.id === id);
      return emoji ? customEmojiUrl(client, emoji) : undefined;
    },
  };
  const mentionsMe = Boolean(me && (message.mention_profile_ids.includes(me) || message.mention_everyone));
  const attachments = (message.attachments as unknown as Attachment[]) ?? [];

  const saveEdit = async () => {
    setEditing(false);
    if (draft.trim() && draft !== message.content)
      await stores.messages.getState().edit(message.id, draft).catch(fail);
  };

  return (
    <article
      className={`message${grouped ? ' grouped' : ''}${mentionsMe ? ' mentions-me' : ''}${message.pinned_at ? ' pinned' : ''}`}
      aria-label={`${author}: ${message.content}`}
    >
      {replyTo && (
        <div className="reply-preview">
          ↪ <strong>{replyAuthor}</strong>{' '}
          {replyTo.deleted_at ? 'deleted message' : replyTo.content.slice(0, 100)}
        </div>
      )}
      {!grouped && (
        <header>
          <span className="author">{author}</span>
          <time dateTime={message.created_at}>
            {new Date(message.created_at).toLocaleTimeString([], { timeStyle: 'short' })}
          </time>
        </header>
      )}
      {editing ? (
        <form
          className="edit-form"
          onSubmit={(e) => {
            e.preventDefault();
            void saveEdit();
          }}
        >
          <textarea
            aria-label="Edit message"
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Escape') setEditing(false);
              if (e.key === 'Enter' && !e.shiftKey) {
                e.preventDefault();
                void saveEdit();
              }
            }}
          />
        </form>
      ) : (
        <div className="content">
          {renderMarkdown(message.content, mentions)}
          {message.edited_at && <span className="edited"> (edited)</span>}
        </div>
      )}
      {attachments.map((a) => (
        <AttachmentView key={a.path} attachment={a} />
      ))}
      <Reactions message={message} />
      {pickingReaction && me && (
        <EmojiPicker
          serverId={serverId}
          onClose={() => setPickingReaction(false)}
          onPick={(emoji) => {
            setPickingReaction(false);
            void stores.messages.getState().toggleReaction(message.id, reactionValue(emoji), me).catch(fail);
          }}
        />
      )}
      <div className="message-actions" role="toolbar" aria-label="Message actions">
        {canReact &&
          me &&
          QUICK_REACTIONS.slice(0, 3).map((emoji) => (
            <button
              type="button"
              key={emoji}
              aria-label={`React ${emoji}`}
              onClick={() => stores.messages.getState().toggleReaction(message.id, emoji, me).catch(fail)}
            >
              {emoji}
            </button>
          ))}
        {canReact && me && (
          <button
            type="button"
            aria-label="Add reaction"
            aria-expanded={pickingReaction}
            onClick={() => setPickingReaction(!pickingReaction)}
          >
            +☺
          </button>
        )}
        <button type="button" onClick={() => setReply(message)}>
          Reply
        </button>
        {mine && (
          <button type="button" onClick={() => setEditing(true)}>
            Edit
          </button>
        )}
        {canPin && (
          <button
            type="button"
            onClick={() =>
              void client
                .rpc(message.pinned_at ? 'unpin_message' : 'pin_message', { p_message_id: message.id })
                .then(({ error }) => error && fail(error))
            }
          >
            {message.pinned_at ? 'Unpin' : 'Pin'}
          </button>
        )}
        {(mine || canManage) && (
          <button
            type="button"
            className="danger"
            onClick={() => {
              if (window.confirm('Delete this message?'))
                void stores.messages.getState().remove(message.id).catch(fail);
            }}
          >
            Delete
          </button>
        )}
      </div>
    </article>
  );
});

export function PendingItem({ pending }: { pending: PendingMessage }) {
  const retry = () => void stores.messages.getState().retry(pending.channelId, pending.nonce);
  const discard = () => stores.messages.getState().discard(pending.channelId, pending.nonce);
  return (
    <article className={`message pending ${pending.status}`} aria-label={`Sending: ${pending.content}`}>
      <div className="content">{pending.content}</div>
      {pending.status === 'failed' && (
        <div className="send-failed" role="alert">
          Not sent{pending.error ? `: ${pending.error}` : ''}.{' '}
          <button type="button" onClick={retry}>
            Retry
          </button>{' '}
          <button type="button" onClick={discard}>
            Discard
          </button>
        </div>
      )}
    </article>
  );
}
