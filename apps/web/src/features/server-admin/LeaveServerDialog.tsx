import { serverAdmin, stores, useAuth, useServers } from '../../app/stores.js';
import { ActionMessage, useAction } from '../../components/settings/action.js';

/** Confirms leaving; the owner is told to hand the server over (or delete it) first. */
export function LeaveServerDialog({ serverId }: { serverId: string }) {
  const me = useAuth((s) => s.profile?.id);
  const server = useServers((s) => s.servers.find((x) => x.id === serverId));
  const action = useAction();
  const close = () => stores.ui.getState().openModal(null);
  if (!server) return null;
  if (server.owner_id === me) {
    return (
      <div>
        <p>
          You own {server.name}. Transfer ownership to another member in Server settings › Overview before
          leaving, or delete the server there.
        </p>
        <div className="form-actions">
          <button type="button" className="primary" onClick={close}>
            OK
          </button>
        </div>
      </div>
    );
  }
  const leave = async () => {
    if (await action.run(() => serverAdmin.leave(serverId))) {
      close();
      stores.ui.getState().toast(`You left ${server.name}.`, 'info');
    }
  };
  return (
    <div>
      <p>
        Leave <strong>{server.name}</strong>? You will not be able to rejoin unless you are invited again.
      </p>
      <ActionMessage error={action.error} />
      <div className="form-actions">
        <button type="button" onClick={close}>
          Cancel
        </button>
        <button type="button" className="danger-solid" disabled={action.busy} onClick={() => void leave()}>
          Leave server
        </button>
      </div>
    </div>
  );
}
