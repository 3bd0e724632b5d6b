import type { useAction } from '../../components/settings/action.js';
import { accountApi } from './api.js';

/** "Use a code sent by email instead" of the password: mails a reauthentication code, then onSent. */
export function CodeInsteadButton({
  action,
  email,
  onSent,
}: {
  action: Pick<ReturnType<typeof useAction>, 'run' | 'busy'>;
  email: string;
  onSent(): void;
}) {
  const send = async () => {
    await accountApi.sendReauthenticationCode();
    onSent();
  };
  return (
    <button
      type="button"
      className="link"
      disabled={action.busy}
      onClick={() => void action.run(send, `We emailed a code to ${email}.`)}
    >
      Use a code sent by email instead
    </button>
  );
}
