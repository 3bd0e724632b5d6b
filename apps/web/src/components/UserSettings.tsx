import { type FormEvent, useState } from 'react';
import { stores, useAuth } from '../app/stores.js';
import { describeError } from '../lib/errors.js';

export function UserSettings() {
  const profile = useAuth((s) => s.profile);
  const [displayName, setDisplayName] = useState(profile?.display_name ?? '');
  const [bio, setBio] = useState(profile?.bio ?? '');
  const [message, setMessage] = useState<string | null>(null);

  const save = async (event: FormEvent) => {
    event.preventDefault();
    try {
      await stores.auth.getState().updateProfile({ display_name: displayName.trim() || null, bio });
      setMessage('Saved');
    } catch (e) {
      setMessage(describeError(e));
    }
  };

  return (
    <div className="user-settings">
      <form onSubmit={save}>
        <label>
          Display name
          <input maxLength={64} value={displayName} onChange={(e) => setDisplayName(e.target.value)} />
        </label>
        <label>
          About me
          <textarea maxLength={1000} value={bio} onChange={(e) => setBio(e.target.value)} />
        </label>
        <button type="submit" className="primary">
          Save
        </button>
        {message && <p role="status">{message}</p>}
      </form>
      <hr />
      <button type="button" onClick={() => void stores.auth.getState().signOut()}>
        Sign out
      </button>{' '}
      <button type="button" onClick={() => void stores.auth.getState().signOut('others')}>
        Sign out other sessions
      </button>
    </div>
  );
}
