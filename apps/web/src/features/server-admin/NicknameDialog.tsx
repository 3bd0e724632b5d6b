import { type FormEvent, useState } from 'react';
import { serverAdmin, stores, useAuth, useServers } from '../../app/stores.js';
import { ActionMessage, useAction } from '../../components/settings/action.js';

/** The member's own nickname in a server (CHANGE_NICKNAME); empty clears it. */
export function NicknameDialog({ serverId }: { serverId: string }) {
  const me = useAuth((s) => s.profile);
  const current = useServers(
    (s) => s.details[serverId]?.members.find((m) => m.profile_id === me?.id)?.nickname ?? '',
  );
  const [nickname, setNickname] = useState(current);
  const action = useAction();
  if (!me) return null;
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (await action.run(() => serverAdmin.setNickname(serverId, me.id, nickname.trim())))
      stores.ui.getState().openModal(null);
  };
  return (
    <form onSubmit={(e) => void submit(e)}>
      <label>
        Nickname
        <input
          maxLength={32}
          value={nickname}
          placeholder={me.display_name ?? me.username}
          onChange={(e) => setNickname(e.target.value)}
        />
      </label>
      <p className="hint">Only this server shows it. Leave it empty to use your display name.</p>
      <ActionMessage error={action.error} />
      <div className="form-actions">
        <button type="button" onClick={() => stores.ui.getState().openModal(null)}>
          Cancel
        </button>
        <button type="submit" className="primary" disabled={action.busy}>
          Save
        </button>
      </div>
    </form>
  );
}
