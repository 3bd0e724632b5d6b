import { type FormEvent, useState } from 'react';
import { client, stores, useAuth, useServers } from '../app/stores.js';
import { useServerPermission } from '../features/access/use-permissions.js';
import { COMMON_EMOJI, customEmojiUrl } from '../lib/emoji.js';
import { describeError } from '../lib/errors.js';
import type { CustomEmoji } from '../lib/types.js';

const NO_EMOJI: CustomEmoji[] = [];

/** A grid of everyday emoji and the server's own; managers can add one from here. */
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

  return (
    <div
      className="emoji-picker"
      role="dialog"
      aria-label="Emoji"
      onKeyDown={(e) => {
        if (e.key === 'Escape') onClose();
      }}
    >
      <div className="emoji-grid">
        {COMMON_EMOJI.map((emoji) => (
          <button type="button" key={emoji} aria-label={emoji} onClick={() => onPick(emoji)}>
            {emoji}
          </button>
        ))}
      </div>
      {custom.length > 0 && (
        <section className="emoji-grid" aria-label="Server emoji">
          {custom.map((emoji) => (
            <button type="button" key={emoji.id} aria-label={`:${emoji.name}:`} onClick={() => onPick(emoji)}>
              <img src={customEmojiUrl(client, emoji)} alt="" />
            </button>
          ))}
        </section>
      )}
      {serverId && canManage && <AddEmoji serverId={serverId} />}
    </div>
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
