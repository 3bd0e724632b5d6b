import { type FormEvent, useState } from 'react';
import { useAuth } from '../app/stores.js';
import { SubmitRow } from '../components/settings/action.js';
import { CodeField } from '../ui/fields.js';

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
        <CodeField label="Code" pattern="[0-9 ]{6,7}" value={code} onChange={setCode} />
        <SubmitRow label="Verify" error={error} />
      </form>
      <button type="button" className="link" onClick={() => void signOut()}>
        Use another account
      </button>
    </main>
  );
}
