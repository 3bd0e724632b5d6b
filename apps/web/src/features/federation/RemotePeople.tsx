import { MessageCircle, UserMinus, UserPlus } from 'lucide-react';
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { stores, useProfiles } from '../../app/stores.js';
import { ActionMessage, useAction } from '../../components/settings/action.js';
import { go } from '../../lib/route.js';
import {
  followRemote,
  lookupRemoteUser,
  myRemoteFollows,
  openRemoteDm,
  type RemoteFollow,
  unfollowRemote,
} from './federation-api.js';
import { useRemoteFollowChanges } from './remote-follow-signal.js';
import './federation.css';

/**
 * People on other Harmony (or ActivityPub) instances: find `@name@host`, follow, message.
 * A DM opens once either of the two follows the other.
 */
export function RemotePeople({ me }: { me: string }) {
  const [handle, setHandle] = useState('');
  const [found, setFound] = useState<string | null>(null);
  const [follows, setFollows] = useState<RemoteFollow[]>([]);
  const action = useAction();
  const followChanges = useRemoteFollowChanges();

  const refresh = useCallback(async () => {
    const rows = await myRemoteFollows();
    setFollows(rows);
    await stores.profiles.getState().ensure(rows.flatMap((f) => [f.follower_id, f.followee_id]));
  }, []);
  // Again whenever a follow changes, live: someone on another instance followed, or the other
  // instance answered a follow in the background.
  // biome-ignore lint/correctness/useExhaustiveDependencies: followChanges is the trigger.
  useEffect(() => {
    void refresh().catch(() => undefined);
  }, [refresh, followChanges]);
  const find = (event: FormEvent) => {
    event.preventDefault();
    const wanted = handle.trim();
    if (!wanted) return;
    setFound(null);
    void action.run(async () => {
      const profileId = await lookupRemoteUser(wanted);
      await stores.profiles.getState().ensure([profileId]);
      setFound(profileId);
    });
  };

  const people = [
    ...new Set([
      ...(found ? [found] : []),
      ...follows.map((f) => (f.follower_id === me ? f.followee_id : f.follower_id)),
    ]),
  ];

  return (
    <section className="remote-people" aria-labelledby="remote-people-title">
      <h3 id="remote-people-title">People on other instances</h3>
      <form onSubmit={find} className="remote-people-form">
        <label htmlFor="remote-handle">Username and instance</label>
        <div className="remote-people-row">
          <input
            id="remote-handle"
            placeholder="@name@instance.example"
            value={handle}
            autoComplete="off"
            spellCheck={false}
            onChange={(event) => setHandle(event.target.value)}
          />
          <button type="submit" className="primary" disabled={action.busy || !handle.trim()}>
            {action.busy ? 'Finding…' : 'Find'}
          </button>
        </div>
      </form>
      <ActionMessage error={action.error} />
      <ul className="remote-people-list">
        {people.map((profileId) => (
          <RemotePerson
            key={profileId}
            me={me}
            profileId={profileId}
            follows={follows}
            onChange={() => void refresh()}
          />
        ))}
      </ul>
    </section>
  );
}

function RemotePerson(props: { me: string; profileId: string; follows: RemoteFollow[]; onChange(): void }) {
  const { me, profileId, follows, onChange } = props;
  const profile = useProfiles((s) => s.byId[profileId]);
  const action = useAction();
  const mine = follows.find((f) => f.follower_id === me && f.followee_id === profileId);
  const theirs = follows.find((f) => f.follower_id === profileId && f.followee_id === me);
  const canMessage = mine?.state === 'accepted' || theirs?.state === 'accepted';
  const handle = profile ? `@${profile.username}@${profile.domain ?? ''}` : '';
  const name = profile?.display_name || profile?.username || 'Someone';
  const status = !mine
    ? theirs?.state === 'accepted'
      ? 'Follows you'
      : ''
    : mine.state === 'accepted'
      ? 'Following'
      : mine.state === 'pending'
        ? 'Follow requested'
        : 'Follow declined';

  return (
    <li className="remote-person">
      <div className="remote-person-name">
        <strong>{name}</strong>
        <span className="hint">{handle}</span>
        {status && <span className="remote-person-status">{status}</span>}
      </div>
      <div className="remote-person-actions">
        {mine && mine.state !== 'rejected' ? (
          <button
            type="button"
            disabled={action.busy}
            onClick={() => void action.run(() => unfollowRemote(profileId).then(onChange))}
          >
            <UserMinus aria-hidden size={16} /> Unfollow
          </button>
        ) : (
          <button
            type="button"
            className="primary"
            disabled={action.busy}
            onClick={() => void action.run(() => followRemote(profileId).then(onChange))}
          >
            <UserPlus aria-hidden size={16} /> Follow
          </button>
        )}
        <button
          type="button"
          disabled={action.busy || !canMessage}
          title={canMessage ? undefined : 'A message can be sent once one of you follows the other'}
          onClick={() =>
            void action.run(async () => {
              const channelId = await openRemoteDm(profileId);
              await stores.social.getState().loadDms();
              go({ kind: 'dm', channelId });
            })
          }
        >
          <MessageCircle aria-hidden size={16} /> Message
        </button>
      </div>
      <ActionMessage error={action.error} />
    </li>
  );
}

export default RemotePeople;
