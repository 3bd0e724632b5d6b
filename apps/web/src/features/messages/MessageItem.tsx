import { Flag, LogIn, Pencil, Pin, PinOff, Reply, SmilePlus, Trash2 } from 'lucide-react';
import { type MouseEvent, memo, useEffect, useState } from 'react';
import { client, stores, useAuth, useMessages, useProfiles, useServers, useUi } from '../../app/stores.js';
import { dateTime, shortTime } from '../../lib/date-format.js';
import { describeError } from '../../lib/errors.js';
import type { Attachment, Message, PendingMessage } from '../../lib/types.js';
import { Avatar } from '../../ui/Avatar.js';
import { IconButton } from '../../ui/IconButton.js';
import { useChannelPermission } from '../access/use-permissions.js';
import { Attachments } from '../attachments/Attachments.js';
import { AuthorTag, Embeds } from '../bots/BotMessageParts.js';
import { webhookSender } from '../bots/webhook-message.js';
import { CallNotice, isCallNotice } from '../calls/CallNotice.js';
import { useComposerDraft } from '../composer/composer-draft.js';
import { LinkEmbeds } from '../embeds/LinkEmbeds.js';
import { withoutLinkPreviews } from '../embeds/link-previews.js';
import { customEmojiUrl, parseReaction, reactionValue } from '../emoji/custom-emoji.js';
import { EmojiImage, onlyEmoji, withEmojiImages } from '../emoji/EmojiImage.js';
import { EmojiPicker } from '../emoji/LazyEmojiPicker.js';
import { FormattedText } from '../formatting/FormattedText.js';
import { MemberTrigger } from '../moderation/MemberTrigger.js';
import { moderationUi } from '../moderation/moderation-store.js';
import { CreateThreadButton } from '../threads/ThreadActions.js';
import { ThreadSummary } from '../threads/ThreadSummary.js';
import { useMentionResolver } from './mentions.js';

const QUICK_REACTIONS = ['👍', '❤️', '😂'];

/** How a message's author is shown: nickname in this server, else their name; their picture. */
export function useAuthor(profileId: string | null): {
  name: string;
  avatarUrl: string | null;
  isBot?: boolean;
} {
  const serverId = useUi((s) => s.activeServerId);
  const nickname = useServers((s) =>
    serverId ? s.details[serverId]?.members.find((m) => m.profile_id === profileId)?.nickname : undefined,
  );
  const profile = useProfiles((s) => (profileId ? s.byId[profileId] : undefined));
  useEffect(() => {
    if (profileId && !profile) void stores.profiles.getState().ensure([profileId]);
  }, [profileId, profile]);
  const name = nickname ?? profile?.display_name ?? profile?.username ?? (profileId ? '…' : 'Deleted user');
  return { name, avatarUrl: profile?.avatar_url ?? null, isBot: profile?.is_bot };
}

/** A unicode emoji as text; a custom one (`name:id`) as its image when this server has it. */
function ReactionLabel({ value }: { value: string }) {
  const custom = parseReaction(value);
  const serverId = useUi((s) => s.activeServerId);
  const emoji = useServers((s) =>
    custom && serverId ? s.details[serverId]?.emojis.find((e) => e.id === custom.id) : undefined,
  );
  if (!custom) return <EmojiImage emoji={value} />;
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
              .catch((e: unknown) => stores.ui.getState().toast(describeError(e, 'react here')))
          }
        >
          <ReactionLabel value={emoji} /> {count}
        </button>
      ))}
    </div>
  );
}

/** A system line: someone joined, or pinned a message (pin_notice rows, when the server writes them). */
function SystemLine({ message }: { message: Message }) {
  const author = useAuthor(message.author_id).name;
  const openModal = useUi((s) => s.openModal);
  if (message.type === 'pin_notice')
    return (
      <article className="message system" aria-label={`${author} pinned a message`}>
        <Pin aria-hidden="true" size={16} />
        <strong>{author}</strong> pinned a message to this channel.{' '}
        <button
          type="button"
          className="link"
          onClick={() => openModal({ kind: 'pins', channelId: message.channel_id })}
        >
          See all pinned messages
        </button>
      </article>
    );
  return (
    <article className="message system" aria-label={`${author} joined the server`}>
      <LogIn aria-hidden="true" size={16} />
      <strong>{author}</strong> joined the server.
    </article>
  );
}

