import { client, stores } from '../../app/stores.js';
import { unwrap } from '../../lib/unwrap.js';

/** These calls are newer than the generated database types (packages/shared): typed here. */
type Answer<T> = { data: T; error: null } | { data: null; error: unknown };
const rpc = client.rpc.bind(client) as unknown as <T>(
  fn: string,
  args: Record<string, unknown>,
) => PromiseLike<Answer<T>>;
const joins = () =>
  client.from('remote_server_joins' as never) as unknown as {
    select(columns: string): {
      eq(column: string, value: string): { maybeSingle(): PromiseLike<Answer<RemoteServerJoin | null>> };
    };
  };

export interface ServerFederationState {
  federated: boolean;
  /** Set for a mirror of a server of another instance: that instance. */
  remote_domain: string | null;
}

interface RemoteServerJoin {
  state: 'pending' | 'accepted' | 'rejected' | 'failed';
  server_id: string | null;
  error: string | null;
}

const JOIN_POLL_MS = 500;
const JOIN_TIMEOUT_MS = 30_000;

export async function serverFederationState(serverId: string): Promise<ServerFederationState> {
  const rows = await unwrap(
    rpc<ServerFederationState[]>('server_federation_state', { p_server_id: serverId }),
  );
  return rows[0] ?? { federated: false, remote_domain: null };
}

export const setServerFederated = (serverId: string, federated: boolean) =>
  unwrap(rpc<boolean>('set_server_federated', { p_server_id: serverId, p_federated: federated }));

/**
 * Joins a server of another instance: this instance fetches it and asks to join in the
 * background; resolves with the local mirror's id once the other instance accepted.
 */
export async function joinRemoteServer(address: string): Promise<string> {
  const id = await unwrap(rpc<string>('join_remote_server', { p_address: address.trim() }));
  const deadline = Date.now() + JOIN_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const join = await unwrap(joins().select('state, server_id, error').eq('id', id).maybeSingle());
    if (join?.state === 'accepted' && join.server_id) {
      await stores.servers.getState().loadServers();
      return join.server_id;
    }
    if (join?.state === 'rejected') throw new Error('That server did not let you join.');
    if (join?.state === 'failed') throw new Error(join.error ?? `${address} could not be joined.`);
    await new Promise((resolve) => setTimeout(resolve, JOIN_POLL_MS));
  }
  throw new Error(`${address} did not answer in time. Try again later.`);
}
