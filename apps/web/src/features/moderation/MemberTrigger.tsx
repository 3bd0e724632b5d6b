import type { MouseEvent, ReactNode } from 'react';
import { moderationUi } from './moderation-store.js';

/**
 * Makes a member's name or picture open their profile card (click, Enter) and their actions
 * (right-click; on touch screens a long press fires contextmenu too).
 */
export function MemberTrigger({
  serverId,
  profileId,
  label,
  className,
  children,
}: {
  serverId: string;
  profileId: string;
  /** The accessible name, e.g. "Open Alice's profile". */
  label: string;
  className?: string;
  children: ReactNode;
}) {
  const open = (view: 'card' | 'menu') => (event: MouseEvent<HTMLButtonElement>) => {
    event.preventDefault();
    event.stopPropagation();
    const box = event.currentTarget.getBoundingClientRect();
    // A click opens beside the element; a right-click where the pointer is.
    const anchor =
      view === 'menu' && event.clientX
        ? { x: event.clientX, y: event.clientY }
        : { x: box.right + 8, y: box.top };
    moderationUi.getState().openCard({ serverId, profileId, anchor, view, opener: event.currentTarget });
  };
  return (
    <button
      type="button"
      className={`member-trigger${className ? ` ${className}` : ''}`}
      aria-label={label}
      aria-haspopup="dialog"
      onClick={open('card')}
      onContextMenu={open('menu')}
    >
      {children}
    </button>
  );
}
