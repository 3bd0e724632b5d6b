import { useEffect } from 'react';
import { stores, useProfiles } from '../../app/stores.js';
import './remote-server-note.css';

/**
 * Under a mirrored server's name: where it lives. A mirror is owned by the remote server's
 * Group, a profile of that instance, so its owner's domain names it.
 */
export function RemoteServerNote({ ownerId }: { ownerId: string }) {
  const domain = useProfiles((s) => s.byId[ownerId]?.domain);
  useEffect(() => {
    void stores.profiles.getState().ensure([ownerId]);
  }, [ownerId]);
  if (!domain) return null;
  return <p className="hint remote-server-note">Hosted on {domain}</p>;
}
