import { type FormEvent, useState } from 'react';
import { describeError } from '../../lib/errors.js';
import './account.css';

/** One address in, one mail out: password reset and sign-in by email. */
export function EmailRequestForm(props: {
  title: string;
  hint: string;
  submitLabel: string;
  initialEmail: string;
  send(email: string): Promise<void>;
  onSent(email: string): void;
  onBack(): void;
}) {
  const [email, setEmail] = useState(props.initialEmail);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await props.send(email.trim());
      props.onSent(email.trim());
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main className="centered-card auth">
      <h1>{props.title}</h1>
      <p className="hint">{props.hint}</p>
      <form onSubmit={submit} aria-label={props.title}>
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
        {error && (
          <p role="alert" className="form-error">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {props.submitLabel}
        </button>
      </form>
      <button type="button" className="link" onClick={props.onBack}>
        Back to sign in
      </button>
    </main>
  );
}
