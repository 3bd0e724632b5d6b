import { type FormEvent, useState } from 'react';
import { serverAdmin, stores } from '../../app/stores.js';
import { ActionMessage, useAction } from '../../components/settings/action.js';
import { inviteUrl } from '../../lib/route.js';
import { INVITE_MAX_AGES, INVITE_MAX_USES } from './admin-api.js';
import './server-admin.css';

/** A new invite with a lifetime, a use limit and optionally temporary membership (CREATE_INSTANT_INVITE). */
export function CreateInviteForm({ serverId }: { serverId: string }) {
  const [maxAge, setMaxAge] = useState(86400);
  const [maxUses, setMaxUses] = useState<number | null>(null);
  const [temporary, setTemporary] = useState(false);
  const [created, setCreated] = useState<string | null>(null);
  const action = useAction();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    let code = '';
    const ok = await action.run(async () => {
      code = await serverAdmin.createInvite(serverId, { maxAgeSeconds: maxAge, maxUses, temporary });
      await stores.serverSettings.getState().loadInvites(serverId);
    });
    if (ok) setCreated(inviteUrl(code));
  };
  return (
    <>
      <form className="invite-form" onSubmit={(e) => void submit(e)} aria-label="Create an invite">
        <label>
          Expire after
          <select value={maxAge} onChange={(e) => setMaxAge(Number(e.target.value))}>
            {INVITE_MAX_AGES.map((age) => (
              <option key={age.seconds} value={age.seconds}>
                {age.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Max number of uses
          <select
            value={maxUses ?? ''}
            onChange={(e) => setMaxUses(e.target.value ? Number(e.target.value) : null)}
          >
            {INVITE_MAX_USES.map((uses) => (
              <option key={uses ?? 'none'} value={uses ?? ''}>
                {uses === null ? 'No limit' : `${uses} use${uses === 1 ? '' : 's'}`}
              </option>
            ))}
          </select>
        </label>
        <label className="checkbox-row">
          <input type="checkbox" checked={temporary} onChange={(e) => setTemporary(e.target.checked)} />
          Temporary membership
        </label>
        <button type="submit" className="primary" disabled={action.busy}>
          Create invite
        </button>
      </form>
      <p className="hint">
        Temporary members are removed when they sign out, unless they have been given a role.
      </p>
      <ActionMessage error={action.error} />
      {created && (
        <div className="invite-created">
          <input readOnly aria-label="New invite link" value={created} onFocus={(e) => e.target.select()} />
          <button
            type="button"
            onClick={() => void navigator.clipboard?.writeText(created).catch(() => undefined)}
          >
            Copy
          </button>
        </div>
      )}
    </>
  );
}
