import type { LucideIcon } from 'lucide-react';
import { type KeyboardEvent, type ReactNode, useEffect, useRef, useState } from 'react';
import './menu-button.css';

export interface MenuItem {
  key: string;
  label: string;
  icon: LucideIcon;
  onSelect(): void;
  danger?: boolean;
}

interface MenuButtonProps {
  /** The menu's accessible name. */
  menuLabel: string;
  items: MenuItem[];
  /** The button's content; given `open` so it can show a different icon while open. */
  trigger(open: boolean): ReactNode;
  /** The button's accessible name when its content has no text (an icon). */
  buttonLabel?: string;
  buttonClassName?: string;
  className?: string;
  /** Which edge of the button the list lines up with. */
  align?: 'start' | 'end';
}

/**
 * A WAI-ARIA menu button: the list opens below it with the first item focused; arrows, Home
 * and End move, Escape closes and returns focus, Tab or a press outside closes.
 */
export function MenuButton({
  menuLabel,
  items,
  trigger,
  buttonLabel,
  buttonClassName,
  className,
  align = 'start',
}: MenuButtonProps) {
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!open) return;
    root.current?.querySelector<HTMLButtonElement>('[role="menuitem"]')?.focus();
    const outside = (event: PointerEvent) => {
      if (!root.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('pointerdown', outside, true);
    return () => document.removeEventListener('pointerdown', outside, true);
  }, [open]);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const entries = [...(root.current?.querySelectorAll<HTMLButtonElement>('[role="menuitem"]') ?? [])];
    const index = entries.indexOf(document.activeElement as HTMLButtonElement);
    const move = (to: number) => entries[(to + entries.length) % entries.length]?.focus();
    if (event.key === 'ArrowDown') move(index + 1);
    else if (event.key === 'ArrowUp') move(index - 1);
    else if (event.key === 'Home') move(0);
    else if (event.key === 'End') move(entries.length - 1);
    else if (event.key === 'Escape' || event.key === 'Tab') {
      setOpen(false);
      if (event.key === 'Escape') button.current?.focus();
      return;
    } else return;
    event.preventDefault();
  };

  return (
    <div className={`menu-button${className ? ` ${className}` : ''}`} ref={root}>
      <button
        ref={button}
        type="button"
        className={buttonClassName}
        aria-label={buttonLabel}
        data-tooltip={open ? undefined : buttonLabel}
        data-tooltip-side={buttonLabel ? 'bottom' : undefined}
        aria-haspopup="menu"
        aria-expanded={open}
        onClick={() => setOpen((v) => !v)}
      >
        {trigger(open)}
      </button>
      {open && (
        <div role="menu" aria-label={menuLabel} className={`menu-list align-${align}`} onKeyDown={onKeyDown}>
          {items.map(({ key, label, icon: Icon, onSelect, danger }) => (
            <button
              key={key}
              type="button"
              role="menuitem"
              className={danger ? 'danger' : undefined}
              onClick={() => {
                setOpen(false);
                onSelect();
              }}
            >
              <Icon aria-hidden="true" size={16} />
              {label}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
