import { client } from '../../app/stores.js';
import { unwrap } from '../../lib/unwrap.js';

export interface RemoteFollow {
  id: string;
  follower_id: string;
  followee_id: string;
  state: 'pending' | 'accepted' | 'rejected';
}

const LOOKUP_POLL_MS = 400;
const LOOKUP_TIMEOUT_MS = 20_000;

/**
 * Finds `@name@host` on another instance: the server resolves it in the background
 * (WebFinger, the actor document), then the remote profile's id is ready here.
 */
export async function lookupRemoteUser(handle: string): Promise<string> {
  const id = await unwrap(client.rpc('request_remote_lookup', { p_handle: handle }));
  const deadline = Date.now() + LOOKUP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const rows = await unwrap(client.rpc('remote_lookup_result', { p_lookup_id: id }));
    const result = rows[0];
    if (result?.status === 'done' && result.profile_id) return result.profile_id;
    if (result?.status === 'failed') throw new Error(result.error ?? `${handle} was not found`);
    await new Promise((resolve) => setTimeout(resolve, LOOKUP_POLL_MS));
  }
  throw new Error(`${handle} did not answer in time. Try again later.`);
}

/** The caller's follows across instances, both ways (the database returns only their own). */
export const myRemoteFollows = (): Promise<RemoteFollow[]> =>
  // state is text checked against the three states in SQL.
  unwrap(
    client.from('remote_follows').select('id, follower_id, followee_id, state').order('created_at'),
  ) as Promise<RemoteFollow[]>;

export const followRemote = (profileId: string) =>
  unwrap(client.rpc('follow_remote', { p_profile_id: profileId }));

export const unfollowRemote = (profileId: string) =>
  unwrap(client.rpc('unfollow_remote', { p_profile_id: profileId }));

/** The DM channel with a remote user (one of the two must follow the other). */
export const openRemoteDm = (profileId: string) =>
  unwrap(client.rpc('open_remote_dm', { p_profile_id: profileId }));
