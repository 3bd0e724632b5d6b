import { type RefObject, useEffect, useLayoutEffect, useState } from 'react';
import type { Anchor } from './moderation-store.js';

const MARGIN = 8;

/**
 * Keeps a fixed popover inside the window near its anchor, and closes it on a pointer press
 * outside it (`close`) or on Escape (`dismiss`).
 */
export function usePopover(
  ref: RefObject<HTMLElement | null>,
  anchor: Anchor,
  close: () => void,
  dismiss: () => void,
) {
  const [position, setPosition] = useState({ left: anchor.x, top: anchor.y });
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const { width, height } = el.getBoundingClientRect();
    const left = Math.max(MARGIN, Math.min(anchor.x, window.innerWidth - width - MARGIN));
    // Opened near the right edge (the member list), it goes to the anchor's left instead.
    const flipped = anchor.x + width + MARGIN > window.innerWidth ? anchor.x - width - 16 : left;
    const top = Math.max(MARGIN, Math.min(anchor.y, window.innerHeight - height - MARGIN));
    setPosition({ left: Math.max(MARGIN, flipped), top });
  }, [ref, anchor.x, anchor.y]);
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') dismiss();
    };
    const onPointer = (event: PointerEvent) => {
      if (ref.current && !ref.current.contains(event.target as Node)) close();
    };
    document.addEventListener('keydown', onKey);
    document.addEventListener('pointerdown', onPointer, true);
    return () => {
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('pointerdown', onPointer, true);
    };
  }, [ref, close, dismiss]);
  return position;
}
