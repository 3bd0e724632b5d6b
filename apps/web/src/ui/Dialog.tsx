import { X } from 'lucide-react';
import { type ReactNode, useEffect, useRef } from 'react';
import { IconButton } from './IconButton.js';

/**
 * A modal <dialog> with a title and a close button, open as soon as it mounts. Escape, the close
 * button and the form's own close all call onClose, which removes it from the caller's state.
 */
export function Dialog({
  title,
  onClose,
  className,
  children,
}: {
  title: string;
  onClose(): void;
  /** Added to "modal" (e.g. "wide"). */
  className?: string;
  children: ReactNode;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
  }, []);
  return (
    <dialog
      ref={ref}
      className={className ? `modal ${className}` : 'modal'}
      aria-label={title}
      onClose={onClose}
      onCancel={onClose}
    >
      <h2>{title}</h2>
      {children}
      <IconButton label="Close" icon={X} className="modal-close" onClick={onClose} />
    </dialog>
  );
}
