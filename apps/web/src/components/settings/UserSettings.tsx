import { type FormEvent, useId, useState } from 'react';
import { client, stores, useAccount, useAuth } from '../../app/stores.js';
import { DeleteAccountSection, ExportSection } from '../../features/account/AccountDataSections.js';
import { AccountSection } from '../../features/account/AccountSection.js';
import { ApplicationsSection } from '../../features/bots/ApplicationsSection.js';
import { LinkPreviewsSection } from '../../features/embeds/LinkPreviewsSection.js';
import { FederationAdminSection } from '../../features/federation/FederationAdminSection.js';
import { NotificationsSection } from '../../features/notifications/NotificationsSection.js';
import { PRESENCE_OPTIONS, type PresenceChoice } from '../../stores/account.js';
import { Avatar } from '../../ui/Avatar.js';
import { ActionMessage, useAction } from './action.js';
import { ImagePickButton } from './FileButton.js';
import { MfaSection } from './MfaSection.js';

export function UserSettings() {
  return (
    <div className="user-settings settings">
      <ProfileSection />
      <PresenceSection />
      <NotificationsSection />
      <LinkPreviewsSection />
      <ApplicationsSection />
      <AccountSection />
      <MfaSection />
      <SessionsSection />
      <ExportSection />
      <DeleteAccountSection />
      <FederationAdminSection />
      <AboutSection />
    </div>
  );
}

/** Credits the licences ask for: Twemoji's graphics are CC-BY 4.0, which requires attribution. */
function AboutSection() {
  const headingId = useId();
  return (
    <section aria-labelledby={headingId} className="settings-section">
      <h3 id={headingId}>About Harmony</h3>
      <p className="hint">
        Harmony is free software under the{' '}
        <a href="https://www.gnu.org/licenses/agpl-3.0.html" target="_blank" rel="noreferrer">
          GNU AGPL 3.0
        </a>
        . Emoji graphics:{' '}
        <a href="https://github.com/jdecked/twemoji" target="_blank" rel="noreferrer">
          Twemoji
        </a>{' '}
        by Twitter, Inc. and other contributors, licensed under{' '}
        <a href="https://creativecommons.org/licenses/by/4.0/" target="_blank" rel="noreferrer">
          CC-BY 4.0
        </a>
        . Emoji names and shortcodes:{' '}
        <a href="https://emojibase.dev" target="_blank" rel="noreferrer">
          Emojibase
        </a>{' '}
        (MIT). Icons:{' '}
        <a href="https://lucide.dev" target="_blank" rel="noreferrer">
          Lucide
        </a>{' '}
        (ISC).
      </p>
    </section>
  );
}

function ProfileSection() {
  const profile = useAuth((s) => s.profile);
  const [displayName, setDisplayName] = useState(profile?.display_name ?? '');
  const [bio, setBio] = useState(profile?.bio ?? '');
  const save = useAction();
  const avatar = useAction();
  const headingId = useId();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void save.run(
      () => stores.auth.getState().updateProfile({ display_name: displayName.trim() || null, bio }),
      'Saved',
    );
  };

  const name = profile?.display_name ?? profile?.username ?? '';
  return (
    <section aria-labelledby={headingId} className="settings-section">
      <h3 id={headingId}>Profile</h3>
      <div className="icon-row">
        <div className="avatar-preview" aria-hidden="true">
          {profile && <Avatar id={profile.id} name={name} url={profile.avatar_url} size={80} />}
        </div>
        <div>
          <ImagePickButton
            label="Change avatar"
            disabled={avatar.busy}
            onPick={(file) =>
              void avatar.run(() => stores.account.getState().uploadAvatar(file), 'Avatar updated')
            }
          />
          <p className="hint">PNG, JPEG, GIF or WebP, up to 5 MB.</p>
          <ActionMessage error={avatar.error} notice={avatar.notice} />
        </div>
      </div>
      <form onSubmit={submit}>
        <label>
          Display name
          <input maxLength={64} value={displayName} onChange={(e) => setDisplayName(e.target.value)} />
        </label>
        <label>
          About me
          <textarea maxLength={1000} value={bio} onChange={(e) => setBio(e.target.value)} />
        </label>
        <ActionMessage error={save.error} notice={save.notice} />
        <button type="submit" className="primary" disabled={save.busy}>
          Save
        </button>
      </form>
    </section>
  );
}

function PresenceSection() {
  const presence = useAccount((s) => s.presence);
  const action = useAction();
  const name = useId();
  const choose = (status: PresenceChoice) =>
    void action.run(() => stores.account.getState().setPresence(status));
  return (
    <section className="settings-section">
      <fieldset className="presence-choice">
        <legend>Status</legend>
        {PRESENCE_OPTIONS.map((o) => (
          <label key={o.value} className="toggle">
            <input
              type="radio"
              name={name}
              value={o.value}
              checked={presence === o.value}
              disabled={action.busy}
              onChange={() => choose(o.value)}
            />
            <span className={`status-dot ${o.value}`} aria-hidden="true" />
            <span>
              {o.label} <small className="hint">— {o.hint}</small>
            </span>
          </label>
        ))}
      </fieldset>
      <ActionMessage error={action.error} />
    </section>
  );
}

function SessionsSection() {
  const headingId = useId();
  const action = useAction();
  const signOut = (scope: 'local' | 'others' | 'global', confirm?: string) => {
    if (confirm && !window.confirm(confirm)) return;
    void action.run(
      async () => {
        // 'others' keeps this session: the auth store's signOut would show the sign-in screen.
        if (scope !== 'others') return stores.auth.getState().signOut(scope);
        const { error } = await client.auth.signOut({ scope: 'others' });
        if (error) throw error;
      },
      scope === 'others' ? 'Your other sessions are signed out.' : undefined,
    );
  };
  return (
    <section aria-labelledby={headingId} className="settings-section">
      <h3 id={headingId}>Sessions</h3>
      <div className="form-actions">
        <button type="button" onClick={() => signOut('local')} disabled={action.busy}>
          Sign out
        </button>
        <button type="button" onClick={() => signOut('others')} disabled={action.busy}>
          Sign out other sessions
        </button>
        <button
          type="button"
          className="danger"
          disabled={action.busy}
          onClick={() => signOut('global', 'Sign out everywhere, including this device?')}
        >
          Sign out everywhere
        </button>
      </div>
      <ActionMessage error={action.error} notice={action.notice} />
    </section>
  );
}
