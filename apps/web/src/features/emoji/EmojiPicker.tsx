import {
  Apple,
  Clock,
  Flag,
  Gamepad2,
  Heart,
  Lightbulb,
  type LucideIcon,
  PawPrint,
  Plane,
  Smile,
  Sparkles,
  User,
} from 'lucide-react';
import { type FormEvent, useEffect, useId, useMemo, useRef, useState } from 'react';
import { client, stores, useAuth, useServers } from '../../app/stores.js';
import { describeError } from '../../lib/errors.js';
import type { CustomEmoji } from '../../lib/types.js';
import { useServerPermission } from '../access/use-permissions.js';
import { customEmojiUrl, reactionValue } from './custom-emoji.js';
import { EmojiImage } from './EmojiImage.js';
import {
  CATEGORIES,
  type Emoji,
  type EmojiData,
  loadEmojiData,
  searchEmoji,
  withSkin,
} from './emoji-data.js';
import { recentEmoji, rememberEmoji, setSkinTone, skinTone } from './preferences.js';

const NO_EMOJI: CustomEmoji[] = [];
const CATEGORY_ICONS: Record<number, LucideIcon> = {
  0: Smile,
  1: User,
  3: PawPrint,
  4: Apple,
  5: Plane,
  6: Gamepad2,
  7: Lightbulb,
  8: Heart,
  9: Flag,
};
const TONES = ['Default', 'Light', 'Medium-light', 'Medium', 'Medium-dark', 'Dark'];

type Tab = 'recent' | 'server' | number;

/**
 * The emoji picker: search, categories, skin tones, recently used and the server's own emoji.
 * The Unicode set loads when it first opens; managers can add server emoji from here.
 */
export function EmojiPicker({
  serverId,
  onPick,
  onClose,
}: {
  serverId: string | null;
  onPick: (emoji: string | CustomEmoji) => void;
  onClose: () => void;
}) {
  const custom = useServers((s) => (serverId ? (s.details[serverId]?.emojis ?? NO_EMOJI) : NO_EMOJI));
  const canManage = useServerPermission(serverId, 'MANAGE_GUILD_EXPRESSIONS');
  const [data, setData] = useState<EmojiData | null>(null);
  const [failed, setFailed] = useState(false);
  const [query, setQuery] = useState('');
  const [tone, setTone] = useState(skinTone);
  const recent = useMemo(recentEmoji, []);
  const [tab, setTab] = useState<Tab>(recent.length > 0 ? 'recent' : 0);
  const root = useRef<HTMLDivElement>(null);
  const gridId = useId();

  useEffect(() => {
    loadEmojiData()
      .then(setData)
      .catch(() => setFailed(true));
  }, []);

  // A click anywhere else closes it, as Escape does.
  useEffect(() => {
    const outside = (e: PointerEvent) => {
      const target = e.target as HTMLElement;
      // The button that opens the picker toggles it itself.
      if (root.current && !root.current.contains(target) && !target.closest?.('[data-emoji-toggle]'))
        onClose();
    };
    document.addEventListener('pointerdown', outside);
    return () => document.removeEventListener('pointerdown', outside);
  }, [onClose]);

  const pick = (value: string | CustomEmoji) => {
    rememberEmoji(reactionValue(value));
    onPick(value);
  };

  const shown: (Emoji | CustomEmoji | string)[] = useMemo(() => {
    if (query.trim()) {
      const q = query.trim().toLowerCase();
      return [
        ...custom.filter((e) => e.name.toLowerCase().includes(q)),
        ...(data ? searchEmoji(data, q, 120) : []),
      ];
    }
    if (tab === 'server') return custom;
    if (tab === 'recent')
      return recent.flatMap((value): (Emoji | CustomEmoji | string)[] => {
        const server = custom.find((e) => reactionValue(e) === value);
        if (server) return [server];
        return value.includes(':') ? [] : [data?.emojis.find((e) => e.emoji === value) ?? value];
      });
    return data?.emojis.filter((e) => e.group === tab) ?? [];
  }, [query, tab, custom, data, recent]);

  const tabs: { id: Tab; label: string; icon: LucideIcon }[] = [
    ...(recent.length ? [{ id: 'recent' as const, label: 'Recently used', icon: Clock }] : []),
    ...(custom.length || canManage ? [{ id: 'server' as const, label: 'Server emoji', icon: Sparkles }] : []),
    ...CATEGORIES.map((c) => ({ id: c.group, label: c.label, icon: CATEGORY_ICONS[c.group] ?? Smile })),
  ];

  return (
    <div
      ref={root}
      className="emoji-picker"
      role="dialog"
      aria-label="Emoji"
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.stopPropagation();
          onClose();
        }
      }}
    >
      <div className="emoji-picker-top">
        <input
          type="search"
          aria-label="Search emoji"
          placeholder="Find the perfect emoji"
          value={query}
          // biome-ignore lint/a11y/noAutofocus: the picker opens to search, as in Discord.
          autoFocus
          onChange={(e) => setQuery(e.target.value)}
        />
        <select
          aria-label="Skin tone"
          value={tone}
          onChange={(e) => {
            setTone(Number(e.target.value));
            setSkinTone(Number(e.target.value));
          }}
        >
          {TONES.map((name, i) => (
            <option key={name} value={i}>
              {name}
            </option>
          ))}
        </select>
      </div>
      {!query.trim() && (
        <div className="emoji-tabs" role="tablist" aria-label="Emoji categories">
          {tabs.map(({ id, label, icon: Icon }) => (
            <button
              key={String(id)}
              type="button"
              role="tab"
              aria-selected={tab === id}
              aria-controls={gridId}
              aria-label={label}
              data-tooltip={label}
              className="icon-button"
              onClick={() => setTab(id)}
            >
              <Icon aria-hidden="true" size={18} />
            </button>
          ))}
        </div>
      )}
      <div
        id={gridId}
        className="emoji-grid"
        role="tabpanel"
        aria-label={query.trim() ? 'Search results' : tabs.find((t) => t.id === tab)?.label}
      >
        {!data && !failed && tab !== 'server' && <p className="hint">Loading emoji…</p>}
        {failed && <p className="hint">The emoji list could not be loaded. Check your connection.</p>}
        {data && shown.length === 0 && (
          <p className="hint">{query.trim() ? 'No emoji match.' : 'Nothing here yet.'}</p>
        )}
        {shown.map((item) =>
          typeof item === 'string' ? (
            <button type="button" key={item} aria-label={item} onClick={() => pick(item)}>
              <EmojiImage emoji={item} />
            </button>
          ) : 'image_path' in item ? (
            <button
              type="button"
              key={item.id}
              aria-label={`:${item.name}:`}
              title={`:${item.name}:`}
              onClick={() => pick(item)}
            >
              <img src={customEmojiUrl(client, item)} alt="" />
            </button>
          ) : (
            <UnicodeEmojiButton key={item.emoji} emoji={item} tone={tone} onPick={pick} />
          ),
        )}
      </div>
      {tab === 'server' && !query.trim() && serverId && canManage && <AddEmoji serverId={serverId} />}
    </div>
  );
}

