import type { EmailOtpType } from '@supabase/supabase-js';
import { type FormEvent, useState } from 'react';
import { stores } from '../../app/stores.js';
import { describeError } from '../../lib/errors.js';
import { accountApi } from './api.js';
import './account.css';

export type InboxPurpose = 'signUp' | 'recovery' | 'signIn';

const TEXT: Record<InboxPurpose, { lead: string; type: EmailOtpType }> = {
  signUp: { lead: 'To finish creating your account, open the link we sent to', type: 'email' },
  recovery: { lead: 'To choose a new password, open the link we sent to', type: 'recovery' },
  signIn: { lead: 'To sign in, open the link we sent to', type: 'email' },
};

/** "Check your inbox": the mail's link lands back here signed in; its code works in this tab. */
export function CheckInbox({
  email,
  purpose,
  onBack,
}: {
  email: string;
  purpose: InboxPurpose;
  onBack(): void;
}) {
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      await action();
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  };
  const verify = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      await accountApi.verifyCode(email, code, TEXT[purpose].type);
      if (purpose === 'recovery') stores.auth.setState({ recovering: true });
      await stores.auth.getState().refresh();
    });
  };
  const resend = () =>
    void run(async () => {
      if (purpose === 'signUp') await accountApi.resendConfirmation(email);
      else if (purpose === 'recovery') await accountApi.sendPasswordReset(email);
      else await accountApi.sendSignInEmail(email);
      setNotice('We sent a new email.');
    });
  return (
    <main className="centered-card auth">
      <h1>Check your inbox</h1>
      <p>
        {TEXT[purpose].lead} <strong>{email}</strong>, or enter the 6-digit code from the email.
      </p>
      <form onSubmit={verify} aria-label="Confirm with a code">
        <label>
          Code from the email
          <input
            inputMode="numeric"
            autoComplete="one-time-code"
            pattern="[0-9 \-]{6,12}"
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
        {notice && (
          <p role="status" className="form-notice">
            {notice}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          Continue
        </button>
      </form>
      <div className="auth-alternatives">
        <button type="button" className="link" disabled={busy} onClick={resend}>
          Send the email again
        </button>
        <button type="button" className="link" onClick={onBack}>
          Back to sign in
        </button>
      </div>
    </main>
  );
}
