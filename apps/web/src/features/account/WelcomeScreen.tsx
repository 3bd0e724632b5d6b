import { useState } from 'react';
import { stores, useAuth } from '../../app/stores.js';
import { SubmitRow, useFormSubmit } from '../../components/settings/action.js';
import { Field, PasswordField } from '../../ui/fields.js';
import { accountApi } from './api.js';
import './account.css';

/**
 * Where an invite link lands: the invited account has no password of its own and a username
 * made from its email address, so both are chosen here before entering.
 */
export function WelcomeScreen() {
  const current = useAuth((s) => s.profile?.username ?? '');
  const [username, setUsername] = useState(current);
  const [password, setPassword] = useState('');
  const { submit, busy, error } = useFormSubmit(async () => {
    const chosen = username.trim().toLowerCase();
    if (chosen !== current) await stores.auth.getState().updateProfile({ username: chosen });
    await accountApi.setPassword(password);
    stores.auth.getState().finishWelcome();
    stores.ui.getState().toast('Welcome to Harmony!', 'info');
  });
  return (
    <main className="centered-card auth">
      <h1>Welcome to Harmony</h1>
      <p>You were invited. Choose how others see you and a password to sign in with next time.</p>
      <form onSubmit={submit} aria-label="Set up your account">
        <Field
          label="Username"
          value={username}
          onChange={setUsername}
          required
          autoComplete="username"
          pattern="[A-Za-z0-9_.]{2,32}"
          title="2 to 32 letters, digits, _ and ."
        />
        <PasswordField label="Password" isNew value={password} onChange={setPassword} />
        <SubmitRow label="Save and continue" disabled={busy} error={error} />
      </form>
    </main>
  );
}
