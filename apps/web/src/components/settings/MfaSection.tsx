import { type FormEvent, useEffect, useId, useState } from 'react';
import { stores, useAccount } from '../../app/stores.js';
import { ActionMessage, useAction } from './action.js';

/** Two-factor authentication with an authenticator app (TOTP). */
export function MfaSection() {
  const factors = useAccount((s) => s.factors);
  const enrollment = useAccount((s) => s.enrollment);
  const action = useAction();
  const [code, setCode] = useState('');
  const headingId = useId();
  const verified = factors.filter((f) => f.status === 'verified');
  const account = stores.account.getState();

  useEffect(() => {
    void action.run(() => stores.account.getState().loadFactors());
  }, [action.run]);

  const verify = (event: FormEvent) => {
    event.preventDefault();
    void action
      .run(
        () => account.verifyEnrollment(code),
        verified.length ? 'Backup authenticator app added.' : 'Two-factor authentication is on.',
      )
      .then((ok) => ok && setCode(''));
  };

  return (
    <section aria-labelledby={headingId} className="settings-section mfa">
      <h3 id={headingId}>Two-factor authentication</h3>
      {verified.length > 0 ? (
        <ul className="settings-list">
          {verified.map((f) => (
            <li key={f.id}>
              <div className="settings-item-text">
                <strong>{f.friendlyName || 'Authenticator app'}</strong>
                <small>Added {new Date(f.createdAt).toLocaleDateString()}</small>
              </div>
              <button
                type="button"
                className="danger"
                disabled={action.busy}
                onClick={() => {
                  const last = verified.length === 1;
                  const question = last
                    ? 'Turn off two-factor authentication for this account?'
                    : `Remove ${f.friendlyName || 'this authenticator app'}?`;
                  if (window.confirm(question))
                    void action.run(
                      () => account.unenroll(f.id),
                      last ? 'Two-factor authentication is off.' : 'Authenticator app removed.',
                    );
                }}
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      {verified.length > 0 && !enrollment && (
        <>
          <p className="hint">A backup app (on another device) signs you in if you lose the first one.</p>
          <button
            type="button"
            disabled={action.busy}
            onClick={() => void action.run(() => account.startEnrollment())}
          >
            Add a backup authenticator app
          </button>
        </>
      )}
      {verified.length === 0 && !enrollment && (
        <>
          <p className="hint">Ask for a code from an authenticator app each time you sign in.</p>
          <button
            type="button"
            disabled={action.busy}
            onClick={() => void action.run(() => account.startEnrollment())}
          >
            Set up authenticator app
          </button>
        </>
      )}
      {enrollment && (
        <form onSubmit={verify} className="mfa-enroll" aria-label="Set up authenticator app">
          <p>Scan this QR code with your authenticator app, or enter the secret by hand.</p>
          {enrollment.qrSrc && (
            <img
              className="mfa-qr"
              src={enrollment.qrSrc}
              alt="QR code for your authenticator app"
              width={180}
              height={180}
            />
          )}
          <p>
            Secret: <code className="mfa-secret">{enrollment.secret}</code>
          </p>
          <label>
            6-digit code
            <input
              inputMode="numeric"
              autoComplete="one-time-code"
              pattern="[0-9 ]{6,7}"
              required
              value={code}
              onChange={(e) => setCode(e.target.value)}
            />
          </label>
          <div className="form-actions">
            <button type="submit" className="primary" disabled={action.busy}>
              Verify and turn on
            </button>
            <button
              type="button"
              disabled={action.busy}
              onClick={() => void action.run(() => account.cancelEnrollment())}
            >
              Cancel
            </button>
          </div>
        </form>
      )}
      <ActionMessage error={action.error} notice={action.notice} />
    </section>
  );
}
