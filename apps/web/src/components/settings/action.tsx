import { type FormEvent, type ReactNode, useCallback, useState } from 'react';
import { describeError } from '../../lib/errors.js';

/**
 * Runs a store action for a control: tracks busy, keeps the server's refusal as the error
 * text, and an optional confirmation once it succeeds.
 */
export function useAction() {
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const run = useCallback(async (action: () => Promise<unknown>, done?: string): Promise<boolean> => {
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      await action();
      if (done) setNotice(done);
      return true;
    } catch (e) {
      setError(describeError(e));
      return false;
    } finally {
      setBusy(false);
    }
  }, []);
  return { run, error, notice, busy, setError, setNotice };
}

/** useAction for a form: submitting runs the action (the form's own validation has passed). */
export function useFormSubmit(action: () => Promise<unknown>) {
  const { run, error, busy } = useAction();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void run(action);
  };
  return { submit, error, busy };
}

export function ActionMessage({ error, notice }: { error: string | null; notice?: string | null }) {
  if (error) {
    return (
      <p role="alert" className="form-error">
        {error}
      </p>
    );
  }
  if (notice) {
    return (
      <p role="status" className="form-notice">
        {notice}
      </p>
    );
  }
  return null;
}

/** A form's end: the refusal (or confirmation), then the submit button. */
export function SubmitRow({
  label,
  disabled,
  error,
  notice,
  className = 'primary',
}: {
  label: ReactNode;
  disabled?: boolean;
  error: string | null;
  notice?: string | null;
  className?: string;
}) {
  return (
    <>
      <ActionMessage error={error} notice={notice} />
      <button type="submit" className={className} disabled={disabled}>
        {label}
      </button>
    </>
  );
}
