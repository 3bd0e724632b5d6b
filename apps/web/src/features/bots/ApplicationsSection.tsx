import { Permissions } from '@harmony/shared';
import { Bot, Copy, KeyRound } from 'lucide-react';
import { type FormEvent, useCallback, useEffect, useId, useState } from 'react';
import { useAuth } from '../../app/stores.js';
import { ActionMessage, useAction } from '../../components/settings/action.js';
import { permissionLabel, toggleBit } from '../../lib/permission-editor.js';
import { BOT_PERMISSION_CHOICES, DEFAULT_BOT_PERMISSIONS } from './bot-permissions.js';
import {
  type Application,
  botInviteUrl,
  createApplication,
  myApplications,
  regenerateBotToken,
  setApplicationPublic,
} from './bots-api.js';
import './bots.css';

/**
 * User settings → Applications: bots the user owns. Creating one makes its bot user; its token
 * is shown once (only a hash is kept) and can be reset. The invite link asks a server admin
 * for the chosen permissions.
 */
export function ApplicationsSection() {
  const headingId = useId();
  const profileId = useAuth((s) => s.profile?.id);
  const [apps, setApps] = useState<Application[] | null>(null);
  const [secret, setSecret] = useState<{ botId: string; token: string } | null>(null);
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const action = useAction();
  const reload = useCallback(async () => {
    if (profileId) setApps(await myApplications(profileId));
  }, [profileId]);
  useEffect(() => {
    void action.run(reload);
  }, [reload, action.run]);

  const create = (event: FormEvent) => {
    event.preventDefault();
    void action.run(async () => {
      setSecret(await createApplication(name.trim(), description.trim()));
      setName('');
      setDescription('');
      await reload();
    });
  };

  return (
    <section aria-labelledby={headingId} className="settings-section applications">
      <h3 id={headingId}>
        <Bot aria-hidden="true" size={16} /> Applications
      </h3>
      <p className="hint">
        An application is a bot: it signs in with its token and uses Harmony like a member of the servers it
        is added to. See the bots guide for the example bot.
      </p>
      {apps?.map((app) => (
        <ApplicationCard
          key={app.id}
          app={app}
          token={secret?.botId === app.id ? secret.token : null}
          onToken={(token) => setSecret({ botId: app.id, token })}
          onChanged={reload}
        />
      ))}
      <form className="webhook-create" onSubmit={create} aria-label="New application">
        <label>
          Application name
          <input required maxLength={64} value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <label>
          Description
          <input maxLength={400} value={description} onChange={(e) => setDescription(e.target.value)} />
        </label>
        <button type="submit" className="primary" disabled={action.busy || !name.trim()}>
          Create application
        </button>
      </form>
      <ActionMessage error={action.error} />
    </section>
  );
}

function ApplicationCard({
  app,
  token,
  onToken,
  onChanged,
}: {
  app: Application;
  token: string | null;
  onToken: (token: string) => void;
  onChanged: () => Promise<void>;
}) {
  const [permissions, setPermissions] = useState(DEFAULT_BOT_PERMISSIONS);
  const action = useAction();
  const reset = () => {
    if (!window.confirm(`Reset the token of ${app.name}? The bot stops signing in until it has the new one.`))
      return;
    void action.run(async () => onToken(await regenerateBotToken(app.id)));
  };
  const togglePublic = (isPublic: boolean) =>
    void action.run(async () => {
      await setApplicationPublic(app.id, isPublic);
      await onChanged();
    });
  return (
    <article className="application" aria-label={`Application ${app.name}`}>
      <header>
        <strong>{app.name}</strong> <span className="bot-tag">BOT</span>
        {app.description && <span className="hint"> {app.description}</span>}
      </header>
      {token && <SecretOnce label="Bot token (copy it now: it is shown only once)" value={token} />}
      <div className="form-actions">
        <button type="button" onClick={reset} disabled={action.busy}>
          <KeyRound aria-hidden="true" size={14} /> Reset token<span className="sr-only"> of {app.name}</span>
        </button>
      </div>
      <label className="toggle">
        <input type="checkbox" checked={app.is_public} onChange={(e) => togglePublic(e.target.checked)} />
        <span>Public: anyone who manages a server may add it</span>
      </label>
      <fieldset className="bot-permissions">
        <legend>Permissions the invite link asks for</legend>
        {BOT_PERMISSION_CHOICES.map((name) => (
          <label key={name} className="toggle">
            <input
              type="checkbox"
              checked={(permissions & Permissions[name]) !== 0n}
              onChange={(e) => setPermissions(toggleBit(permissions, Permissions[name], e.target.checked))}
            />
            <span>{permissionLabel(name)}</span>
          </label>
        ))}
      </fieldset>
      <SecretOnce label={`Invite link for ${app.name}`} value={botInviteUrl(app.id, permissions)} />
      <ActionMessage error={action.error} />
    </article>
  );
}

/** A read-only value with a copy button (a token shown once, or a link). */
function SecretOnce({ label, value }: { label: string; value: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="secret-once">
      <label>
        {label}
        <input readOnly value={value} onFocus={(e) => e.currentTarget.select()} />
      </label>
      <button
        type="button"
        onClick={() => void navigator.clipboard?.writeText(value).then(() => setCopied(true))}
      >
        <Copy aria-hidden="true" size={14} /> {copied ? 'Copied' : 'Copy'}
        <span className="sr-only"> {label}</span>
      </button>
    </div>
  );
}
