import { useState } from 'react';
import { SubmitRow, useFormSubmit } from '../../components/settings/action.js';
import { EmailField } from '../../ui/fields.js';
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
  const { submit, busy, error } = useFormSubmit(async () => {
    await props.send(email.trim());
    props.onSent(email.trim());
  });
  return (
    <main className="centered-card auth">
      <h1>{props.title}</h1>
      <p className="hint">{props.hint}</p>
      <form onSubmit={submit} aria-label={props.title}>
        <EmailField value={email} onChange={setEmail} />
        <SubmitRow label={props.submitLabel} disabled={busy} error={error} />
      </form>
      <button type="button" className="link" onClick={props.onBack}>
        Back to sign in
      </button>
    </main>
  );
}
