import { type FormEvent, useState } from 'react';
import { stores, useProfiles, useSocial } from '../../app/stores.js';
import { go } from '../../lib/route.js';
import { friendsForTab, profileName } from '../../stores/social.js';
import { ActionMessage, useAction } from '../settings/action.js';

const MAX_OTHERS = 9;

/** Picks 1 to 9 friends (and an optional name) for a new group DM. */
export function CreateGroupDm() {
  const friends = useSocial((s) => s.friends);
  const profiles = useProfiles((s) => s.byId);
  const [chosen, setChosen] = useState<string[]>([]);
  const [name, setName] = useState('');
  const [filter, setFilter] = useState('');
  const action = useAction();
  const q = filter.trim().toLowerCase();
  const shown = friendsForTab('all', friends, profiles).filter(
    (id) =>
      !q ||
      (profileName(profiles[id]) ?? '').toLowerCase().includes(q) ||
      (profiles[id]?.username ?? '').includes(q),
  );

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void action.run(async () => {
      const channelId = await stores.social.getState().createGroupDm(chosen, name);
      stores.ui.getState().openModal(null);
      go({ kind: 'dm', channelId });
    });
  };

  if (friends.length === 0) return <p>Add friends first: group DMs are for friends.</p>;
  return (
    <form onSubmit={submit} className="group-dm-form">
      <label>
        Group name (optional)
        <input maxLength={100} value={name} onChange={(e) => setName(e.target.value)} />
      </label>
      <label>
        Find friends
        <input type="search" value={filter} onChange={(e) => setFilter(e.target.value)} />
      </label>
      <fieldset className="friend-picker">
        <legend>
          Members ({chosen.length}/{MAX_OTHERS})
        </legend>
        {shown.map((id) => {
          const checked = chosen.includes(id);
          return (
            <label key={id} className="toggle">
              <input
                type="checkbox"
                checked={checked}
                disabled={!checked && chosen.length >= MAX_OTHERS}
                onChange={(e) =>
                  setChosen((c) => (e.target.checked ? [...c, id] : c.filter((x) => x !== id)))
                }
              />
              <span>
                {profileName(profiles[id]) ?? '…'} <small>@{profiles[id]?.username}</small>
              </span>
            </label>
          );
        })}
      </fieldset>
      <ActionMessage error={action.error} />
      <button type="submit" className="primary" disabled={action.busy || chosen.length === 0}>
        Create group DM
      </button>
    </form>
  );
}
