import { type FormEvent, useState } from 'react';
import { stores } from '../../app/stores.js';
import { describeError } from '../../lib/errors.js';
import { accountApi } from './api.js';
import './account.css';

/** Where a password-recovery link (or code) lands: signed in, asked for a new password first. */
export function SetNewPasswordScreen() {
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await accountApi.setPassword(password);
      stores.auth.getState().finishRecovery();
      stores.ui.getState().toast('Your password is changed.', 'info');
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main className="centered-card auth">
      <h1>Choose a new password</h1>
      <form onSubmit={submit} aria-label="Choose a new password">
        <label>
          New password
          <input
            type="password"
            required
            minLength={6}
            autoComplete="new-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        {error && (
          <p role="alert" className="form-error">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          Save password
        </button>
      </form>
      <button type="button" className="link" onClick={() => stores.auth.getState().finishRecovery()}>
        Not now
      </button>
    </main>
  );
}
