import { type FormEvent, useState } from 'react';
import { useAuth } from '../app/stores.js';

const providers = (import.meta.env.VITE_ENABLED_OAUTH_PROVIDERS ?? '')
  .split(',')
  .map((p: string) => p.trim())
  .filter(Boolean);

export function AuthScreen() {
  const [mode, setMode] = useState<'signIn' | 'signUp'>('signIn');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [username, setUsername] = useState('');
  const [busy, setBusy] = useState(false);
  const error = useAuth((s) => s.error);
  const signIn = useAuth((s) => s.signIn);
  const signUp = useAuth((s) => s.signUp);
  const withProvider = useAuth((s) => s.signInWithProvider);
  const clearError = useAuth((s) => s.clearError);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    try {
      if (mode === 'signIn') await signIn(email, password);
      else await signUp({ email, password, username: username.trim().toLowerCase() });
    } finally {
      setBusy(false);
    }
  };

  const switchMode = () => {
    clearError();
    setMode(mode === 'signIn' ? 'signUp' : 'signIn');
  };

  return (
    <main className="centered-card auth">
      <h1>{mode === 'signIn' ? 'Welcome back' : 'Create an account'}</h1>
      <form onSubmit={submit} aria-label={mode === 'signIn' ? 'Sign in' : 'Sign up'}>
        <label>
          Email
          <input
            type="email"
            autoComplete="email"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </label>
        {mode === 'signUp' && (
          <label>
            Username
            <input
              required
              minLength={2}
              maxLength={32}
              pattern="[A-Za-z0-9_.]{2,32}"
              title="2 to 32 letters, digits, _ or ."
              autoComplete="username"
              value={username}
              onChange={(e) => setUsername(e.target.value)}
            />
          </label>
        )}
        <label>
          Password
          <input
            type="password"
            required
            minLength={6}
            autoComplete={mode === 'signIn' ? 'current-password' : 'new-password'}
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
          {mode === 'signIn' ? 'Sign in' : 'Sign up'}
        </button>
      </form>
      {providers.length > 0 && (
        <div className="oauth">
          {providers.map((p: string) => (
            <button type="button" key={p} onClick={() => void withProvider(p)}>
              Continue with {p}
            </button>
          ))}
        </div>
      )}
      <button type="button" className="link" onClick={switchMode}>
        {mode === 'signIn' ? 'Need an account? Sign up' : 'Already have an account? Sign in'}
      </button>
    </main>
  );
}
