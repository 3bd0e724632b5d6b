import { Paperclip, SendHorizontal, Smile, X } from 'lucide-react';
import { type KeyboardEvent, lazy, Suspense, useEffect, useId, useMemo, useRef, useState } from 'react';
import { client, getRealtime, stores, useAuth, useServers, useUi } from '../../app/stores.js';
import { describeError } from '../../lib/errors.js';
import type { CustomEmoji } from '../../lib/types.js';
import { IconButton } from '../../ui/IconButton.js';
import { useChannelPermission, useSendBlockedReason } from '../access/use-permissions.js';
import {
  addUploads,
  hasUploadsInFlight,
  takeAttachments,
  useChannelUploads,
} from '../attachments/upload-store.js';
import { InteractionFeed } from '../bots/InteractionFeed.js';
import { customEmojiUrl, withCustomEmojiTokens } from '../emoji/custom-emoji.js';
import { EmojiImage } from '../emoji/EmojiImage.js';
import {
  type Emoji,
  type EmojiData,
  loadEmojiData,
  searchEmoji,
  withSkin,
  withUnicodeShortcodes,
} from '../emoji/emoji-data.js';
import { EmojiPicker } from '../emoji/LazyEmojiPicker.js';
import { rememberEmoji, skinTone } from '../emoji/preferences.js';
import { VoiceMessageButton } from '../voice-messages/VoiceMessageButton.js';
import { useComposerDraft } from './composer-draft.js';
import { complete, moveActive, type Trigger, triggerAt, withChannelTokens } from './suggestions.js';

const TYPING_EVERY_MS = 3000;
const MAX_SUGGESTIONS = 8;

// Progress bars, cancel and retry load with the first file picked.
const UploadTray = lazy(() => import('../attachments/UploadTray.js'));
const SlashCommands = lazy(() => import('../bots/SlashCommands.js'));

interface Suggestion {
  key: string;
  /** What replaces the trigger in the text. */
  insert: string;
  label: string;
  detail?: string;
  image?: string;
  glyph?: string;
}

