import { useState } from 'react';
import { stores } from '../../app/stores.js';
import { SubmitRow, useFormSubmit } from '../../components/settings/action.js';
import { PasswordField } from '../../ui/fields.js';
import { accountApi } from './api.js';
import './account.css';

/** Where a password-recovery link (or code) lands: signed in, asked for a new password first. */
export function SetNewPasswordScreen() {
  const [password, setPassword] = useState('');
  const { submit, busy, error } = useFormSubmit(async () => {
    await accountApi.setPassword(password);
    stores.auth.getState().finishRecovery();
    stores.ui.getState().toast('Your password is changed.', 'info');
  });
  return (
    <main className="centered-card auth">
      <h1>Choose a new password</h1>
      <form onSubmit={submit} aria-label="Choose a new password">
        <PasswordField label="New password" isNew value={password} onChange={setPassword} />
        <SubmitRow label="Save password" disabled={busy} error={error} />
      </form>
      <button type="button" className="link" onClick={() => stores.auth.getState().finishRecovery()}>
        Not now
      </button>
    </main>
  );
}
