import { type FormEvent, useEffect, useId, useState } from 'react';
import { useAuth } from '../../app/stores.js';
import { ActionMessage, useAction } from '../../components/settings/action.js';
import { CodeField, EmailField, PasswordField } from '../../ui/fields.js';
import { accountApi } from './api.js';
import { CodeInsteadButton } from './CodeInsteadButton.js';
import './account.css';

/** Sign-in details: the email address (changed by confirming from both inboxes) and the password. */
export function AccountSection() {
  const headingId = useId();
  return (
    <section aria-labelledby={headingId} className="settings-section account-section">
      <h3 id={headingId}>Email and password</h3>
      <EmailForm />
      <PasswordForm />
    </section>
  );
}

function EmailForm() {
  const email = useAuth((s) => s.session?.user.email ?? '');
  const [pending, setPending] = useState<string | null>(null);
  const [next, setNext] = useState('');
  const action = useAction();

  useEffect(() => {
    accountApi.pendingEmail().then(setPending, () => undefined);
  }, []);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void action
      .run(async () => setPending((await accountApi.changeEmail(next.trim())) ?? next.trim()))
      .then((ok) => ok && setNext(''));
  };
  return (
    <form onSubmit={submit} aria-label="Change email">
      <p>
        Email: <strong>{email}</strong>
      </p>
      {pending && (
        <p className="account-pending" role="status">
          Waiting to change to <strong>{pending}</strong>: open the links we sent to both addresses.
        </p>
      )}
      <EmailField label="New email" value={next} onChange={setNext} />
      <ActionMessage error={action.error} />
      <button type="submit" disabled={action.busy}>
        Change email
      </button>
    </form>
  );
}

function PasswordForm() {
  const email = useAuth((s) => s.session?.user.email ?? '');
  // 'code': proving it is them with the code mailed by reauthentication instead of the password.
  const [proof, setProof] = useState<'password' | 'code'>('password');
  const [current, setCurrent] = useState('');
  const [code, setCode] = useState('');
  const [next, setNext] = useState('');
  const action = useAction();

  const askForCode = async () => {
    await accountApi.sendReauthenticationCode();
    setProof('code');
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    let needsCode = false;
    void action
      .run(async () => {
        if (proof === 'password' && !(await accountApi.checkPassword(email, current)))
          throw new Error('Your current password is not correct.');
        try {
          await accountApi.setPassword(next, proof === 'code' ? code.trim() : undefined);
        } catch (error) {
          // An old session must prove itself with a mailed code (secure password change).
          if ((error as { code?: string }).code !== 'reauthentication_needed' || proof === 'code')
            throw error;
          await askForCode();
          needsCode = true;
        }
      })
      .then((ok) => {
        if (!ok) return;
        if (needsCode) {
          action.setError(`For your security, enter the code we just emailed to ${email}.`);
          return;
        }
        action.setNotice('Your password is changed.');
        setCurrent('');
        setCode('');
        setNext('');
        setProof('password');
      });
  };
  return (
    <form onSubmit={submit} aria-label="Change password">
      {proof === 'password' ? (
        <PasswordField label="Current password" value={current} onChange={setCurrent} />
      ) : (
        <CodeField value={code} onChange={setCode} />
      )}
      <PasswordField label="New password" isNew value={next} onChange={setNext} />
      <ActionMessage error={action.error} notice={action.notice} />
      <div className="form-actions">
        <button type="submit" className="primary" disabled={action.busy}>
          Change password
        </button>
        {proof === 'password' && (
          <CodeInsteadButton action={action} email={email} onSent={() => setProof('code')} />
        )}
      </div>
    </form>
  );
}
