import { type FormEvent, useState } from 'react';
import { useAuth } from '../app/stores.js';

export function MfaScreen() {
  const [code, setCode] = useState('');
  const error = useAuth((s) => s.error);
  const verify = useAuth((s) => s.verifyMfa);
  const signOut = useAuth((s) => s.signOut);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void verify(code.replace(/\s/g, ''));
  };

  return (
    <main className="centered-card auth">
      <h1>Two-factor authentication</h1>
      <p>Enter the 6-digit code from your authenticator app.</p>
      <form onSubmit={submit} aria-label="Verify code">
        <label>
          Code
          <input
            inputMode="numeric"
            autoComplete="one-time-code"
            pattern="[0-9 ]{6,7}"
            required
            value={code}
            onChange={(e) => setCode(e.target.value)}
          />
        </label>
        {error && (
          <p role="alert" className="form-error">
            {error}
          </p>
        )}
        <button type="submit" className="primary">
          Verify
        </button>
      </form>
      <button type="button" className="link" onClick={() => void signOut()}>
        Use another account
      </button>
    </main>
  );
}