export function Composer({ channelId, channelLabel }: { channelId: string; channelLabel: string }) {
  const [text, setText] = useState('');
  const uploads = useChannelUploads(channelId);
  const [trigger, setTrigger] = useState<Trigger | null>(null);
  const [active, setActive] = useState(0);
  const [emojiData, setEmojiData] = useState<EmojiData | null>(null);
  const [pickingEmoji, setPickingEmoji] = useState(false);
  const lastTyping = useRef(0);
  const input = useRef<HTMLTextAreaElement>(null);
  const listId = useId();
  const profile = useAuth((s) => s.profile);
  const serverId = useUi((s) => s.activeServerId);
  const members = useServers((s) => (serverId ? s.details[serverId]?.members : undefined));
  const channels = useServers((s) => (serverId ? s.details[serverId]?.channels : undefined));
  const emojis = useServers((s) => (serverId ? s.details[serverId]?.emojis : undefined));
  const blocked = useSendBlockedReason(channelId, channelLabel);
  const canAttach = useChannelPermission(channelId, 'ATTACH_FILES');
  const { replyTo, setReply } = useComposerDraft(channelId);

  // The Unicode emoji set loads on the first `:` suggestion.
  useEffect(() => {
    if (trigger?.kind === ':' && !emojiData) void loadEmojiData().then(setEmojiData);
  }, [trigger, emojiData]);

  const suggestions = useMemo(
    () => suggestionsFor(trigger, { members, channels, emojis, emojiData, selfId: profile?.id }),
    [trigger, members, channels, emojis, emojiData, profile?.id],
  );

  if (blocked) {
    return (
      <div className="composer disabled" role="status">
        {blocked}
      </div>
    );
  }

  const sendTyping = (typing: boolean) => {
    if (!profile) return;
    void getRealtime()?.sendTyping(channelId, profile.display_name ?? profile.username, typing);
  };

  /** `@username` of a member becomes the mention token the server parses. */
  const withMentionTokens = (raw: string) =>
    raw.replace(/@([a-z0-9_.]{2,32})/g, (token, username: string) => {
      const member = members?.find((m) => m.profile.username === username);
      return member ? `<@${member.profile_id}>` : token;
    });

  const send = async () => {
    const content = text.trim();
    if ((!content && !uploads.some((u) => u.status === 'ready')) || hasUploadsInFlight(channelId)) return;
    const attachments = takeAttachments(channelId);
    setText('');
    setReply(undefined);
    setTrigger(null);
    lastTyping.current = 0;
    sendTyping(false);
    let body = withCustomEmojiTokens(
      withChannelTokens(withMentionTokens(content), channels ?? []),
      emojis ?? [],
    );
    if (/:[a-z0-9_+-]+:/.test(body))
      body = withUnicodeShortcodes(body, (await loadEmojiData().catch(() => null)) ?? EMPTY_DATA);
    await stores.messages
      .getState()
      .send(channelId, body, { replyToId: replyTo?.id, attachments })
      .catch((e: unknown) => stores.ui.getState().toast(describeError(e, 'send messages here')));
  };

  const pick = (suggestion: Suggestion) => {
    if (!trigger) return;
    const caret = input.current?.selectionStart ?? text.length;
    const next = complete(text, caret, trigger, suggestion.insert);
    if (trigger.kind === ':') rememberEmoji(suggestion.glyph ?? suggestion.insert);
    setText(next.text);
    setTrigger(null);
    requestAnimationFrame(() => {
      input.current?.focus();
      input.current?.setSelectionRange(next.caret, next.caret);
    });
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (suggestions.length > 0) {
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        setActive((i) => moveActive(i, suggestions.length, e.key as 'ArrowUp' | 'ArrowDown'));
        return;
      }
      if (e.key === 'Enter' || e.key === 'Tab') {
        e.preventDefault();
        const chosen = suggestions[active] ?? suggestions[0];
        if (chosen) pick(chosen);
        return;
      }
      if (e.key === 'Escape') {
        e.preventDefault();
        setTrigger(null);
        return;
      }
    }
    if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault();
      void send();
    } else if (e.key === 'Escape' && replyTo) {
      setReply(undefined);
    }
  };

  const onChange = (value: string) => {
    setText(value);
    const caret = input.current?.selectionStart ?? value.length;
    const next = triggerAt(value, caret);
    setTrigger(next);
    if (next?.kind !== trigger?.kind || next?.start !== trigger?.start) setActive(0);
    const now = Date.now();
    if (!value) {
      // Cleared: the others stop seeing "is typing" now, not when it times out.
      if (lastTyping.current) sendTyping(false);
      lastTyping.current = 0;
    } else if (now - lastTyping.current > TYPING_EVERY_MS) {
      lastTyping.current = now;
      sendTyping(true);
    }
  };

  const open = suggestions.length > 0;
  const optionId = (i: number) => `${listId}-${i}`;

  return (
    <div className="composer">
      {replyTo && (
        <div className="replying">
          Replying to a message
          <IconButton label="Cancel reply" icon={X} size={16} onClick={() => setReply(undefined)} />
        </div>
      )}
      {uploads.length > 0 && (
        <Suspense fallback={null}>
          <UploadTray channelId={channelId} />
        </Suspense>
      )}
      <InteractionFeed channelId={channelId} />
      {serverId && text.startsWith('/') && (
        <Suspense fallback={null}>
          <SlashCommands
            channelId={channelId}
            serverId={serverId}
            text={text}
            input={input}
            onDone={() => setText('')}
          />
        </Suspense>
      )}
      {open && (
        <div className="suggestions">
          <p className="suggestions-title">
            {trigger?.kind === '@' ? 'Members' : trigger?.kind === '#' ? 'Text channels' : 'Emoji matching'}{' '}
            {trigger?.query && <strong>{trigger.kind === ':' ? `:${trigger.query}` : trigger.query}</strong>}
          </p>
          <div id={listId} role="listbox" aria-label="Suggestions">
            {suggestions.map((s, i) => (
              <div
                key={s.key}
                id={optionId(i)}
                role="option"
                tabIndex={-1}
                aria-selected={i === active}
                className={i === active ? 'active' : ''}
                onPointerDown={(e) => e.preventDefault()}
                onClick={() => pick(s)}
                onPointerMove={() => setActive(i)}
                onKeyDown={(e) => e.key === 'Enter' && pick(s)}
              >
                {s.image ? (
                  <img src={s.image} alt="" className="custom-emoji" />
                ) : s.glyph ? (
                  <span className="suggestion-glyph" aria-hidden="true">
                    <EmojiImage emoji={s.glyph} />
                  </span>
                ) : null}
                <span>{s.label}</span>
                {s.detail && <small>{s.detail}</small>}
              </div>
            ))}
          </div>
        </div>
      )}
      <div className="composer-row">
        {canAttach && (
          <label className="icon-button attach-button" data-tooltip="Attach files">
            <Paperclip aria-hidden="true" size={18} />
            <input
              type="file"
              multiple
              className="file-input"
              aria-label="Attach files"
              onChange={(e) => {
                addUploads(channelId, Array.from(e.target.files ?? []));
                e.target.value = ''; // the same file can be picked again
              }}
            />
          </label>
        )}
        <textarea
          ref={input}
          rows={1}
          aria-label={`Message ${channelLabel}`}
          aria-autocomplete="list"
          aria-controls={open ? listId : undefined}
          aria-activedescendant={open ? optionId(active) : undefined}
          placeholder={`Message ${channelLabel}`}
          value={text}
          maxLength={4000}
          onChange={(e) => onChange(e.target.value)}
          onKeyDown={onKeyDown}
          onBlur={() => setTrigger(null)}
        />
        <div className="composer-actions">
          {canAttach && <VoiceMessageButton channelId={channelId} />}
          <IconButton
            label="Emoji"
            icon={Smile}
            tooltip="top"
            aria-expanded={pickingEmoji}
            data-emoji-toggle
            onClick={() => setPickingEmoji(!pickingEmoji)}
          />
          <IconButton
            label="Send"
            icon={SendHorizontal}
            tooltip="top"
            className="send"
            onClick={() => void send()}
          />
        </div>
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
      </div>
    </div>
  );
}

