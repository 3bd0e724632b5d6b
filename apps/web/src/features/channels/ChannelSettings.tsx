import { type FormEvent, useState } from 'react';
import { stores, useServers, useUi } from '../../app/stores.js';
import { ActionMessage, useAction } from '../../components/settings/action.js';
import { go } from '../../lib/route.js';
import type { Channel } from '../../lib/types.js';
import { useChannelPermission } from '../access/use-permissions.js';
import { WebhooksSection } from '../bots/WebhooksSection.js';
import { SLOWMODE_CHOICES, slowmodeLabel } from './slowmode.js';
import './channels.css';

/** Edit a channel (name, topic, slowmode, NSFW) or delete it after typing its name. */
export function ChannelSettings({ serverId, channelId }: { serverId: string; channelId: string }) {
  const channel = useServers((s) => s.details[serverId]?.channels.find((c) => c.id === channelId));
  if (!channel) return <p className="hint">This channel no longer exists.</p>;
  return <ChannelForm key={channel.id} serverId={serverId} channel={channel} />;
}

function ChannelForm({ serverId, channel }: { serverId: string; channel: Channel }) {
  const isText = channel.type === 'text';
  const mayManageWebhooks = useChannelPermission(channel.id, 'MANAGE_WEBHOOKS');
  const [name, setName] = useState(channel.name ?? '');
  const [topic, setTopic] = useState(channel.topic ?? '');
  const [slowmode, setSlowmode] = useState(channel.slowmode_seconds);
  const [nsfw, setNsfw] = useState(channel.nsfw);
  const save = useAction();
  const changes = {
    name: name.trim() !== channel.name ? name.trim() : undefined,
    topic: isText && topic.trim() !== (channel.topic ?? '') ? topic.trim() : undefined,
    slowmodeSeconds: isText && slowmode !== channel.slowmode_seconds ? slowmode : undefined,
    nsfw: isText && nsfw !== channel.nsfw ? nsfw : undefined,
  };
  const dirty = Object.values(changes).some((v) => v !== undefined);
  // Discord-style choices, plus the channel's own value if it was set elsewhere.
  const choices = SLOWMODE_CHOICES.some((c) => c.seconds === channel.slowmode_seconds)
    ? SLOWMODE_CHOICES
    : [
        ...SLOWMODE_CHOICES,
        { seconds: channel.slowmode_seconds, label: slowmodeLabel(channel.slowmode_seconds) },
      ];

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void save.run(() => stores.channelAdmin.getState().updateChannel(serverId, channel.id, changes), 'Saved');
  };

  return (
    <div className="channel-settings">
      <form onSubmit={submit} aria-label="Channel settings">
        <label>
          Channel name
          <input required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        {isText && (
          <>
            <label>
              Topic
              <textarea maxLength={1024} rows={3} value={topic} onChange={(e) => setTopic(e.target.value)} />
            </label>
            <label>
              Slowmode
              <select value={slowmode} onChange={(e) => setSlowmode(Number(e.target.value))}>
                {choices.map((c) => (
                  <option key={c.seconds} value={c.seconds}>
                    {c.label}
                  </option>
                ))}
              </select>
            </label>
            <p className="hint">
              Members wait this long between messages; those who may manage messages or bypass slowmode do
              not.
            </p>
            <label className="toggle">
              <input type="checkbox" checked={nsfw} onChange={(e) => setNsfw(e.target.checked)} />
              <span>Age-restricted channel (NSFW)</span>
            </label>
          </>
        )}
        <ActionMessage error={save.error} notice={save.notice} />
        <div className="form-actions">
          <button type="submit" className="primary" disabled={!dirty || save.busy}>
            Save changes
          </button>
        </div>
      </form>
      {isText && mayManageWebhooks && <WebhooksSection channelId={channel.id} />}
      <DeleteChannel serverId={serverId} channel={channel} />
    </div>
  );
}

/** Deleting needs the channel's name typed out: it takes every message with it. */
function DeleteChannel({ serverId, channel }: { serverId: string; channel: Channel }) {
  const [typed, setTyped] = useState('');
  const remove = useAction();
  const activeChannelId = useUi((s) => s.activeChannelId);
  const name = channel.name ?? '';
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (typed.trim() !== name) return;
    void remove.run(async () => {
      await stores.channelAdmin.getState().deleteChannel(serverId, channel.id);
      stores.ui.getState().openModal(null);
      if (activeChannelId === channel.id) go({ kind: 'channel', serverId, channelId: null });
    });
  };
  return (
    <form className="danger-zone" onSubmit={submit} aria-label="Delete channel">
      <h3>Delete channel</h3>
      <p>
        Deleting <strong>{name}</strong> removes it and all of its messages for everyone. This cannot be
        undone.
      </p>
      <label>
        Type the channel name to confirm
        <input value={typed} autoComplete="off" onChange={(e) => setTyped(e.target.value)} />
      </label>
      <ActionMessage error={remove.error} />
      <button type="submit" className="danger-solid" disabled={typed.trim() !== name || remove.busy}>
        Delete channel
      </button>
    </form>
  );
}
