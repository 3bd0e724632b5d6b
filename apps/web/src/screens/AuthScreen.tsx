import { type FormEvent, useState } from 'react';
import { useAuth } from '../app/stores.js';
import { SubmitRow } from '../components/settings/action.js';
import { accountApi } from '../features/account/api.js';
import { CheckInbox, type InboxPurpose } from '../features/account/CheckInbox.js';
import { EmailRequestForm } from '../features/account/EmailRequestForm.js';
import { EmailField, Field, PasswordField } from '../ui/fields.js';

const providers = (import.meta.env.VITE_ENABLED_OAUTH_PROVIDERS ?? '')
  .split(',')
  .map((p: string) => p.trim())
  .filter(Boolean);

type Mode =
  | { kind: 'signIn' }
  | { kind: 'signUp' }
  | { kind: 'forgot' }
  | { kind: 'emailSignIn' }
  | { kind: 'inbox'; email: string; purpose: InboxPurpose };

export function AuthScreen() {
  const [mode, setMode] = useState<Mode>({ kind: 'signIn' });
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [username, setUsername] = useState('');
  const [busy, setBusy] = useState(false);
  const error = useAuth((s) => s.error);
  const notice = useAuth((s) => s.notice);
  const signIn = useAuth((s) => s.signIn);
  const signUp = useAuth((s) => s.signUp);
  const withProvider = useAuth((s) => s.signInWithProvider);
  const clearError = useAuth((s) => s.clearError);
  const go = (next: Mode) => {
    clearError();
    setMode(next);
  };

  if (mode.kind === 'inbox')
    return <CheckInbox email={mode.email} purpose={mode.purpose} onBack={() => go({ kind: 'signIn' })} />;
  if (mode.kind === 'forgot')
    return (
      <EmailRequestForm
        title="Reset your password"
        hint="We will email you a link and a code to choose a new password."
        submitLabel="Send reset email"
        initialEmail={email}
        send={(address) => accountApi.sendPasswordReset(address)}
        onSent={(address) => go({ kind: 'inbox', email: address, purpose: 'recovery' })}
        onBack={() => go({ kind: 'signIn' })}
      />
    );
  if (mode.kind === 'emailSignIn')
    return (
      <EmailRequestForm
        title="Sign in with email"
        hint="We will email you a sign-in link and a 6-digit code."
        submitLabel="Email me a link"
        initialEmail={email}
        send={(address) => accountApi.sendSignInEmail(address)}
        onSent={(address) => go({ kind: 'inbox', email: address, purpose: 'signIn' })}
        onBack={() => go({ kind: 'signIn' })}
      />
    );

  const signingIn = mode.kind === 'signIn';
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    try {
      if (signingIn) await signIn(email, password);
      else if ((await signUp({ email, password, username: username.trim().toLowerCase() })) === 'confirm')
        setMode({ kind: 'inbox', email, purpose: 'signUp' });
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="centered-card auth">
      <h1>{signingIn ? 'Welcome back' : 'Create an account'}</h1>
      {notice && (
        <p role="status" className="form-notice">
          {notice}
        </p>
      )}
      <form onSubmit={submit} aria-label={signingIn ? 'Sign in' : 'Sign up'}>
        <EmailField value={email} onChange={setEmail} />
        {!signingIn && (
          <Field
            label="Username"
            required
            minLength={2}
            maxLength={32}
            pattern="[A-Za-z0-9_.]{2,32}"
            title="2 to 32 letters, digits, _ or ."
            autoComplete="username"
            value={username}
            onChange={setUsername}
          />
        )}
        {/* Signing in checks the same 6-character minimum sign-up asks for. */}
        <PasswordField isNew={!signingIn} minLength={6} value={password} onChange={setPassword} />
        <SubmitRow label={signingIn ? 'Sign in' : 'Sign up'} disabled={busy} error={error} />
      </form>
      {signingIn && (
        <div className="auth-alternatives">
          <button type="button" className="link" onClick={() => go({ kind: 'forgot' })}>
            Forgot password?
          </button>
          <button type="button" className="link" onClick={() => go({ kind: 'emailSignIn' })}>
            Sign in with an email link or code
          </button>
        </div>
      )}
      {providers.length > 0 && (
        <div className="oauth">
          {providers.map((p: string) => (
            <button type="button" key={p} onClick={() => void withProvider(p)}>
              Continue with {p}
            </button>
          ))}
        </div>
      )}
      <button
        type="button"
        className="link"
        onClick={() => go(signingIn ? { kind: 'signUp' } : { kind: 'signIn' })}
      >
        {signingIn ? 'Need an account? Sign up' : 'Already have an account? Sign in'}
      </button>
    </main>
  );
}
