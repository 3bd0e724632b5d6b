import type { LucideIcon } from 'lucide-react';
import type { ButtonHTMLAttributes } from 'react';

interface IconButtonProps extends Omit<ButtonHTMLAttributes<HTMLButtonElement>, 'children'> {
  /** The accessible name, also shown as the tooltip. */
  label: string;
  icon: LucideIcon;
  size?: number;
  /** Where the tooltip opens (CSS decides the rest). */
  tooltip?: 'top' | 'bottom' | 'left' | 'right';
}

/** A button that is only an icon: named for screen readers, with a tooltip on hover and focus. */
export function IconButton({
  label,
  icon: Icon,
  size = 18,
  tooltip = 'bottom',
  className,
  ...rest
}: IconButtonProps) {
  return (
    <button
      type="button"
      aria-label={label}
      data-tooltip={label}
      data-tooltip-side={tooltip}
      className={`icon-button${className ? ` ${className}` : ''}`}
      {...rest}
    >
      <Icon aria-hidden="true" size={size} strokeWidth={2} />
    </button>
  );
}
