import { closestCenter, DndContext, type DragEndEvent, MeasuringStrategy } from '@dnd-kit/core';
import { SortableContext, verticalListSortingStrategy } from '@dnd-kit/sortable';
import type { ReactNode } from 'react';
import { SortableRow } from '../../ui/SortableRow.js';
import { sortableAnnouncements, sortableInstructions, useSortableSensors } from '../../ui/sortable.js';

/**
 * Drag and drop for the channel list (pointer, or keyboard from each row's handle), loaded only
 * for members who may reorder: dnd-kit is a sizeable part of the app's code.
 */
export function SortableChannels({
  keys,
  nameOf,
  onDragStart,
  onDragEnd,
  onDragCancel,
  children,
}: {
  keys: string[];
  /** What a screen reader calls an entry ("#general", "category Voice"). */
  nameOf(key: string): string;
  onDragStart(key: string): void;
  onDragEnd(event: DragEndEvent): void;
  onDragCancel(): void;
  children: ReactNode;
}) {
  const sensors = useSortableSensors();
  return (
    <DndContext
      sensors={sensors}
      collisionDetection={closestCenter}
      // The list changes while a category is dragged (its channels fold away): measure as it goes.
      measuring={{ droppable: { strategy: MeasuringStrategy.Always } }}
      accessibility={{
        announcements: sortableAnnouncements(nameOf),
        screenReaderInstructions: sortableInstructions,
      }}
      onDragStart={({ active }) => onDragStart(String(active.id))}
      onDragEnd={onDragEnd}
      onDragCancel={onDragCancel}
    >
      <SortableContext items={keys} strategy={verticalListSortingStrategy}>
        {children}
      </SortableContext>
    </DndContext>
  );
}

export { SortableRow };
