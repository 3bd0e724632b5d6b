import {
  type Announcements,
  KeyboardSensor,
  PointerSensor,
  type ScreenReaderInstructions,
  useSensor,
  useSensors,
} from '@dnd-kit/core';
import { sortableKeyboardCoordinates } from '@dnd-kit/sortable';

/**
 * Pointer and keyboard dragging for a sortable list. A pointer must move a few pixels before a
 * drag starts, so a click on the row still clicks; the keyboard drags from the row's handle
 * (Space to pick up, arrows to move, Space to drop, Escape to cancel).
 */
export function useSortableSensors() {
  return useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 6 } }),
    useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }),
  );
}

export const sortableInstructions: ScreenReaderInstructions = {
  draggable:
    'To move this item, press Space. Use the up and down arrow keys to move it, Space to drop it, or Escape to cancel.',
};

/** What a screen reader hears while dragging, with names people know (never the sortable ids). */
export function sortableAnnouncements(nameOf: (id: string) => string): Announcements {
  const name = (id: string | number) => nameOf(String(id));
  return {
    onDragStart: ({ active }) => `Picked up ${name(active.id)}.`,
    onDragOver: ({ active, over }) =>
      over ? `${name(active.id)} is over ${name(over.id)}.` : `${name(active.id)} is no longer over a place.`,
    onDragEnd: ({ active, over }) =>
      over ? `${name(active.id)} was dropped at ${name(over.id)}.` : `${name(active.id)} was dropped.`,
    onDragCancel: ({ active }) => `Moving ${name(active.id)} was cancelled.`,
  };
}
