import { type FormEvent, useState } from 'react';
import { serverAdmin, stores } from '../../app/stores.js';
import { ServerFederationSection } from '../../features/federation/ServerFederationSection.js';
import { LEVEL_LABELS } from '../../features/notification-settings/mute.js';
import type { NotificationLevel } from '../../features/notification-settings/prefs-store.js';
import { DangerZone } from '../../features/server-admin/DangerZone.js';
import { Avatar } from '../../ui/Avatar.js';
import { ActionMessage, useAction } from './action.js';
import { ImagePickButton } from './FileButton.js';
import { useServerAccess } from './use-server-access.js';

export function OverviewTab({ serverId }: { serverId: string }) {
  const { server, detail, can } = useServerAccess(serverId);
  const textChannels = (detail?.channels ?? []).filter((c) => c.type === 'text');
  const allowed = can('MANAGE_GUILD');
  const [name, setName] = useState(server?.name ?? '');
  const [description, setDescription] = useState(server?.description ?? '');
  const save = useAction();
  const icon = useAction();
  const banner = useAction();
  const setting = useAction();
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
      <h3>Banner</h3>
      {server.banner_url && (
        <img className="server-banner-preview" src={server.banner_url} alt="Server banner" />
      )}
      <div>
        <ImagePickButton
          label="Upload banner"
          disabled={!allowed || banner.busy}
          onPick={(file) => void banner.run(() => serverAdmin.uploadBanner(serverId, file), 'Banner updated')}
        />{' '}
        {server.banner_url && (
          <button
            type="button"
            className="danger"
            disabled={!allowed || banner.busy}
            onClick={() => void banner.run(() => serverAdmin.setBanner(serverId, ''), 'Banner removed')}
          >
            Remove banner
          </button>
        )}
        <ActionMessage error={banner.error} notice={banner.notice} />
      </div>
      <h3>Notifications and system messages</h3>
      <label>
        Default notification level for members
        <select
          value={server.default_notification_level}
          disabled={!allowed || setting.busy}
          onChange={(e) =>
            void setting.run(
              () => serverAdmin.setDefaultLevel(serverId, e.target.value as NotificationLevel),
              'Default notification level saved',
            )
          }
        >
          {(Object.keys(LEVEL_LABELS) as NotificationLevel[]).map((level) => (
            <option key={level} value={level}>
              {LEVEL_LABELS[level]}
            </option>
          ))}
        </select>
      </label>
      <label>
        System messages channel
        <select
          value={server.system_channel_id ?? ''}
          disabled={!allowed || setting.busy}
          onChange={(e) =>
            void setting.run(
              () => serverAdmin.setSystemChannel(serverId, e.target.value || null),
              'System messages channel saved',
            )
          }
        >
          <option value="">Default (the first text channel)</option>
          {textChannels.map((c) => (
            <option key={c.id} value={c.id}>
              #{c.name}
            </option>
          ))}
        </select>
      </label>
      <p className="hint">Welcome messages for new members are posted there.</p>
      <ActionMessage error={setting.error} notice={setting.notice} />
      <ServerFederationSection serverId={serverId} allowed={allowed} />
      <DangerZone serverId={serverId} />
    </section>
  );
}
