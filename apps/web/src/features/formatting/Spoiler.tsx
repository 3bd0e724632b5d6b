import { type ReactNode, useState } from 'react';

/** `||text||`: hidden (and out of reach of the keyboard and screen readers) until clicked. */
export function Spoiler({ children }: { children: ReactNode }) {
  const [shown, setShown] = useState(false);
  if (shown) return <span className="md-spoiler shown">{children}</span>;
  return (
    <button
      type="button"
      className="md-spoiler"
      aria-label="Spoiler, press to reveal"
      onClick={() => setShown(true)}
    >
      <span inert>{children}</span>
    </button>
  );
}
