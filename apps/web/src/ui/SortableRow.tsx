import { useSortable } from '@dnd-kit/sortable';
import { CSS } from '@dnd-kit/utilities';
import { GripVertical } from 'lucide-react';
import type { ReactNode } from 'react';

/**
 * A list item of a dnd-kit sortable list: a pointer drags the whole row (after a few pixels, so
 * clicks still work), the keyboard drags from its handle, a button named by `label`. A disabled
 * row has no handle and does not move.
 */
export function SortableRow({
  id,
  label,
  disabled,
  className,
  children,
}: {
  id: string;
  /** Names the drag handle ("Move general"). */
  label: string;
  disabled: boolean;
  className: string;
  children: ReactNode;
}) {
  const { attributes, listeners, setNodeRef, setActivatorNodeRef, transform, transition, isDragging } =
    useSortable({ id, disabled });
  return (
    <li
      ref={setNodeRef}
      className={`${className}${isDragging ? ' dragging' : ''}`}
      style={{ transform: CSS.Translate.toString(transform), transition }}
      {...(disabled ? {} : listeners)}
    >
      {!disabled && (
        <button
          type="button"
          ref={setActivatorNodeRef}
          className="drag-handle"
          {...attributes}
          aria-label={label}
          data-tooltip={label}
          data-tooltip-side="right"
        >
          <GripVertical aria-hidden="true" size={14} />
        </button>
      )}
      {children}
    </li>
  );
}
