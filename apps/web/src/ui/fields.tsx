import type { InputHTMLAttributes } from 'react';

interface FieldProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange'> {
  label: string;
  value: string;
  onChange(value: string): void;
}

/** A labelled input bound to a string. */
export function Field({ label, onChange, ...input }: FieldProps) {
  return (
    <label>
      {label}
      <input {...input} onChange={(e) => onChange(e.target.value)} />
    </label>
  );
}

type PresetProps = Omit<FieldProps, 'label'> & { label?: string };

export function EmailField({ label = 'Email', ...props }: PresetProps) {
  return <Field label={label} type="email" autoComplete="email" required {...props} />;
}

/** A password; a new one must be 6 characters or more (GoTrue's minimum) and is offered to the password manager. */
export function PasswordField({
  label = 'Password',
  isNew = false,
  ...props
}: PresetProps & { isNew?: boolean }) {
  return (
    <Field
      label={label}
      type="password"
      required
      minLength={isNew ? 6 : undefined}
      autoComplete={isNew ? 'new-password' : 'current-password'}
      {...props}
    />
  );
}

/** A one-time code (mailed or from an authenticator): numeric keyboard and the browser's code autofill. */
export function CodeField({ label = 'Code from the email', ...props }: PresetProps) {
  return <Field label={label} inputMode="numeric" autoComplete="one-time-code" required {...props} />;
}
