import { BellRing, ChevronDown, LogOut, type LucideIcon, Pencil } from 'lucide-react';
import { type KeyboardEvent, useEffect, useRef, useState } from 'react';
import { stores } from '../../app/stores.js';
import { useServerPermission } from '../access/use-permissions.js';
import type { MemberSettingsDialog } from './member-dialogs.js';
import './server-admin.css';

interface Item {
  dialog: MemberSettingsDialog;
  label: string;
  icon: LucideIcon;
  danger?: boolean;
}

/**
 * What every member can do about a server from its header: notification settings and mutes,
 * their own nickname (with CHANGE_NICKNAME), leaving it. A WAI-ARIA menu button.
 */
export function ServerMenu({ serverId }: { serverId: string }) {
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const canNickname = useServerPermission(serverId, 'CHANGE_NICKNAME');
  const items: Item[] = [
    { dialog: 'notifications', label: 'Notification settings', icon: BellRing },
    ...(canNickname ? [{ dialog: 'nickname' as const, label: 'Change nickname', icon: Pencil }] : []),
    // The owner too: the dialog says to transfer ownership first.
    { dialog: 'leave', label: 'Leave server', icon: LogOut, danger: true },
  ];

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
    <div className="server-menu" ref={root}>
      <button
        ref={button}
        type="button"
        className="icon-button"
        aria-label="Server options"
        data-tooltip="Server options"
        data-tooltip-side="bottom"
        aria-haspopup="menu"
        aria-expanded={open}
        onClick={() => setOpen((v) => !v)}
      >
        <ChevronDown aria-hidden="true" size={18} />
      </button>
      {open && (
        <div role="menu" aria-label="Server options" className="server-menu-list" onKeyDown={onKeyDown}>
          {items.map(({ dialog, label, icon: Icon, danger }) => (
            <button
              key={dialog}
              type="button"
              role="menuitem"
              className={danger ? 'danger' : undefined}
              onClick={() => {
                setOpen(false);
                stores.ui.getState().openModal({ kind: 'memberSettings', dialog, serverId });
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