/** One emoji of the set; left out when there is no image for it (newer than Twemoji's set). */
function UnicodeEmojiButton({
  emoji,
  tone,
  onPick,
}: {
  emoji: Emoji;
  tone: number;
  onPick: (value: string) => void;
}) {
  const [missing, setMissing] = useState(false);
  if (missing) return null;
  const value = withSkin(emoji, tone);
  return (
    <button
      type="button"
      aria-label={emoji.name}
      title={emoji.shortcodes[0] ? `:${emoji.shortcodes[0]}:` : emoji.name}
      onClick={() => onPick(value)}
    >
      <EmojiImage emoji={value} onMissing={() => setMissing(true)} />
    </button>
  );
}

function AddEmoji({ serverId }: { serverId: string }) {
  const [name, setName] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [error, setError] = useState<string | null>(null);
  const me = useAuth((s) => s.profile?.id);

  const add = async (event: FormEvent) => {
    event.preventDefault();
    if (!file || !me) return;
    setError(null);
    const path = `${serverId}/${crypto.randomUUID()}.${file.name.split('.').pop()?.toLowerCase() ?? 'png'}`;
    const upload = await client.storage.from('emoji').upload(path, file, { contentType: file.type });
    if (upload.error) return setError(describeError(upload.error));
    const { error: insertError } = await client.from('custom_emojis').insert({
      server_id: serverId,
      name,
      image_path: path,
      animated: file.type === 'image/gif',
      created_by: me,
    });
    if (insertError) return setError(describeError(insertError));
    setName('');
    setFile(null);
    await stores.servers.getState().loadServer(serverId);
  };

  return (
    <form className="add-emoji" onSubmit={add} aria-label="Add emoji">
      <input
        aria-label="Emoji name"
        placeholder="name"
        required
        pattern="[A-Za-z0-9_]{2,32}"
        value={name}
        onChange={(e) => setName(e.target.value)}
      />
      <input
        aria-label="Emoji image"
        type="file"
        accept="image/png,image/gif,image/webp"
        required
        onChange={(e) => setFile(e.target.files?.[0] ?? null)}
      />
      <button type="submit">Add</button>
      {error && <p role="alert">{error}</p>}
    </form>
  );
}
