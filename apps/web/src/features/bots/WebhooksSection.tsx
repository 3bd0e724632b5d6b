import { Copy, RefreshCw, Trash2, Webhook as WebhookIcon } from 'lucide-react';
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { ActionMessage, useAction } from '../../components/settings/action.js';
import { useChannelPermission } from '../access/use-permissions.js';
import {
  createWebhook,
  deleteWebhook,
  listWebhooks,
  regenerateWebhook,
  type Webhook,
} from './webhooks-api.js';
import './bots.css';

/**
 * A channel's incoming webhooks (Manage Webhooks): create, regenerate the URL, delete. A URL is
 * shown once, when made: only its hash is stored.
 */
export function WebhooksSection({ channelId }: { channelId: string }) {
  const mayMentionEveryone = useChannelPermission(channelId, 'MENTION_EVERYONE');
  const [webhooks, setWebhooks] = useState<Webhook[] | null>(null);
  const [shown, setShown] = useState<{ id: string | null; url: string } | null>(null);
  const [name, setName] = useState('');
  const [everyone, setEveryone] = useState(false);
  const action = useAction();
  const reload = useCallback(() => listWebhooks(channelId).then(setWebhooks), [channelId]);
  useEffect(() => {
    void action.run(reload);
  }, [reload, action.run]);

  const create = (event: FormEvent) => {
    event.preventDefault();
    void action.run(async () => {
      setShown({ id: null, url: await createWebhook(channelId, name.trim(), everyone) });
      setName('');
      setEveryone(false);
      await reload();
    });
  };
  const regenerate = (hook: Webhook) =>
    void action.run(
      async () => setShown({ id: hook.id, url: await regenerateWebhook(hook.id) }),
      'New URL made',
    );
  const remove = (hook: Webhook) => {
    if (!window.confirm(`Delete the webhook ${hook.name}? Its URL stops working at once.`)) return;
    void action.run(async () => {
      await deleteWebhook(hook.id);
      if (shown?.id === hook.id) setShown(null);
      await reload();
    }, 'Webhook deleted');
  };

  return (
    <section className="webhooks" aria-labelledby="webhooks-heading">
      <h3 id="webhooks-heading">
        <WebhookIcon aria-hidden="true" size={16} /> Webhooks
      </h3>
      <p className="hint">
        Other services post messages here by sending JSON (<code>content</code>, <code>username</code>,{' '}
        <code>avatar_url</code>, <code>embeds</code>) to a webhook’s secret URL, as Discord’s webhooks do.
      </p>
      {shown && <SecretUrl url={shown.url} onDone={() => setShown(null)} />}
      {webhooks && webhooks.length > 0 && (
        <ul className="webhook-list" aria-label="Webhooks of this channel">
          {webhooks.map((hook) => (
            <li key={hook.id}>
              <span className="webhook-name">{hook.name}</span>
              {hook.mention_everyone && <span className="hint">may mention @everyone</span>}
              <button type="button" onClick={() => regenerate(hook)} disabled={action.busy}>
                <RefreshCw aria-hidden="true" size={14} /> New URL
                <span className="sr-only"> for {hook.name}</span>
              </button>
              <button type="button" className="danger" onClick={() => remove(hook)} disabled={action.busy}>
                <Trash2 aria-hidden="true" size={14} /> Delete<span className="sr-only"> {hook.name}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      {webhooks?.length === 0 && <p className="hint">This channel has no webhooks.</p>}
      <form className="webhook-create" onSubmit={create} aria-label="New webhook">
        <label>
          Webhook name
          <input required maxLength={80} value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        {mayMentionEveryone && (
          <label className="toggle">
            <input type="checkbox" checked={everyone} onChange={(e) => setEveryone(e.target.checked)} />
            <span>May mention @everyone and @here</span>
          </label>
        )}
        <button type="submit" className="primary" disabled={action.busy || !name.trim()}>
          Create webhook
        </button>
      </form>
      <ActionMessage error={action.error} notice={action.notice} />
    </section>
  );
}

/** The URL, once: copy it now, it is not shown again. */
function SecretUrl({ url, onDone }: { url: string; onDone: () => void }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="secret-once" role="status">
      <label>
        Webhook URL (copy it now: it is shown only once)
        <input readOnly value={url} onFocus={(e) => e.currentTarget.select()} />
      </label>
      <div className="form-actions">
        <button
          type="button"
          onClick={() => void navigator.clipboard?.writeText(url).then(() => setCopied(true))}
        >
          <Copy aria-hidden="true" size={14} /> {copied ? 'Copied' : 'Copy URL'}
        </button>
        <button type="button" onClick={onDone}>
          Done
        </button>
      </div>
    </div>
  );
}