/** A message's actions: reactions, reply, edit, pin, delete, as this user may. */
function MessageToolbar({
  message,
  pickingReaction,
  onPickReaction,
  onEdit,
}: {
  message: Message;
  pickingReaction: boolean;
  onPickReaction: () => void;
  onEdit: () => void;
}) {
  const me = useAuth((s) => s.profile?.id);
  const canManage = useChannelPermission(message.channel_id, 'MANAGE_MESSAGES');
  const canReact = useChannelPermission(message.channel_id, 'ADD_REACTIONS');
  const canPin = useChannelPermission(message.channel_id, 'PIN_MESSAGES') || canManage;
  // Editing needs the right to send here, as the database checks (a timeout or a deny removes it).
  const canSend = useChannelPermission(message.channel_id, 'SEND_MESSAGES');
  const { setReply } = useComposerDraft(message.channel_id);
  const mine = message.author_id === me;
  const serverId = useUi((s) => s.activeServerId);
  const fail = (action: string) => (e: unknown) => stores.ui.getState().toast(describeError(e, action));

  const remove = (event: MouseEvent) => {
    // Shift-click deletes at once, as in Discord.
    if (event.shiftKey) void stores.messages.getState().remove(message.id).catch(fail('delete this message'));
    else stores.ui.getState().openModal({ kind: 'deleteMessage', message });
  };

  return (
    <div className="message-actions" role="toolbar" aria-label="Message actions">
      {canReact &&
        me &&
        QUICK_REACTIONS.map((emoji) => (
          <button
            type="button"
            key={emoji}
            className="quick-reaction"
            aria-label={`React ${emoji}`}
            data-tooltip={`React ${emoji}`}
            onClick={() =>
              stores.messages.getState().toggleReaction(message.id, emoji, me).catch(fail('react here'))
            }
          >
            <EmojiImage emoji={emoji} />
          </button>
        ))}
      {canReact && me && (
        <IconButton
          label="Add reaction"
          icon={SmilePlus}
          tooltip="top"
          aria-expanded={pickingReaction}
          data-emoji-toggle
          onClick={onPickReaction}
        />
      )}
      <IconButton label="Reply" icon={Reply} tooltip="top" onClick={() => setReply(message)} />
      <CreateThreadButton message={message} />
      {mine && canSend && <IconButton label="Edit" icon={Pencil} tooltip="top" onClick={onEdit} />}
      {canPin && (
        <IconButton
          label={message.pinned_at ? 'Unpin' : 'Pin'}
          icon={message.pinned_at ? PinOff : Pin}
          tooltip="top"
          onClick={() =>
            void client
              .rpc(message.pinned_at ? 'unpin_message' : 'pin_message', { p_message_id: message.id })
              .then(({ error }) => error && fail('pin messages here')(error))
          }
        />
      )}
      {(mine || canManage) && (
        <IconButton label="Delete" icon={Trash2} tooltip="top" className="danger" onClick={remove} />
      )}
      {!mine && serverId && message.author_id && (
        <IconButton
          label="Report message"
          icon={Flag}
          tooltip="top"
          onClick={() =>
            moderationUi.getState().openDialog({
              kind: 'reportMessage',
              serverId,
              profileId: message.author_id as string,
              messageId: message.id,
            })
          }
        />
      )}
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
  const profileAuthor = useAuthor(message.author_id);
  const sentAs = webhookSender(message);
  const author = sentAs ?? profileAuthor;
  const me = useAuth((s) => s.profile?.id);
  const serverId = useUi((s) => s.activeServerId);
  const toolbarOpen = useUi((s) => s.toolbarMessageId === message.id);
  // The toolbar (and its permission checks) exists only while wanted: rows stay light to scroll.
  const [hovered, setHovered] = useState(false);
  const [pickingReaction, setPickingReaction] = useState(false);
  const replyTo = useMessages((s) =>
    message.reply_to_id
      ? s.channels[message.channel_id]?.items.find((m) => m.id === message.reply_to_id)
      : undefined,
  );
  const replyAuthor = useAuthor(replyTo?.author_id ?? null).name;
  const mentions = useMentionResolver();
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(message.content);
  const fail = (action: string) => (e: unknown) => stores.ui.getState().toast(describeError(e, action));

  if (message.type === 'member_join' || message.type === 'pin_notice')
    return <SystemLine message={message} />;
  if (isCallNotice(message)) return <CallNotice message={message} author={author.name} />;

  const mentionsMe = Boolean(me && (message.mention_profile_ids.includes(me) || message.mention_everyone));
  const attachments = (message.attachments as unknown as Attachment[]) ?? [];
  const time = new Date(message.created_at);

  const saveEdit = async () => {
    setEditing(false);
    if (draft.trim() && draft !== message.content)
      await stores.messages.getState().edit(message.id, draft).catch(fail('edit this message'));
  };

  // Touch screens have no hover: a tap on the message shows its toolbar (a tap elsewhere hides it).
  const onTap = (event: React.PointerEvent) => {
    if (event.pointerType !== 'touch' || (event.target as HTMLElement).closest('button, a, textarea')) return;
    stores.ui.getState().showToolbar(toolbarOpen ? null : message.id);
  };

  return (
    <article
      className={`message${grouped ? ' grouped' : ''}${mentionsMe ? ' mentions-me' : ''}${message.pinned_at ? ' pinned' : ''}${toolbarOpen ? ' toolbar-open' : ''}`}
      aria-label={`${author.name}: ${message.content}`}
      data-message-id={message.id}
      onPointerUp={onTap}
      onPointerEnter={() => setHovered(true)}
      onPointerLeave={() => setHovered(false)}
      onFocus={() => setHovered(true)}
      onBlur={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setHovered(false);
      }}
    >
      {replyTo && (
        <div className="reply-preview">
          <Reply aria-hidden="true" size={14} /> <strong>{replyAuthor}</strong>{' '}
          {replyTo.deleted_at ? 'Original message was deleted' : replyTo.content.slice(0, 100)}
        </div>
      )}
      <div className="message-gutter">
        {grouped ? (
          <time className="hover-time" dateTime={message.created_at}>
            {shortTime(time)}
          </time>
        ) : message.author_id && serverId ? (
          <MemberTrigger
            serverId={serverId}
            profileId={message.author_id}
            label={`Open ${author.name}’s profile`}
          >
            <Avatar id={message.author_id} name={author.name} url={author.avatarUrl} />
          </MemberTrigger>
        ) : message.author_id || sentAs ? (
          <Avatar id={message.author_id ?? author.name} name={author.name} url={author.avatarUrl} />
        ) : (
          <Avatar id="deleted" name="?" />
        )}
      </div>
      <div className="message-body">
        {!grouped && (
          <header>
            {message.author_id && serverId ? (
              <MemberTrigger
                serverId={serverId}
                profileId={message.author_id}
                label={author.name}
                className="author"
              >
                {author.name}
              </MemberTrigger>
            ) : (
              <span className="author">{author.name}</span>
            )}
            {(sentAs || profileAuthor.isBot) && <AuthorTag kind={sentAs ? 'webhook' : 'bot'} />}
            <time dateTime={message.created_at} title={dateTime(time)}>
              {shortTime(time)}
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
            <small className="hint">Escape to cancel · Enter to save</small>
          </form>
        ) : (
          message.content && (
            <div className="content">
              <FormattedText
                text={message.content}
                mentions={mentions}
                plain={(run, key) => withEmojiImages(run, key, onlyEmoji(message.content))}
              />
              {message.edited_at && <span className="edited"> (edited)</span>}
            </div>
          )
        )}
        <Attachments channelId={message.channel_id} attachments={attachments} />
        {(sentAs || profileAuthor.isBot) && <Embeds embeds={withoutLinkPreviews(message.embeds)} />}
        <LinkEmbeds message={message} />
        <Reactions message={message} />
        <ThreadSummary messageId={message.id} />
      </div>
      {pickingReaction && me && (
        <EmojiPicker
          serverId={serverId}
          onClose={() => setPickingReaction(false)}
          onPick={(emoji) => {
            setPickingReaction(false);
            void stores.messages
              .getState()
              .toggleReaction(message.id, reactionValue(emoji), me)
              .catch(fail('react here'));
          }}
        />
      )}
      {(hovered || toolbarOpen || pickingReaction) && (
        <MessageToolbar
          message={message}
          pickingReaction={pickingReaction}
          onPickReaction={() => setPickingReaction(!pickingReaction)}
          onEdit={() => {
            setDraft(message.content);
            setEditing(true);
          }}
        />
      )}
    </article>
  );
});

export function PendingItem({ pending }: { pending: PendingMessage }) {
  const retry = () => void stores.messages.getState().retry(pending.channelId, pending.nonce);
  const discard = () => stores.messages.getState().discard(pending.channelId, pending.nonce);
  const mentions = useMentionResolver();
  return (
    <article
      className={`message grouped pending ${pending.status}`}
      aria-label={`Sending: ${pending.content}`}
    >
      <div className="message-gutter" />
      <div className="message-body">
        <div className="content">
          {/* Formatted as it will be once sent, so the message does not change shape then. */}
          <FormattedText
            text={pending.content}
            mentions={mentions}
            plain={(run, key) => withEmojiImages(run, key)}
          />
        </div>
        {pending.status === 'failed' && (
          <div className="send-failed" role="alert">
            Not sent{pending.error ? `: ${pending.error}` : ''}{' '}
            <button type="button" className="link" onClick={retry}>
              Retry
            </button>{' '}
            <button type="button" className="link" onClick={discard}>
              Discard
            </button>
          </div>
        )}
      </div>
    </article>
  );
}
