import { X } from 'lucide-react';
import { useUi } from '../app/stores.js';
import { IconButton } from '../ui/IconButton.js';

export function Toasts() {
  const toasts = useUi((s) => s.toasts);
  const dismiss = useUi((s) => s.dismissToast);
  return (
    <div className="toasts" aria-live="polite">
      {toasts.map((t) => (
        <div key={t.id} className={`toast ${t.tone}`} role={t.tone === 'error' ? 'alert' : 'status'}>
          <span>{t.text}</span>
          <IconButton label="Dismiss" icon={X} size={16} onClick={() => dismiss(t.id)} />
        </div>
      ))}
    </div>
  );
}
