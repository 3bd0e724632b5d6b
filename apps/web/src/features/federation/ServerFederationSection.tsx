import { useEffect, useState } from 'react';
import { describeError } from '../../lib/errors.js';
import {
  type ServerFederationState,
  serverFederationState,
  setServerFederated,
} from './remote-servers-api.js';

/**
 * Server settings: the switch that lets people on other instances join this server's public
 * channels (MANAGE_GUILD, checked in SQL), and the address they join it by.
 */
export function ServerFederationSection({ serverId, allowed }: { serverId: string; allowed: boolean }) {
  const [state, setState] = useState<ServerFederationState | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    serverFederationState(serverId)
      .then(setState)
      .catch((e: unknown) => setError(describeError(e)));
  }, [serverId]);

  if (!state || state.remote_domain) return error ? <p role="alert">{error}</p> : null;

  const toggle = async (federated: boolean) => {
    setBusy(true);
    setError(null);
    // Shown at once; put back if the database refuses.
    setState({ ...state, federated });
    try {
      await setServerFederated(serverId, federated);
    } catch (e) {
      setState({ ...state, federated: !federated });
      setError(describeError(e, 'change federation for this server'));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-label="Federation">
      <h3>Federation</h3>
      <label className="toggle">
        <input
          type="checkbox"
          checked={state.federated}
          disabled={!allowed || busy}
          onChange={(e) => void toggle(e.target.checked)}
        />
        <span>Let people on other Harmony instances join this server</span>
      </label>
      <p className="hint">
        They read and post in the channels @everyone can see; this server's rules, bans and timeouts apply to
        them. Turning it off removes them.
      </p>
      {state.federated && (
        <p>
          Address to join from another instance:{' '}
          <code>
            @{serverId}@{window.location.host}
          </code>
        </p>
      )}
      {error && <p role="alert">{error}</p>}
    </section>
  );
}
