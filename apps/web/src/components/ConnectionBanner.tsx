import { useUi } from '../app/stores.js';

/** Tells the user when what they see may be stale. */
export function ConnectionBanner() {
  const online = useUi((s) => s.online);
  const connection = useUi((s) => s.connection);
  if (!online) {
    return (
      <div className="banner offline" role="status">
        You are offline. Messages will send when you reconnect.
      </div>
    );
  }
  if (connection === 'reconnecting') {
    return (
      <div className="banner reconnecting" role="status">
        Reconnecting…
      </div>
    );
  }
  return null;
}
