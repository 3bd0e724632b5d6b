import { type FormEvent, useState } from 'react';
import { stores } from '../../app/stores.js';
import { Avatar } from '../../ui/Avatar.js';
import { ActionMessage, useAction } from './action.js';
import { ImagePickButton } from './FileButton.js';
import { useServerAccess } from './use-server-access.js';

export function OverviewTab({ serverId }: { serverId: string }) {
  const { server, can } = useServerAccess(serverId);
  const allowed = can('MANAGE_GUILD');
  const [name, setName] = useState(server?.name ?? '');
  const [description, setDescription] = useState(server?.description ?? '');
  const save = useAction();
  const icon = useAction();
  if (!server) return null;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void save.run(
      () =>
        stores.serverSettings.getState().updateServer(serverId, {
          name: name.trim() !== server.name ? name.trim() : undefined,
          description: description.trim() !== (server.description ?? '') ? description.trim() : undefined,
        }),
      'Saved',
    );
  };

  return (
    <section aria-label="Overview" className="settings-section">
      <div className="icon-row">
        <div className="server-icon-preview" aria-hidden="true">
          <Avatar id={server.id} name={server.name} url={server.icon_url} size={80} shape="rounded" />
        </div>
        <div>
          <ImagePickButton
            label="Upload icon"
            disabled={!allowed || icon.busy}
            onPick={(file) =>
              void icon.run(() => stores.serverSettings.getState().uploadIcon(serverId, file), 'Icon updated')
            }
          />{' '}
          {server.icon_url && (
            <button
              type="button"
              className="danger"
              disabled={!allowed || icon.busy}
              onClick={() =>
                void icon.run(
                  () => stores.serverSettings.getState().updateServer(serverId, { iconUrl: '' }),
                  'Icon removed',
                )
              }
            >
              Remove icon
            </button>
          )}
          <p className="hint">PNG, JPEG, GIF or WebP, up to 5 MB.</p>
          <ActionMessage error={icon.error} notice={icon.notice} />
        </div>
      </div>
      <form onSubmit={submit}>
        <label>
          Server name
          <input
            required
            maxLength={100}
            value={name}
            disabled={!allowed}
            onChange={(e) => setName(e.target.value)}
          />
        </label>
        <label>
          Description
          <textarea
            maxLength={1000}
            value={description}
            disabled={!allowed}
            onChange={(e) => setDescription(e.target.value)}
          />
        </label>
        <ActionMessage error={save.error} notice={save.notice} />
        <button type="submit" className="primary" disabled={!allowed || save.busy}>
          Save changes
        </button>
      </form>
    </section>
  );
}
