import { type KeyboardEvent, useMemo, useRef, useState } from 'react';
import { client, getRealtime, stores, useAuth, useServers, useUi } from '../app/stores.js';
import { useChannelPermission, useSendBlockedReason } from '../features/access/use-permissions.js';
import { withCustomEmojiTokens } from '../lib/emoji.js';
import { describeError } from '../lib/errors.js';
import type { Attachment } from '../lib/types.js';
import { uploadAttachment } from '../lib/upload.js';
import { useComposerDraft } from './composer-draft.js';
import { EmojiPicker } from './EmojiPicker.js';

const TYPING_EVERY_MS = 3000;

interface Upload {
  id: string;
  name: string;
  progress: number;
  done?: Attachment;
  error?: string;
}

export function Composer({ channelId, channelLabel }: { channelId: string; channelLabel: string }) {
  const [text, setText] = useState('');
  const [uploads, setUploads] = useState<Upload[]>([]);
  const [mentionQuery, setMentionQuery] = useState<string | null>(null);
  const [pickingEmoji, setPickingEmoji] = useState(false);
  const lastTyping = useRef(0);
  const input = useRef<HTMLTextAreaElement>(null);
  const profile = useAuth((s) => s.profile);
  const serverId = useUi((s) => s.activeServerId);
  const members = useServers((s) => (serverId ? s.details[serverId]?.members : undefined));
  const emojis = useServers((s) => (serverId ? s.details[serverId]?.emojis : undefined));
  const blocked = useSendBlockedReason(channelId, channelLabel);
  const canAttach = useChannelPermission(channelId, 'ATTACH_FILES');
  const { replyTo, setReply } = useComposerDraft(channelId);

  const suggestions = useMemo(() => {
    if (mentionQuery === null || !members) return [];
    const q = mentionQuery.toLowerCase();
    return members
      .filter(
        (m) => m.profile.username.startsWith(q) || (m.profile.display_name ?? '').toLowerCase().startsWith(q),
      )
      .slice(0, 8);
  }, [mentionQuery, members]);

  if (blocked) {
    return (
      <div className="composer disabled" role="status">
        {blocked}
      </div>
    );
  }

  /** `@username` of a member becomes the mention token the server parses. */
  const withMentionTokens = (raw: string) =>
    raw.replace(/@([a-z0-9_.]{2,32})/g, (token, username: string) => {
      const member = members?.find((m) => m.profile.username === username);
      return member ? `<@${member.profile_id}>` : token;
    });

  const send = async () => {
    const content = text.trim();
    const attachments = uploads.flatMap((u) => (u.done ? [u.done] : []));
    if ((!content && attachments.length === 0) || uploads.some((u) => !u.done && !u.error)) return;
    setText('');
    setUploads([]);
    setReply(undefined);
    await stores.messages
      .getState()
      .send(channelId, withCustomEmojiTokens(withMentionTokens(content), emojis ?? []), {
        replyToId: replyTo?.id,
        attachments,
      })
      .catch((e: unknown) => stores.ui.getState().toast(describeError(e)));
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && !e.shiftKey && suggestions.length === 0) {
      e.preventDefault();
      void send();
    } else if (e.key === 'Escape' && replyTo) {
      setReply(undefined);
    }
  };

  const onChange = (value: string) => {
    setText(value);
    const caret = input.current?.selectionStart ?? value.length;
    const match = /@([a-z0-9_.]*)$/i.exec(value.slice(0, caret));
    setMentionQuery(match ? (match[1] ?? '') : null);
    const now = Date.now();
    if (value && now - lastTyping.current > TYPING_EVERY_MS && profile) {
      lastTyping.current = now;
      void getRealtime()?.sendTyping(channelId, profile.display_name ?? profile.username);
    }
  };

  const pickMention = (username: string) => {
    setText((t) => t.replace(/@([a-z0-9_.]*)$/i, `@${username} `));
    setMentionQuery(null);
    input.current?.focus();
  };

  const attach = (files: FileList | null) => {
    for (const file of Array.from(files ?? [])) {
      const id = crypto.randomUUID();
      setUploads((u) => [...u, { id, name: file.name, progress: 0 }]);
      const update = (patch: Partial<Upload>) =>
        setUploads((u) => u.map((x) => (x.id === id ? { ...x, ...patch } : x)));
      uploadAttachment(client, channelId, file, (progress) => update({ progress }))
        .then((done) => update({ done, progress: 1 }))
        .catch((e: unknown) => update({ error: describeError(e) }));
    }
  };

  return (
    <div className="composer">
      {replyTo && (
        <div className="replying">
          Replying to a message
          <button type="button" aria-label="Cancel reply" onClick={() => setReply(undefined)}>
            ×
          </button>
        </div>
      )}
      {uploads.length > 0 && (
        <ul className="uploads" aria-label="Attachments">
          {uploads.map((u) => (
            <li key={u.id} className={u.error ? 'failed' : ''}>
              {u.name} {u.error ? `— ${u.error}` : u.done ? '✓' : <progress value={u.progress} max={1} />}
              <button
                type="button"
                aria-label={`Remove ${u.name}`}
                onClick={() => setUploads((x) => x.filter((y) => y.id !== u.id))}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      {suggestions.length > 0 && (
        <ul className="mention-suggestions" aria-label="Mention suggestions">
          {suggestions.map((m) => (
            <li key={m.profile_id}>
              <button
                type="button"
                role="option"
                aria-selected="false"
                onClick={() => pickMention(m.profile.username)}
              >
                {m.profile.display_name ?? m.profile.username} <small>@{m.profile.username}</small>
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className="composer-row">
        <button
          type="button"
          className="emoji-button"
          aria-label="Emoji"
          aria-expanded={pickingEmoji}
          onClick={() => setPickingEmoji(!pickingEmoji)}
        >
          ☺
        </button>
        {pickingEmoji && (
          <EmojiPicker
            serverId={serverId}
            onClose={() => setPickingEmoji(false)}
            onPick={(emoji) => {
              setText((t) => `${t}${typeof emoji === 'string' ? emoji : `:${emoji.name}:`}`);
              setPickingEmoji(false);
              input.current?.focus();
            }}
          />
        )}
        {canAttach && (
          <label className="attach-button" aria-label="Attach files">
            +
            <input type="file" multiple hidden onChange={(e) => attach(e.target.files)} />
          </label>
        )}
        <textarea
          ref={input}
          rows={1}
          aria-label={`Message ${channelLabel}`}
          placeholder={`Message ${channelLabel}`}
          value={text}
          maxLength={4000}
          onChange={(e) => onChange(e.target.value)}
          onKeyDown={onKeyDown}
        />
        <button type="button" className="send" onClick={() => void send()}>
          Send
        </button>
      </div>
    </div>
  );
}
