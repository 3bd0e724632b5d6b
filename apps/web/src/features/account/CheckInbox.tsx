import type { EmailOtpType } from '@supabase/supabase-js';
import { type FormEvent, useState } from 'react';
import { stores } from '../../app/stores.js';
import { SubmitRow, useAction } from '../../components/settings/action.js';
import { CodeField } from '../../ui/fields.js';
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
  const { run, busy, error, notice } = useAction();
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
    }, 'We sent a new email.');
  return (
    <main className="centered-card auth">
      <h1>Check your inbox</h1>
      <p>
        {TEXT[purpose].lead} <strong>{email}</strong>, or enter the 6-digit code from the email.
      </p>
      <form onSubmit={verify} aria-label="Confirm with a code">
        <CodeField pattern="[0-9 \-]{6,12}" value={code} onChange={setCode} />
        <SubmitRow label="Continue" disabled={busy} error={error} notice={notice} />
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
