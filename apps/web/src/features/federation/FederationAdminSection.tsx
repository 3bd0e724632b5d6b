import { Ban, Undo2 } from 'lucide-react';
import { type FormEvent, useCallback, useEffect, useId, useState } from 'react';
import { ActionMessage, useAction } from '../../components/settings/action.js';
import {
  type FederationAdminSettings,
  isInstanceAdmin,
  loadFederationAdminSettings,
  setFederationPaused,
  setInstanceBlocked,
} from './federation-admin-api.js';
import './federation.css';

/**
 * User settings, for instance admins only: pause federation and manage the instance
 * blocklist. Nothing shows for anyone else (the database refuses them anyway).
 */
export function FederationAdminSection() {
  const headingId = useId();
  const [admin, setAdmin] = useState(false);
  const [settings, setSettings] = useState<FederationAdminSettings | null>(null);
  const [domain, setDomain] = useState('');
  const action = useAction();

  const reload = useCallback(async () => setSettings(await loadFederationAdminSettings()), []);
  useEffect(() => {
    void isInstanceAdmin()
      .then(async (yes) => {
        setAdmin(yes);
        if (yes) await reload();
      })
      .catch(() => setAdmin(false));
  }, [reload]);
  if (!admin || !settings) return null;

  const block = (event: FormEvent) => {
    event.preventDefault();
    const host = domain.trim();
    if (!host) return;
    void action
      .run(async () => {
        await setInstanceBlocked(host, true);
        await reload();
      }, `${host} is blocked`)
      .then((done) => done && setDomain(''));
  };

  return (
    <section aria-labelledby={headingId} className="settings-section federation-admin">
      <h3 id={headingId}>Federation (instance admin)</h3>
      <label className="toggle">
        <input
          type="checkbox"
          checked={settings.paused}
          disabled={action.busy}
          onChange={(event) => {
            const paused = event.target.checked;
            void action.run(
              async () => {
                await setFederationPaused(paused);
                await reload();
              },
              paused ? 'Federation is paused' : 'Federation is running',
            );
          }}
        />
        Pause federation
      </label>
      <p className="hint">
        While paused, other instances get no answer from this one and nothing is sent to them; deliveries wait
        and are retried when federation resumes.
      </p>
      <form onSubmit={block} className="federation-admin-block">
        <label htmlFor={`${headingId}-domain`}>Block an instance</label>
        <div className="remote-people-row">
          <input
            id={`${headingId}-domain`}
            placeholder="chat.example.org"
            value={domain}
            autoComplete="off"
            spellCheck={false}
            onChange={(event) => setDomain(event.target.value)}
          />
          <button type="submit" className="danger" disabled={action.busy || !domain.trim()}>
            <Ban aria-hidden size={16} /> Block
          </button>
        </div>
      </form>
      <ActionMessage error={action.error} notice={action.notice} />
      <h4>Blocked instances</h4>
      {settings.blocked_domains.length === 0 ? (
        <p className="hint">No instance is blocked.</p>
      ) : (
        <ul className="federation-admin-blocked" aria-label="Blocked instances">
          {settings.blocked_domains.map((host) => (
            <li key={host}>
              <span>{host}</span>
              <button
                type="button"
                disabled={action.busy}
                aria-label={`Unblock ${host}`}
                onClick={() =>
                  void action.run(async () => {
                    await setInstanceBlocked(host, false);
                    await reload();
                  }, `${host} is unblocked`)
                }
              >
                <Undo2 aria-hidden size={16} /> Unblock
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
