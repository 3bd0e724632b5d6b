import { type FormEvent, useEffect, useId, useState } from 'react';
import { client, stores, useAuth } from '../../app/stores.js';
import { ActionMessage, useAction } from '../../components/settings/action.js';
import { CodeField, PasswordField } from '../../ui/fields.js';
import { attachmentPaths, downloadJson, removeAccountFiles, withDownloadUrls } from './account-files.js';
import { accountApi } from './api.js';
import { CodeInsteadButton } from './CodeInsteadButton.js';
import './account.css';

/** "Download my data": a JSON of everything the account owns, attachments with download links. */
export function ExportSection() {
  const headingId = useId();
  const username = useAuth((s) => s.profile?.username ?? 'account');
  const action = useAction();
  const download = () =>
    void action.run(async () => {
      const data = await withDownloadUrls(client, await accountApi.exportData());
      downloadJson(`harmony-${username}-${new Date().toISOString().slice(0, 10)}.json`, data);
    }, 'Your data is downloaded.');
  return (
    <section aria-labelledby={headingId} className="settings-section">
      <h3 id={headingId}>Your data</h3>
      <p className="hint">
        A JSON file with your profile, settings, servers, messages, reactions, direct messages, friends and
        blocks, and links to your attachments (valid for 7 days).
      </p>
      <button type="button" disabled={action.busy} onClick={download}>
        Download my data
      </button>
      <ActionMessage error={action.error} notice={action.notice} />
    </section>
  );
}

/**
 * Deleting the account: refused while it owns servers; the password (or a mailed code) again;
 * messages stay as "Deleted user" unless deleted too (their files with them).
 */
export function DeleteAccountSection() {
  const headingId = useId();
  const profileId = useAuth((s) => s.profile?.id);
  const email = useAuth((s) => s.session?.user.email ?? '');
  const userId = useAuth((s) => s.session?.user.id ?? '');
  const [owned, setOwned] = useState<string[] | null>(null);
  const [proof, setProof] = useState<'password' | 'code'>('password');
  const [secret, setSecret] = useState('');
  const [deleteMessages, setDeleteMessages] = useState(false);
  const action = useAction();

  useEffect(() => {
    if (!profileId) return;
    void client
      .from('servers')
      .select('name')
      .eq('owner_id', profileId)
      .order('name')
      .then(({ data }) => setOwned((data ?? []).map((s) => s.name)));
  }, [profileId]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!window.confirm('Delete your account for good? This cannot be undone.')) return;
    void action.run(async () => {
      if (proof === 'password' && !(await accountApi.checkPassword(email, secret)))
        throw new Error('The password is not correct.');
      // Storage keeps files until they are removed through its API: do it while signed in.
      const paths = deleteMessages ? attachmentPaths(await accountApi.exportData()) : [];
      await removeAccountFiles(client, userId, paths);
      await accountApi.deleteAccount({
        password: proof === 'password' ? secret : undefined,
        code: proof === 'code' ? secret : undefined,
        deleteMessages,
      });
      // The auth user is gone; forget this device's session.
      await client.auth.signOut({ scope: 'local' }).catch(() => undefined);
      stores.auth.setState({
        status: 'signedOut',
        session: null,
        profile: null,
        notice: 'Your account is deleted.',
      });
    });
  };

  const blocked = owned !== null && owned.length > 0;
  return (
    <section aria-labelledby={headingId} className="settings-section danger-zone">
      <h3 id={headingId}>Delete account</h3>
      <p className="hint">
        Your profile becomes “Deleted user”. People keep reading the messages you wrote, shown as written by
        “Deleted user”, unless you delete them too. Direct messages stay for the other person.
      </p>
      {blocked ? (
        <div role="status">
          <p>Before deleting your account, transfer or delete the servers you own:</p>
          <ul className="owned-servers">
            {owned.map((name) => (
              <li key={name}>{name}</li>
            ))}
          </ul>
        </div>
      ) : (
        <form onSubmit={submit} aria-label="Delete account">
          {proof === 'password' ? (
            <PasswordField value={secret} onChange={setSecret} />
          ) : (
            <CodeField value={secret} onChange={setSecret} />
          )}
          <label className="account-checkbox">
            <input
              type="checkbox"
              checked={deleteMessages}
              onChange={(e) => setDeleteMessages(e.target.checked)}
            />
            Delete my messages and their files too
          </label>
          <ActionMessage error={action.error} notice={action.notice} />
          <div className="form-actions">
            <button type="submit" className="danger" disabled={action.busy || owned === null}>
              Delete account
            </button>
            {proof === 'password' && (
              <CodeInsteadButton
                action={action}
                email={email}
                onSent={() => {
                  setSecret('');
                  setProof('code');
                }}
              />
            )}
          </div>
        </form>
      )}
    </section>
  );
}