const EMPTY_DATA: EmojiData = { emojis: [], byShortcode: new Map() };

function suggestionsFor(
  trigger: Trigger | null,
  sources: {
    members:
      | {
          profile_id: string;
          nickname: string | null;
          profile: { username: string; display_name: string | null };
        }[]
      | undefined;
    channels: { id: string; name: string | null; type: string }[] | undefined;
    emojis: CustomEmoji[] | undefined;
    emojiData: EmojiData | null;
    /** The writer: offered last, since people rarely mention themselves. */
    selfId: string | undefined;
  },
): Suggestion[] {
  if (!trigger) return [];
  const q = trigger.query.toLowerCase();
  if (trigger.kind === '@') {
    return (
      (sources.members ?? [])
        .filter(
          (m) =>
            m.profile.username.startsWith(q) ||
            (m.profile.display_name ?? '').toLowerCase().startsWith(q) ||
            (m.nickname ?? '').toLowerCase().startsWith(q),
        )
        .map((m) => ({
          key: m.profile_id,
          insert: `@${m.profile.username}`,
          label: m.nickname ?? m.profile.display_name ?? m.profile.username,
          detail: `@${m.profile.username}`,
        }))
        // A stable order whatever order member events arrived in: others by name, then oneself.
        .sort(
          (a, b) =>
            Number(a.key === sources.selfId) - Number(b.key === sources.selfId) ||
            a.label.localeCompare(b.label),
        )
        .slice(0, MAX_SUGGESTIONS)
    );
  }
  if (trigger.kind === '#') {
    return (sources.channels ?? [])
      .filter((c) => c.type === 'text' && (c.name ?? '').toLowerCase().includes(q))
      .slice(0, MAX_SUGGESTIONS)
      .map((c) => ({ key: c.id, insert: `#${c.name}`, label: `#${c.name}` }));
  }
  const custom: Suggestion[] = (sources.emojis ?? [])
    .filter((e) => e.name.toLowerCase().includes(q))
    .map((e) => ({
      key: e.id,
      insert: `:${e.name}:`,
      label: `:${e.name}:`,
      image: customEmojiUrl(client, e),
    }));
  const tone = skinTone();
  const unicode: Suggestion[] = sources.emojiData
    ? searchEmoji(sources.emojiData, q, MAX_SUGGESTIONS).map((e: Emoji) => ({
        key: e.emoji,
        insert: withSkin(e, tone),
        glyph: withSkin(e, tone),
        label: `:${e.shortcodes[0] ?? e.name}:`,
      }))
    : [];
  return [...custom, ...unicode].slice(0, MAX_SUGGESTIONS);
}
